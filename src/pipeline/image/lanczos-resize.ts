/**
 * Lanczos (a = 3) resampling of 8-bit images the way Pillow's `Image.resize(…, LANCZOS)`
 * does it: separable passes (horizontal, then vertical), the kernel stretched by the
 * downscale factor, fixed-point coefficients with 22 fractional bits, and a rounding to
 * 8 bits after each pass.
 */
const PRECISION_BITS = 32 - 8 - 2;
const SUPPORT = 3;

const sinc = (x: number) => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));
const lanczos = (x: number) => (-SUPPORT <= x && x < SUPPORT ? sinc(x) * sinc(x / SUPPORT) : 0);

interface Coefficients {
  readonly bounds: Int32Array; // per output: first input index, count
  readonly weights: Int32Array; // per output: `ksize` fixed-point weights
  readonly ksize: number;
}

function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = SUPPORT * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let x = 0; x < outSize; x++) {
    const center = (x + 0.5) * scale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let total = 0;
    for (let i = 0; i < xmax; i++) {
      k[i] = lanczos((i + xmin - center + 0.5) / filterScale);
      total += k[i]!;
    }
    for (let i = 0; i < xmax; i++) {
      const normalised = total !== 0 ? k[i]! / total : 0;
      // Pillow rounds half away from zero when converting to fixed point.
      weights[x * ksize + i] = normalised < 0 ? Math.trunc(-0.5 + normalised * (1 << PRECISION_BITS)) : Math.trunc(0.5 + normalised * (1 << PRECISION_BITS));
    }
    bounds[x * 2] = xmin;
    bounds[x * 2 + 1] = xmax;
  }
  return { bounds, weights, ksize };
}

const clip8 = (value: number) => {
  const v = value >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
};

/** Resamples interleaved 8-bit pixels (`channels` per pixel) to outWidth × outHeight. */
export function lanczosResize(
  data: ArrayLike<number>,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  let current = Uint8Array.from(data);
  let w = width;
  if (outWidth !== width) {
    const c = coefficients(width, outWidth);
    const next = new Uint8Array(outWidth * height * channels);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < outWidth; x++) {
        const [xmin, count] = [c.bounds[x * 2]!, c.bounds[x * 2 + 1]!];
        for (let ch = 0; ch < channels; ch++) {
          let sum = 1 << (PRECISION_BITS - 1);
          for (let i = 0; i < count; i++) sum += current[(y * w + xmin + i) * channels + ch]! * c.weights[x * c.ksize + i]!;
          next[(y * outWidth + x) * channels + ch] = clip8(sum);
        }
      }
    }
    current = next;
    w = outWidth;
  }
  if (outHeight !== height) {
    const c = coefficients(height, outHeight);
    const next = new Uint8Array(w * outHeight * channels);
    for (let y = 0; y < outHeight; y++) {
      const [ymin, count] = [c.bounds[y * 2]!, c.bounds[y * 2 + 1]!];
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < channels; ch++) {
          let sum = 1 << (PRECISION_BITS - 1);
          for (let i = 0; i < count; i++) sum += current[((ymin + i) * w + x) * channels + ch]! * c.weights[y * c.ksize + i]!;
          next[(y * w + x) * channels + ch] = clip8(sum);
        }
      }
    }
    current = next;
  }
  return current;
}
