import { PromiseCache } from '../../promise-cache.ts';
import type { Term } from '../sampling/index.ts';
import type { OrtModule, OrtSession, OrtSessionOptions, OrtTensor } from '../ort-types.ts';
import { combineGraph, combineInputs, firstFrameGraph, rgbGraph } from './latent-graphs.ts';
import { assertPreviewChannels } from '../preview/latent-preview.ts';
import type { LatentRgbMap } from '../preview/latent-rgb-map.ts';
import type { LatentTensors } from './latent-tensors.ts';

/**
 * Latent tensors kept on the GPU: each operation is a small graph run on the model sessions'
 * execution provider with its output left in a GPU buffer, so the denoising loop reads
 * nothing back until {@link read}. Tensors it returns are released with {@link release}.
 */
export class DeviceLatentTensors implements LatentTensors {
  private readonly sessions = new PromiseCache<string, OrtSession>();

  constructor(
    private readonly ort: OrtModule,
    /** The model sessions' options (execution provider and GPU device). */
    private readonly sessionOptions: OrtSessionOptions,
  ) {}

  async combine(terms: readonly Term<OrtTensor>[]): Promise<OrtTensor> {
    const rank = terms[0]![1].dims.length;
    const session = await this.session(`combine-${terms.length}-${rank}`, () => combineGraph(terms.length, rank));
    const feeds: Record<string, OrtTensor> = {};
    terms.forEach(([c, t], i) => {
      const names = combineInputs(i);
      feeds[names.tensor] = t;
      feeds[names.coefficient] = new this.ort.Tensor('float32', Float32Array.of(c), []);
    });
    return (await session.run(feeds)).y!;
  }

  size(tensor: OrtTensor): number {
    return tensor.size;
  }

  fromValues(values: Float32Array, like: OrtTensor): OrtTensor {
    return new this.ort.Tensor('float32', values, like.dims);
  }

  release(tensor: OrtTensor): void {
    // Not by location: a GPU tensor that has been read reports 'cpu' but still holds its buffer.
    tensor.dispose();
  }

  place(tensor: OrtTensor): Promise<OrtTensor> {
    return this.combine([[1, tensor]]);
  }

  async withFirstFrame(x: OrtTensor, first: OrtTensor): Promise<OrtTensor> {
    const session = await this.session('with-first-frame', firstFrameGraph);
    return (await session.run({ x, first })).y!;
  }

  async toRgb(x: OrtTensor, map: LatentRgbMap): Promise<OrtTensor> {
    assertPreviewChannels(x.dims[1]!, map);
    const session = await this.session('latents-to-rgb', rgbGraph);
    const { rgb } = await session.run({
      x,
      weights: new this.ort.Tensor('float32', map.weights, [3, map.channels]),
      bias: new this.ort.Tensor('float32', map.bias, [3, 1]),
    });
    return rgb!;
  }

  async read(tensor: OrtTensor): Promise<Float32Array> {
    return (await tensor.getData()) as Float32Array;
  }

  async dispose(): Promise<void> {
    const pending = this.sessions.takeAll();
    await Promise.all(pending.map(async (session) => (await session.catch(() => null))?.release()));
  }

  private session(key: string, model: () => Uint8Array): Promise<OrtSession> {
    return this.sessions.get(key, () => this.ort.InferenceSession.create(model(), { ...this.sessionOptions, preferredOutputLocation: 'gpu-buffer' }));
  }
}
