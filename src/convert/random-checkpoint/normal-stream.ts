import { ConvertError } from '../../errors.ts';

// Approximately normal values, fast: one xoshiro128** draw per value, mapped through a
// piecewise-linear inverse normal CDF. The top TABLE_BITS bits of the draw pick one of 4096
// equal-probability cells, the other bits interpolate inside it. Rewriting a 25 GB checkpoint
// needs ~11·10⁹ values, so Box–Muller (log + sqrt + sin/cos, ~5× slower here) is not used.

const TABLE_BITS = 12;
const CELLS = 1 << TABLE_BITS;
const FRACTION_BITS = 32 - TABLE_BITS;

/** Cell start values and per-unit-of-fraction slopes of the normalised inverse CDF. */
const { CELL_BASE, CELL_SLOPE } = buildInverseCdfTable();

/** A seeded stream of approximately N(mean, std²) float32 values. */
export class NormalStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** `state`: four 32-bit words, not all zero (see {@link tensorStreamState}). */
  constructor(state: readonly [number, number, number, number]) {
    [this.s0, this.s1, this.s2, this.s3] = state.map((w) => w | 0) as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Overwrites `out[0, count)` with the next `count` values of the stream. */
  fill(out: Float32Array, mean: number, std: number, count = out.length): void {
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    const base = CELL_BASE;
    const slope = CELL_SLOPE;
    const fractionMask = (1 << FRACTION_BITS) - 1;
    for (let i = 0; i < count; i++) {
      // xoshiro128** (Blackman & Vigna): output rotl(s1·5, 7)·9, then the xorshift state update.
      const x = Math.imul(s1, 5);
      const r = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const cell = r >>> FRACTION_BITS;
      out[i] = mean + std * ((base[cell] as number) + (slope[cell] as number) * (r & fractionMask));
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }
}

/**
 * The initial state of one tensor's stream, from the checkpoint seed and the tensor's place
 * (`component/name`). Each tensor has its own stream, so its values do not depend on which
 * other tensors are written, in which order, or how the checkpoint is sharded.
 */
export function tensorStreamState(seed: number, key: string): [number, number, number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new ConvertError(`The random checkpoint seed must be a non-negative integer below 2^53, got ${seed}.`);
  }
  let a = (fnv1a(key, 0x811c9dc5) ^ (seed >>> 0)) | 0;
  const b = (fnv1a(key, 0x01000193) ^ Math.floor(seed / 2 ** 32)) | 0;
  const state: [number, number, number, number] = [0, 0, 0, 0];
  for (let k = 0; k < 4; k++) {
    a = (a + 0x9e3779b9) | 0;
    state[k] = mix32(a ^ mix32((b + Math.imul(k + 1, 0x85ebca6b)) | 0));
  }
  return state;
}

/** FNV-1a over the UTF-16 code units of `text`, from the given offset basis. */
function fnv1a(text: string, basis: number): number {
  let h = basis | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** A 32-bit integer finaliser with good avalanche (Wellons' "lowbias32"). */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x | 0;
}

/**
 * Knots T_j = Φ⁻¹(j/4096) for the inner cells. The two tail cells get outer knots that give
 * them the true conditional mean of the tail (E[z | z < T_1] = −φ(T_1)·4096), so they stay
 * bounded (|z| < 3.9). All knots are then scaled so the piecewise-linear distribution has
 * variance exactly 1. Knots are rounded to float32: Math.log/exp may differ in the last bit
 * between JavaScript engines, and the rounding hides that, so every engine gets the same table
 * and the same bytes.
 */
function buildInverseCdfTable(): { CELL_BASE: Float64Array; CELL_SLOPE: Float64Array } {
  const knots = new Float64Array(CELLS + 1);
  for (let j = 1; j < CELLS; j++) knots[j] = Math.fround(normalQuantile(j / CELLS));
  const inner = knots[1] as number;
  const tailMean = -Math.exp(-0.5 * inner * inner) / Math.sqrt(2 * Math.PI) * CELLS;
  knots[0] = Math.fround(2 * tailMean - inner);
  knots[CELLS] = -(knots[0] as number);

  // A value uniform on [T_j, T_{j+1}] has E[z²] = (T_j² + T_j·T_{j+1} + T_{j+1}²)/3.
  let secondMoment = 0;
  for (let j = 0; j < CELLS; j++) {
    const lo = knots[j] as number;
    const hi = knots[j + 1] as number;
    secondMoment += (lo * lo + lo * hi + hi * hi) / 3;
  }
  const scale = Math.fround(1 / Math.sqrt(secondMoment / CELLS));
  const scaled = knots.map((knot) => Math.fround(knot * scale));
  const base = new Float64Array(CELLS);
  const slope = new Float64Array(CELLS);
  for (let j = 0; j < CELLS; j++) {
    base[j] = scaled[j] as number;
    slope[j] = ((scaled[j + 1] as number) - (scaled[j] as number)) / 2 ** FRACTION_BITS;
  }
  return { CELL_BASE: base, CELL_SLOPE: slope };
}

/** Φ⁻¹(p) for 0 < p < 1 by Acklam's rational approximation (relative error below 1.2e-9). */
function normalQuantile(p: number): number {
  const pLow = 0.02425;
  if (p < pLow) return tailQuantile(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - pLow) return -tailQuantile(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  const num = (((((-3.969683028665376e1 * r + 2.209460984245205e2) * r - 2.759285104469687e2) * r + 1.38357751867269e2) * r -
    3.066479806614716e1) * r + 2.506628277459239) * q;
  const den = ((((-5.447609879822406e1 * r + 1.615858368580409e2) * r - 1.556989798598866e2) * r + 6.680131188771972e1) * r -
    1.328068155288572e1) * r + 1;
  return num / den;
}

/** The lower-tail branch of {@link normalQuantile}, in terms of q = √(−2 ln p). */
function tailQuantile(q: number): number {
  const num = ((((-7.784894002430293e-3 * q - 3.223964580411365e-1) * q - 2.400758277161838) * q - 2.549732539343734) * q +
    4.374664141464968) * q + 2.938163982698783;
  const den = (((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1;
  return num / den;
}
