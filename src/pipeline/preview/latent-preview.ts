import type { LatentRgbMap } from './latent-rgb-map.ts';

/** RGBA frames at latent resolution, one per latent frame. */
export interface LatentPreviewFrames {
  readonly width: number;
  readonly height: number;
  readonly frames: Uint8ClampedArray[];
}

/** Applies the latent → RGB map to latents [1, C, F, H, W]: one small RGBA image per latent frame. */
export function latentPreview(latents: Float32Array, dims: readonly number[], map: LatentRgbMap): LatentPreviewFrames {
  const [, channels, count, height, width] = dims as [number, number, number, number, number];
  if (channels !== map.channels) throw new RangeError(`the preview map takes ${map.channels} latent channels, the latents have ${channels}`);
  const plane = height * width;
  const frames: Uint8ClampedArray[] = [];
  const rgb = new Float32Array(3 * plane);
  for (let f = 0; f < count; f++) {
    for (let k = 0; k < 3; k++) rgb.fill(map.bias[k]!, k * plane, (k + 1) * plane);
    for (let c = 0; c < channels; c++) {
      const source = latents.subarray((c * count + f) * plane, (c * count + f + 1) * plane);
      for (let k = 0; k < 3; k++) {
        const weight = map.weights[k * channels + c]!;
        for (let p = 0; p < plane; p++) rgb[k * plane + p]! += weight * source[p]!;
      }
    }
    const rgba = new Uint8ClampedArray(4 * plane);
    for (let p = 0; p < plane; p++) {
      for (let k = 0; k < 3; k++) rgba[4 * p + k] = (rgb[k * plane + p]! + 1) * 127.5;
      rgba[4 * p + 3] = 255;
    }
    frames.push(rgba);
  }
  return { width, height, frames };
}
