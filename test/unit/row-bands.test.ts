import { describe, expect, test } from 'vitest';
import { copyRows, planRowBands, sliceRows } from '../../src/pipeline/vae/row-bands.ts';

describe('planRowBands', () => {
  test('splits the rows evenly and widens each band by the halo, clipped at the frame edges', () => {
    expect(planRowBands(176, 10, 4)).toEqual([
      { start: 0, end: 44, readStart: 0, readEnd: 54 },
      { start: 44, end: 88, readStart: 34, readEnd: 98 },
      { start: 88, end: 132, readStart: 78, readEnd: 142 },
      { start: 132, end: 176, readStart: 122, readEnd: 176 },
    ]);
  });

  test('keeps every band at least a halo tall (fewer bands than asked when the frame is short)', () => {
    expect(planRowBands(24, 7, 4).map((b) => b.end - b.start)).toEqual([8, 8, 8]);
    expect(planRowBands(16, 10, 4)).toEqual([{ start: 0, end: 16, readStart: 0, readEnd: 16 }]);
    expect(() => planRowBands(16, 2, 0)).toThrow(/positive integer/);
  });
});

describe('row copies', () => {
  // [1, 2, 4, 3]: channels-first, 2 channels of 4 rows × 3 columns; element = 100·c + 10·row + col.
  const dims = [1, 2, 4, 3];
  const data = Float32Array.from({ length: 24 }, (_, i) => 100 * Math.floor(i / 12) + 10 * Math.floor((i % 12) / 3) + (i % 3));

  test('sliceRows is a view when the rows are contiguous, a copy per channel when not', () => {
    const lastAxis = sliceRows(data, [1, 8, 3], 1, 2, 4);
    expect(lastAxis.buffer).toBe(data.buffer);
    expect([...lastAxis]).toEqual([20, 21, 22, 30, 31, 32]);
    const perChannel = sliceRows(data, dims, 2, 1, 3);
    expect(perChannel.buffer).not.toBe(data.buffer);
    expect([...perChannel]).toEqual([10, 11, 12, 20, 21, 22, 110, 111, 112, 120, 121, 122]);
  });

  test('copyRows places rows of every channel at the target row', () => {
    const into = new Float32Array(24);
    copyRows(sliceRows(data, dims, 2, 1, 3), [1, 2, 2, 3], 0, into, dims, 2, 2, 2);
    expect([...into.subarray(6, 12)]).toEqual([10, 11, 12, 20, 21, 22]);
    expect([...into.subarray(18, 24)]).toEqual([110, 111, 112, 120, 121, 122]);
    expect([...into.subarray(0, 6)]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
