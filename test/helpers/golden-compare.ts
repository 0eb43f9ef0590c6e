import { expect } from 'vitest';

/**
 * Compares our output with an official one: the max |ours − golden| and the worst excess
 * over the elementwise tolerance atol + rtol·|golden| (≤ 0 means every element is within it).
 */
export function compareToGolden(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): { maxAbs: number; worstExcess: number } {
  expect(actual.length).toBe(expected.length);
  let maxAbs = 0;
  let worstExcess = -Infinity;
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    maxAbs = Math.max(maxAbs, diff);
    worstExcess = Math.max(worstExcess, diff - (atol + rtol * Math.abs(expected[i]!)));
  }
  return { maxAbs, worstExcess };
}

/** The largest |a − b| over two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
