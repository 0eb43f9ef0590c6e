import { describe, expect, test } from 'vitest';
import { relativeBucketTable, relativePositionBucket } from '../../src/pipeline/text/relative-buckets.ts';

const UMT5 = { numBuckets: 32, maxDistance: 128 };

describe('T5 relative-position buckets (bidirectional, 32 buckets, max distance 128)', () => {
  // Hand-computed from bucket = 16·(rel > 0) + (|rel| < 8 ? |rel| : min(15, 8 + ⌊log(|rel|/8)/log(16)·8⌋)).
  const cases: [relative: number, bucket: number][] = [
    [0, 0],
    [1, 17], [-1, 1],
    [7, 23], [-7, 7],
    [8, 24], [-8, 8], // log(1) = 0: the first log-spaced bucket
    [11, 24], [-11, 8], // 8·log16(11/8) = 0.92
    [12, 25], [-12, 9], // 1.17
    [15, 25], [-15, 9],
    [16, 26], [-16, 10], // exactly 2: edges land on the upper bucket
    [32, 28], [-32, 12], // exactly 4
    [45, 28], [-45, 12], // 4.98
    [46, 29], [-46, 13], // 5.05
    [64, 30], [-64, 14], // exactly 6 (the n = 200 golden depends on this one)
    [90, 30], [-90, 14],
    [91, 31], [-91, 15],
    [127, 31], [-127, 15],
    [128, 31], [-128, 15], // 8 + 8, clamped to 15
    [500, 31], [-500, 15],
    [511, 31], [-511, 15],
  ];
  for (const [relative, bucket] of cases) {
    test(`key − query = ${relative} → bucket ${bucket}`, () => {
      expect(relativePositionBucket(relative, UMT5)).toBe(bucket);
    });
  }

  test('the table holds bucket(j − i) at row i, column j', () => {
    const n = 150;
    const table = relativeBucketTable(n, UMT5);
    expect(table).toHaveLength(n * n);
    for (const [i, j] of [[0, 0], [0, 149], [149, 0], [3, 67], [67, 3], [100, 108], [108, 100]] as const) {
      expect(Number(table[i * n + j])).toBe(relativePositionBucket(j - i, UMT5));
    }
    expect(Number(table[0 * n + 1])).toBe(17); // the key after the query
    expect(Number(table[1 * n + 0])).toBe(1);
    expect(Number(table[0 * n + 149])).toBe(31);
  });

  test('other layouts: 8 buckets, max distance 16', () => {
    const small = { numBuckets: 8, maxDistance: 16 };
    // half 4, exact 2: |rel| 0,1 exact; 2 → 2 + ⌊log(1)/log(8)·2⌋ = 2; 4 → 2 + ⌊(1/3)·2⌋ = 2; 8 → 2 + ⌊(2/3)·2⌋ = 3; 16 → 4 → clamped 3.
    expect([0, 1, 2, 4, 8, 16, 100].map((d) => relativePositionBucket(-d, small))).toEqual([0, 1, 2, 2, 3, 3, 3]);
    expect([1, 2, 8, 100].map((d) => relativePositionBucket(d, small))).toEqual([5, 6, 7, 7]);
  });

  test('n must be a positive integer', () => {
    expect(() => relativeBucketTable(0, UMT5)).toThrow(RangeError);
  });
});
