import type { LatentMath } from '../sampling/index.ts';
import { combineArrays } from '../sampling/index.ts';
import type { OrtModule, OrtTensor } from '../ort-types.ts';
import { projectLatents } from '../preview/latent-preview.ts';
import type { LatentRgbMap } from '../preview/latent-rgb-map.ts';
import { assert } from '../../assert.ts';

/**
 * Where the denoising loop keeps its latent-sized tensors, and the arithmetic it does on
 * them: the sampler's linear combinations, guidance, and image-to-video's clean first frame.
 * On the CPU they are arrays; on the GPU (see DeviceLatentTensors) they stay in GPU buffers
 * and only {@link read} copies anything back.
 */
export interface LatentTensors extends LatentMath<OrtTensor> {
  /** A CPU tensor where the loop computes (the same tensor on the CPU, a GPU copy on the device). */
  place(tensor: OrtTensor): Promise<OrtTensor>;
  /** x [1, C, F, H, W] with frame 0 replaced by `first` [1, C, 1, H, W], as a new tensor. */
  withFirstFrame(x: OrtTensor, first: OrtTensor): Promise<OrtTensor>;
  /** Latents [1, C, F, H, W] through the preview's latent → RGB map: [1, 3, F, H, W], a sixteenth of the latents' size. */
  toRgb(x: OrtTensor, map: LatentRgbMap): Promise<OrtTensor>;
  /** The values on the CPU: a GPU → CPU readback on the device. */
  read(tensor: OrtTensor): Promise<Float32Array>;
  /** Releases what the implementation holds (its sessions). */
  dispose(): Promise<void>;
}

/** Puts the clean image latent [C, 1, H, W] into frame 0 of x [1, C, F, H, W], in place. */
export function imposeFirstFrame(x: Float32Array, firstFrame: Float32Array, dims: readonly number[]): void {
  const [, channels, frames, height, width] = dims as [number, number, number, number, number];
  const plane = height * width;
  for (let c = 0; c < channels; c++) x.set(firstFrame.subarray(c * plane, (c + 1) * plane), c * frames * plane);
}

/** Latent tensors as CPU arrays (onnxruntime-node, and the CPU path in general). */
export function hostLatentTensors(ort: OrtModule): LatentTensors {
  const values = (tensor: OrtTensor) => {
    assert(tensor.location === 'cpu', `hostLatentTensors takes CPU tensors, not ${tensor.location} ones.`);
    return tensor.data as Float32Array;
  };
  const make = (data: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', data, dims);
  return {
    combine: async (terms) => make(combineArrays(terms.map(([c, t]) => [c, values(t)] as const)), terms[0]![1].dims),
    size: (tensor) => tensor.size,
    fromValues: (data, like) => make(data, like.dims),
    release: () => undefined,
    place: async (tensor) => tensor,
    async withFirstFrame(x, first) {
      const out = Float32Array.from(values(x));
      imposeFirstFrame(out, values(first), x.dims);
      return make(out, x.dims);
    },
    toRgb: async (x, map) => make(projectLatents(values(x), x.dims, map), [1, 3, ...x.dims.slice(2)]),
    read: async (tensor) => values(tensor),
    dispose: async () => undefined,
  };
}
