import type * as ort from 'onnxruntime-common';

/**
 * The part of an onnxruntime module we use. onnxruntime-web and onnxruntime-node
 * both export it, so code written against it runs in the browser and in Node.
 */
export interface OrtModule {
  readonly InferenceSession: typeof ort.InferenceSession;
  readonly Tensor: typeof ort.Tensor;
}

export type OrtSessionOptions = ort.InferenceSession.SessionOptions;
export type OrtTensor = ort.Tensor;

/**
 * What the pipeline does with a session: run it and release it. An onnxruntime
 * InferenceSession is one; so is a session whose weights are fed from GPU buffers.
 */
export interface OrtSession {
  run(feeds: ort.InferenceSession.FeedsType): Promise<ort.InferenceSession.ReturnType>;
  release(): Promise<void>;
}
