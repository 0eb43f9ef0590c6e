/** Which build of onnxruntime-web's native WebGPU EP is loaded. */
export type OrtWebFlavor = 'jspi' | 'asyncify';

/** The model worker's name when it is to load the Asyncify build even where JSPI exists (see wanWorker). */
export const ASYNCIFY_WORKER = 'wan-worker (asyncify)';
