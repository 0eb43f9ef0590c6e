import type { LatentRgbMap } from './latent-rgb-map.ts';

/** Where a preview's pictures come from: the linear latent → RGB map (rough colours), or the tiny decoder (true colours). */
export type PreviewSource = 'latent-map' | 'tiny-decoder';

/** Small RGBA pictures, one per latent frame (each stands for the video frames it decodes to). */
export interface LatentPreviewFrames {
  readonly width: number;
  readonly height: number;
  /** Video pixels per picture pixel, across and down: 16 for the latent map, the downscale for the tiny decoder. */
  readonly pixelScale: number;
  readonly source: PreviewSource;
  readonly frames: Uint8ClampedArray[];
}

/** Latent pixels are 16 × 16 video pixels. */
const LATENT_STRIDE = 16;

/** Throws unless the map takes `channels` latent channels. */
export function assertPreviewChannels(channels: number, map: LatentRgbMap): void {
  if (channels !== map.channels) throw new RangeError(`the preview map takes ${map.channels} latent channels, the latents have ${channels}`);
}

/** The latent → RGB map applied to latents [1, C, F, H, W]: RGB in [-1, 1] as [3, F, H, W]. */
export function projectLatents(latents: Float32Array, dims: readonly number[], map: LatentRgbMap): Float32Array {
  const [, channels, count, height, width] = dims as [number, number, number, number, number];
  assertPreviewChannels(channels, map);
  const size = count * height * width;
  const rgb = new Float32Array(3 * size);
  for (let k = 0; k < 3; k++) {
    const out = rgb.subarray(k * size, (k + 1) * size);
    out.fill(map.bias[k]!);
    for (let c = 0; c < channels; c++) {
      const weight = map.weights[k * channels + c]!;
      const source = latents.subarray(c * size, (c + 1) * size);
      for (let p = 0; p < size; p++) out[p]! += weight * source[p]!;
    }
  }
  return rgb;
}

/** RGB [3, F, H, W] in [-1, 1] as one small RGBA image per latent frame. */
export function previewFrames(rgb: Float32Array, dims: readonly number[]): LatentPreviewFrames {
  const [, , count, height, width] = dims as [number, number, number, number, number];
  const plane = height * width;
  const size = count * plane;
  const frames: Uint8ClampedArray[] = [];
  for (let f = 0; f < count; f++) {
    const rgba = new Uint8ClampedArray(4 * plane);
    for (let p = 0; p < plane; p++) {
      for (let k = 0; k < 3; k++) rgba[4 * p + k] = (rgb[k * size + f * plane + p]! + 1) * 127.5;
      rgba[4 * p + 3] = 255;
    }
    frames.push(rgba);
  }
  return { width, height, pixelScale: LATENT_STRIDE, source: 'latent-map', frames };
}
