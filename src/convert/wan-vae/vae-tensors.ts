import type { DataType, Dim } from '../../onnx/index.ts';
import { BYTES_PER_ELEMENT } from '../../onnx/index.ts';
import type { FloatType } from '../build-context.ts';

/** Element count of a tensor as a function of the latent grid (h × w latent cells). */
export type Extent = (h: number, w: number) => number;

/**
 * An activation of one frame, [1, channels, scale·H, scale·W], where H × W is the latent
 * grid: every VAE tensor's spatial size is a whole multiple of it (encoder input 16, patchified 8, …).
 */
export interface Act {
  readonly name: string;
  readonly channels: number;
  readonly scale: number;
  readonly dtype: FloatType;
}

/** A tensor the graph holds at run time (input or node output), with its size law. */
export interface TrackedTensor {
  readonly name: string;
  readonly dtype: DataType;
  readonly extent: Extent;
  readonly isInput: boolean;
}

/** Extent of [frames, channels, scale·H, scale·W]. */
export const frameExtent =
  (channels: number, scale: number, frames = 1): Extent =>
  (h, w) =>
    frames * channels * scale * h * scale * w;

/** Symbolic dim of a tensor at `scale` × the latent grid: 'H', '2*H', … */
export function scaledDim(axis: 'H' | 'W', scale: number): Dim {
  return scale === 1 ? axis : `${scale}*${axis}`;
}

/** Bytes of a tracked tensor at the latent grid h × w. */
export function trackedBytes(t: TrackedTensor, h: number, w: number): number {
  return t.extent(h, w) * BYTES_PER_ELEMENT[t.dtype];
}
