import { InvalidInputError } from '../errors.ts';
import { readFile } from 'node:fs/promises';
import { decode as decodePng, hasPngSignature } from 'fast-png';
import jpeg from 'jpeg-js';
import type { RgbImage } from '../pipeline/image/index.ts';

/** Reads a PNG or JPEG file as 8-bit RGB(A) pixels (pure JavaScript decoders: fast-png, jpeg-js). */
export async function readImageFile(path: string): Promise<RgbImage> {
  const bytes = await readFile(path).then(
    (buffer) => new Uint8Array(buffer),
    (error: NodeJS.ErrnoException) => {
      throw new InvalidInputError(error.code === 'ENOENT' ? `The image ${path} does not exist.` : `The image ${path} cannot be read (${error.code ?? error.message}).`);
    },
  );
  try {
    return decodeImage(path, bytes);
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`${path} is damaged or not a PNG or JPEG image (${(error as Error).message}).`);
  }
}

function decodeImage(path: string, bytes: Uint8Array): RgbImage {
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
