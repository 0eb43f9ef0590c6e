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
