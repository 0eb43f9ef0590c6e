import { InvalidInputError } from '../../errors.ts';
import type { StartImage } from '../../state/start-image-store.ts';

/** Decodes a picked, dropped or pasted image file into RGBA pixels (EXIF orientation applied, as browsers show it). */
export async function readImage(file: Blob, name: string): Promise<StartImage> {
  if (!file.type.startsWith('image/')) throw new InvalidInputError(`${name} is not an image. Use a PNG, JPEG or WebP picture.`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image', colorSpaceConversion: 'default' });
  } catch {
    throw new InvalidInputError(`${name} could not be read as an image. It may be damaged or in a format this browser does not decode; try a PNG or JPEG.`);
  }
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return { name, file, rgb: { data, width, height, channels: 4 }, url: URL.createObjectURL(file) };
  } finally {
    bitmap.close();
  }
}

/** The first image among dropped or pasted items, if any. */
export function firstImageFile(files: FileList | readonly File[] | undefined | null): File | null {
  return [...(files ?? [])].find((file) => file.type.startsWith('image/')) ?? null;
}
