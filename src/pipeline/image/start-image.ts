import { InvalidInputError } from '../../errors.ts';
import { bestOutputSize } from './best-output-size.ts';
import { lanczosResize } from './lanczos-resize.ts';

/** 8-bit pixels, interleaved RGB or RGBA (alpha is ignored), row-major. */
export interface RgbImage {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
}

/** The start image as the VAE takes it: [3, 1, height, width] in [-1, 1]. */
export interface PreparedImage {
  readonly pixels: Float32Array;
  readonly width: number;
  readonly height: number;
}

/** Python's round(): half to even. */
const roundHalfEven = (x: number) => {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** Where the start image lands: the video size, the size it is resized to (covering it), and the centre crop's offset. */
export interface StartImageCrop {
  readonly width: number;
  readonly height: number;
  readonly resizedWidth: number;
  readonly resizedHeight: number;
  readonly left: number;
  readonly top: number;
}

/**
 * Wan2.2 TI2V's framing of a start image: the output size from `bestOutputSize` (multiples of
 * 32, area ≤ maxArea), the scale that covers it, and the centre crop. The UI draws this crop.
 */
export function startImageCrop(imageWidth: number, imageHeight: number, maxArea = 704 * 1280): StartImageCrop {
  const [width, height] = bestOutputSize(imageWidth, imageHeight, 32, 32, maxArea);
  const scale = Math.max(width / imageWidth, height / imageHeight);
  const resizedWidth = roundHalfEven(imageWidth * scale);
  const resizedHeight = roundHalfEven(imageHeight * scale);
  return { width, height, resizedWidth, resizedHeight, left: Math.floor((resizedWidth - width) / 2), top: Math.floor((resizedHeight - height) / 2) };
}

/**
 * Wan2.2 TI2V's start-image preparation: {@link startImageCrop}'s Lanczos resize and centre
 * crop, then (x/255 − 0.5)/0.5.
 */
export function prepareStartImage(image: RgbImage, maxArea = 704 * 1280): PreparedImage {
  if (image.width < 1 || image.height < 1 || image.data.length !== image.width * image.height * image.channels) {
    throw new InvalidInputError(`The start image is malformed: ${image.width}x${image.height} with ${image.channels} channels but ${image.data.length} values.`);
  }
  const { width, height, resizedWidth, resizedHeight, left, top } = startImageCrop(image.width, image.height, maxArea);
  const resized = lanczosResize(image.data, image.width, image.height, image.channels, resizedWidth, resizedHeight);
  const plane = width * height;
  const pixels = new Float32Array(3 * plane);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const source = ((top + y) * resizedWidth + left + x) * image.channels;
      for (let c = 0; c < 3; c++) pixels[c * plane + y * width + x] = Math.fround(Math.fround(resized[source + c]! / 255 - 0.5) / 0.5);
    }
  }
  return { pixels, width, height };
}
