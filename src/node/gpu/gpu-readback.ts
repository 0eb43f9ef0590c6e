import type * as OrtNode from 'onnxruntime-node';
import { GraphBuilder, STANDARD_OPSETS } from '../../onnx/index.ts';
import { PromiseCache } from '../../promise-cache.ts';
import type { OrtModule, OrtSession, OrtSessionOptions, OrtTensor } from '../../pipeline/ort-types.ts';

type ReadableType = 'float32' | 'float16';
type GpuTensor = OrtTensor & { readonly gpuBuffer: unknown };

function identityModel(dtype: ReadableType): Uint8Array {
  const g = new GraphBuilder(`readback-${dtype}`);
  g.output('y', dtype, ['n'], g.op('Identity', [g.input('x', dtype, ['n'])], '/Identity'));
  return g.toModel({ opsets: STANDARD_OPSETS });
}

/**
 * Makes onnxruntime-node's GPU outputs readable. Its WebGPU EP hands back outputs kept in GPU
 * buffers (`preferredOutputLocation: 'gpu-buffer'`) as tensors that can be fed to the next run,
 * but their `getData()` is not implemented (it aborts the process). Here every such output
 * becomes a tensor on the same buffer whose download runs a one-node Identity graph on the
 * same EP with its output on the CPU: onnxruntime copies the buffer back.
 */
export class GpuReadback {
  private readonly sessions = new PromiseCache<ReadableType, OrtSession>();

  constructor(
    private readonly ort: typeof OrtNode,
    private readonly sessionOptions: OrtSessionOptions,
  ) {}

  /** onnxruntime-node with every session's GPU outputs made readable: what the pipeline is given. */
  module(): OrtModule {
    const create = (...args: Parameters<typeof OrtNode.InferenceSession.create>) =>
      (this.ort.InferenceSession.create as (...a: typeof args) => Promise<OrtSession>)(...args).then((session) => this.session(session));
    return { InferenceSession: { create } as unknown as OrtModule['InferenceSession'], Tensor: this.ort.Tensor };
  }

  /** `session` with its GPU outputs readable. */
  session(session: OrtSession): OrtSession {
    return {
      run: async (feeds) => {
        const outputs = await session.run(feeds);
        return Object.fromEntries(Object.entries(outputs).map(([name, tensor]) => [name, this.readable(tensor)]));
      },
      release: () => session.release(),
    };
  }

  /** Releases the readback sessions. */
  async dispose(): Promise<void> {
    await Promise.all(this.sessions.takeAll().map(async (session) => (await session.catch(() => null))?.release()));
  }

  private readable(tensor: OrtTensor): OrtTensor {
    if (tensor.location !== 'gpu-buffer') return tensor;
    const { gpuBuffer } = tensor as GpuTensor;
    const dataType = tensor.type as ReadableType;
    return this.ort.Tensor.fromGpuBuffer(gpuBuffer as never, {
      dataType,
      dims: tensor.dims,
      download: () => this.download(gpuBuffer, dataType, tensor.size),
      dispose: () => tensor.dispose(),
    }) as OrtTensor;
  }

  private async download(gpuBuffer: unknown, dataType: ReadableType, size: number): Promise<Float32Array & Uint16Array> {
    if (dataType !== 'float32' && dataType !== 'float16') throw new Error(`GPU tensors of type ${dataType as string} cannot be read back here.`);
    const session = await this.sessions.get(dataType, () => this.ort.InferenceSession.create(identityModel(dataType), this.sessionOptions));
    // A flat view of the same buffer: one graph reads tensors of every shape.
    const flat = this.ort.Tensor.fromGpuBuffer(gpuBuffer as never, { dataType, dims: [size] });
    const { y } = await session.run({ x: flat });
    return y!.data as Float32Array & Uint16Array;
  }
}
