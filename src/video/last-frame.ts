import { decode as decodePng, encode as encodePng } from 'fast-png';
import type { AttachedImage, Input } from 'mediabunny';
import type { RgbImage } from '../pipeline/image/index.ts';

/** The name the last frame carries in a video's metadata (the file's cover image). */
export const LAST_FRAME_NAME = 'wan-web-last-frame.png';

/**
 * A video's last frame as decoded by the VAE, losslessly as PNG, for the file's metadata: an
 * extension starts from it exactly (no codec loss), in the browser and in Node, which has no
 * video decoder. It is the file's cover image too. RGB only: the alpha channel is always opaque.
 */
export function lastFrameImage(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): AttachedImage {
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; q < rgb.length; p += 4, q += 3) {
    rgb[q] = rgba[p]!;
    rgb[q + 1] = rgba[p + 1]!;
    rgb[q + 2] = rgba[p + 2]!;
  }
  const data = encodePng({ width, height, data: rgb, channels: 3, depth: 8 });
  return { data, mimeType: 'image/png', kind: 'coverFront', name: LAST_FRAME_NAME };
}

/**
 * The last frame a video made by this app keeps in its metadata, or null when it has none (made
 * before it was kept). MP4 keeps no image names, so there the PNG cover image is taken.
 */
export async function readLastFrame(input: Input): Promise<RgbImage | null> {
  const images = (await input.getMetadataTags()).images ?? [];
  const image = images.find((candidate) => candidate.name === LAST_FRAME_NAME) ?? images.find((candidate) => candidate.mimeType === 'image/png' && candidate.kind === 'coverFront');
  if (!image) return null;
  const png = decodePng(image.data);
  if (png.depth !== 8 || (png.channels !== 3 && png.channels !== 4)) return null;
  return { data: png.data as Uint8Array, width: png.width, height: png.height, channels: png.channels };
}
