import { Mt19937 } from './mt19937.ts';
import { logAvx, sinCosAvx } from './avx-mathfun.ts';
import { logfGlibc, sinCosfGlibc } from './glibc-mathf.ts';

/**
 * Which of PyTorch's CPU normal kernels to reproduce. avx2: x86-64 builds on AVX2 and
 * AVX-512 CPUs (what ComfyUI and the official scripts get on a PC); default: the portable
 * kernel. They agree below 16 values and differ in the last bits above.
 */
export type RandnVariant = 'avx2' | 'default';

const f = Math.fround;
const TWO_PI_F32 = f(2 * Math.PI);

/**
 * `torch.Generator('cpu').manual_seed(seed)` and its `torch.randn` stream, bit for bit.
 * Successive `randn` calls continue the stream like successive torch calls with one generator.
 */
export class TorchGenerator {
  private readonly engine: Mt19937;
  /** The cached second Box–Muller value of the scalar (< 16 values) path. */
  private nextNormal: number | null = null;

  constructor(
    seed: number | bigint,
    private readonly variant: RandnVariant = 'avx2',
  ) {
    this.engine = new Mt19937(seed);
  }

  /** torch.randn(shape, dtype=float32) from this generator. */
  randn(shape: readonly number[]): Float32Array {
    const size = shape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(size);
    if (size >= 16) this.fillBlocks(out);
    else for (let i = 0; i < size; i++) out[i] = this.scalarNormal();
    return out;
  }

  /** A float32 uniform in [0, 1): 24 random bits. */
  private uniformFloat(): number {
    return (this.engine.next() & 0xffffff) / 0x1000000;
  }

  /** A float64 uniform in [0, 1): 53 bits from two draws (the first is the high word). */
  private uniformDouble(): number {
    const hi = this.engine.next();
    const lo = this.engine.next();
    return ((hi & 0x1fffff) * 2 ** 32 + lo) / 2 ** 53;
  }

  /** at::normal_distribution<double>: Box–Muller in double, the sine half cached for the next call. */
  private scalarNormal(): number {
    if (this.nextNormal !== null) {
      const cached = this.nextNormal;
      this.nextNormal = null;
      return cached;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.nextNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /**
   * normal_fill: uniforms for every value, Box–Muller over blocks of 16 (pairs i, i + 8);
   * when the size is not a multiple of 16 the last 16 values are redrawn and transformed.
   */
  private fillBlocks(data: Float32Array): void {
    for (let i = 0; i < data.length; i++) data[i] = this.uniformFloat();
    for (let i = 0; i + 16 <= data.length; i += 16) this.normal16(data, i);
    if (data.length % 16 !== 0) {
      const start = data.length - 16;
      for (let i = 0; i < 16; i++) data[start + i] = this.uniformFloat();
      this.normal16(data, start);
    }
  }

  private normal16(data: Float32Array, at: number): void {
    for (let j = 0; j < 8; j++) {
      const u1 = f(1 - data[at + j]!);
      const u2 = data[at + j + 8]!;
      if (this.variant === 'avx2') {
        const radius = f(Math.sqrt(f(logAvx(u1) * -2)));
        const [sin, cos] = sinCosAvx(f(TWO_PI_F32 * u2));
        // `· std + mean` is one FMA with std 1 and mean 0: exact, except that it turns -0 into +0.
        data[at + j] = f(radius * cos) + 0;
        data[at + j + 8] = f(radius * sin) + 0;
      } else {
        // The portable kernel works in float with glibc's logf and sincosf; theta is 2π·u2 in double, rounded to float.
        const radius = f(Math.sqrt(f(-2 * logfGlibc(u1))));
        const [sin, cos] = sinCosfGlibc(f(2 * Math.PI * u2));
        data[at + j] = f(radius * cos) + 0;
        data[at + j + 8] = f(radius * sin) + 0;
      }
    }
  }
}

/** torch.randn(shape, generator=torch.Generator('cpu').manual_seed(seed), dtype=torch.float32). */
export function torchRandn(shape: readonly number[], seed: number | bigint, variant: RandnVariant = 'avx2'): Float32Array {
  return new TorchGenerator(seed, variant).randn(shape);
}
