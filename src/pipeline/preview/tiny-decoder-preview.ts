import type { LatentVideoDims, VaeDecoder } from '../vae/index.ts';
import type { LatentPreviewFrames } from './latent-preview.ts';

/** The longest side of a tiny-decoder preview picture: big enough to judge, small enough to post every step. */
export const TINY_PREVIEW_MAX_SIDE = 416;

/** The integer box downscale that brings a `width` × `height` frame to at most `maxSide` on its longer side. */
export function previewDownscale(width: number, height: number, maxSide = TINY_PREVIEW_MAX_SIDE): number {
  return Math.max(1, Math.ceil(Math.max(width, height) / maxSide));
}

/**
 * True-colour previews: latents [C, F, H, W] (a step's clean estimate) through the tiny
 * decoder, the last video frame of each latent frame's chunk kept, box-downscaled (see
 * {@link previewDownscale}). One picture per latent frame, like the latent map's.
 */
export async function tinyDecoderPreview(decoder: VaeDecoder, latents: Float32Array, dims: LatentVideoDims, maxSide = TINY_PREVIEW_MAX_SIDE): Promise<LatentPreviewFrames> {
  const frames: Uint8ClampedArray[] = [];
  let size = { width: 0, height: 0, scale: 1 };
  for await (const chunk of decoder.decodeLatents(latents, dims)) {
    const scale = previewDownscale(chunk.width, chunk.height, maxSide);
    size = { width: Math.floor(chunk.width / scale), height: Math.floor(chunk.height / scale), scale };
    frames.push(boxDownscaledRgba(chunk.data, chunk.frames - 1, chunk, size));
  }
  return { width: size.width, height: size.height, pixelScale: size.scale, source: 'tiny-decoder', frames };
}

/** Frame `f` of RGB [3, n, H, W] in [-1, 1] as RGBA, each pixel the mean of a `scale` × `scale` block. */
function boxDownscaledRgba(
  rgb: Float32Array,
  f: number,
  chunk: { readonly frames: number; readonly width: number; readonly height: number },
  out: { readonly width: number; readonly height: number; readonly scale: number },
): Uint8ClampedArray {
  const plane = chunk.width * chunk.height;
  const rgba = new Uint8ClampedArray(4 * out.width * out.height);
  const norm = 127.5 / (out.scale * out.scale);
  for (let k = 0; k < 3; k++) {
    const source = rgb.subarray((k * chunk.frames + f) * plane, (k * chunk.frames + f + 1) * plane);
    for (let y = 0; y < out.height; y++) {
      for (let x = 0; x < out.width; x++) {
        let sum = 0;
        for (let dy = 0; dy < out.scale; dy++) {
          const row = (y * out.scale + dy) * chunk.width + x * out.scale;
          for (let dx = 0; dx < out.scale; dx++) sum += source[row + dx]!;
        }
        rgba[4 * (y * out.width + x) + k] = sum * norm + 127.5;
      }
    }
  }
  for (let p = 3; p < rgba.length; p += 4) rgba[p] = 255;
  return rgba;
}
