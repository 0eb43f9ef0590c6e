import { ridgeLeastSquares } from '../preview/least-squares.ts';

/** y ≈ Σ coefficients[j] · features(x)[j], every coefficient ≥ 0. */
export interface NonNegativeFit {
  readonly coefficients: readonly number[];
  predict(x: number): number;
}

/**
 * Least squares with non-negative coefficients (costs never shrink as work grows), for a
 * handful of features: the best unconstrained fit over every subset of the features that
 * comes out non-negative is the constrained optimum. Columns are scaled to 1 first, so
 * that 1, N and N² at N in the tens of thousands stay well conditioned.
 */
export function fitNonNegative(
  samples: readonly { readonly x: number; readonly y: number }[],
  features: (x: number) => readonly number[],
): NonNegativeFit {
  const rows = samples.map((sample) => features(sample.x));
  const width = rows[0]?.length ?? 0;
  if (width === 0 || width > 8) throw new RangeError('fitNonNegative takes 1 to 8 features and at least one sample');
  const scale = Array.from({ length: width }, (_, j) => Math.max(...rows.map((row) => Math.abs(row[j]!))) || 1);
  let best: { coefficients: number[]; residual: number } | null = null;
  for (let subset = 1; subset < 1 << width; subset++) {
    const active = [...Array(width).keys()].filter((j) => subset & (1 << j));
    if (active.length > samples.length) continue;
    const x = rows.map((row) => Float64Array.from(active, (j) => row[j]! / scale[j]!));
    const y = samples.map((sample) => Float64Array.of(sample.y));
    let solved: Float64Array[];
    try {
      solved = ridgeLeastSquares(x, y, 1e-12);
    } catch {
      continue;
    }
    const coefficients = new Array<number>(width).fill(0);
    active.forEach((j, i) => (coefficients[j] = solved[i]![0]! / scale[j]!));
    if (coefficients.some((c) => c < 0 || !Number.isFinite(c))) continue;
    const residual = samples.reduce((sum, sample, s) => sum + (dot(coefficients, rows[s]!) - sample.y) ** 2, 0);
    if (!best || residual < best.residual * (1 - 1e-9)) best = { coefficients, residual };
  }
  const coefficients = best?.coefficients ?? new Array<number>(width).fill(0);
  return { coefficients, predict: (x) => dot(coefficients, features(x)) };
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);
