/** y ≈ a + b·x with a, b ≥ 0. */
export interface NonNegativeLine {
  readonly intercept: number;
  readonly slope: number;
  predict(x: number): number;
}

/**
 * The least-squares line through `samples` with a non-negative intercept and slope (costs
 * never shrink as work grows). Where the free fit breaks a bound, the optimum lies on it: the
 * best of a flat line at the mean and a line through the origin.
 */
export function fitNonNegativeLine(samples: readonly { readonly x: number; readonly y: number }[]): NonNegativeLine {
  if (samples.length === 0) throw new RangeError('fitNonNegativeLine needs at least one sample');
  const n = samples.length;
  const sum = (f: (s: { x: number; y: number }) => number) => samples.reduce((total, s) => total + f(s), 0);
  const [mx, my] = [sum((s) => s.x) / n, sum((s) => s.y) / n];
  const sxx = sum((s) => (s.x - mx) ** 2);
  const candidates: [number, number][] = [
    [Math.max(0, my), 0],
    [0, Math.max(0, sum((s) => s.x * s.y) / (sum((s) => s.x * s.x) || 1))],
  ];
  if (sxx > 0) {
    const slope = sum((s) => (s.x - mx) * (s.y - my)) / sxx;
    const intercept = my - slope * mx;
    if (slope >= 0 && intercept >= 0) candidates.unshift([intercept, slope]);
  }
  const residual = ([a, b]: [number, number]) => sum((s) => (a + b * s.x - s.y) ** 2);
  const [intercept, slope] = candidates.reduce((best, c) => (residual(c) < residual(best) * (1 - 1e-12) ? c : best));
  return { intercept, slope, predict: (x) => intercept + slope * x };
}
