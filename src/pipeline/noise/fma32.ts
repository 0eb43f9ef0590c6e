const f = Math.fround;

/**
 * fused multiply-add in float32: a·b + c with a single rounding, for float32 inputs.
 * a·b is exact in float64; a·b + c is then rounded once to float64 and once more to
 * float32, which is wrong only when the float64 sum lands exactly on a float32 midpoint
 * that the exact sum is not on. The exact error of the float64 sum (TwoSum) decides those.
 */
export function fma32(a: number, b: number, c: number): number {
  const product = a * b;
  const sum = product + c;
  const rounded = f(sum);
  if (rounded === sum) return rounded;
  const cPart = sum - product;
  const error = product - (sum - cPart) + (c - cPart);
  if (error === 0) return rounded;
  const other = rounded + 2 * (sum - rounded);
  if (f(other) !== other) return rounded;
  return error > 0 === other > rounded ? other : rounded;
}
