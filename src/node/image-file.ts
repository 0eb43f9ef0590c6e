import { InvalidInputError } from '../errors.ts';
import { readFile } from 'node:fs/promises';
import { decode as decodePng, hasPngSignature } from 'fast-png';
import jpeg from 'jpeg-js';
import type { RgbImage } from '../pipeline/image/index.ts';

/** Reads a PNG or JPEG file as 8-bit RGB(A) pixels (pure JavaScript decoders: fast-png, jpeg-js). */
export async function readImageFile(path: string): Promise<RgbImage> {
  const bytes = new Uint8Array(await readFile(path));
  if (hasPngSignature(bytes)) {
    const png = decodePng(bytes);
    if (png.depth !== 8 || (png.channels !== 3 && png.channels !== 4)) {
      throw new InvalidInputError(`${path}: only 8-bit RGB or RGBA PNGs are supported (this one has ${png.channels} channels at ${png.depth} bits). Convert it first.`);
    }
    return { data: png.data as Uint8Array, width: png.width, height: png.height, channels: png.channels };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { data: image.data, width: image.width, height: image.height, channels: 4 };
  }
  throw new InvalidInputError(`${path} is neither a PNG nor a JPEG image.`);
}
