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

/**
 * Wan2.2 TI2V's start-image preparation: the output size from `bestOutputSize` (multiples
 * of 32, area ≤ maxArea), a Lanczos resize that covers it, a centre crop, and (x/255 − 0.5)/0.5.
 */
export function prepareStartImage(image: RgbImage, maxArea = 704 * 1280): PreparedImage {
  if (image.width < 1 || image.height < 1 || image.data.length !== image.width * image.height * image.channels) {
    throw new TypeError(`The start image is malformed: ${image.width}x${image.height} with ${image.channels} channels but ${image.data.length} values.`);
  }
  const [width, height] = bestOutputSize(image.width, image.height, 32, 32, maxArea);
  const scale = Math.max(width / image.width, height / image.height);
  const resizedWidth = roundHalfEven(image.width * scale);
  const resizedHeight = roundHalfEven(image.height * scale);
  const resized = lanczosResize(image.data, image.width, image.height, image.channels, resizedWidth, resizedHeight);
  const left = Math.floor((resizedWidth - width) / 2);
  const top = Math.floor((resizedHeight - height) / 2);
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
