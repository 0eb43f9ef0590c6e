import { describe, expect, test } from 'vitest';
import { weightSpans } from '../../src/pipeline/weights/weight-spans.ts';
import type { WeightInput } from '../../src/pipeline/weights/weight-inputs.ts';

const weight = (name: string, file: string, offset: number, length: number): WeightInput => ({ name, dtype: 'uint8', dims: [length], file, offset, length });

describe('weightSpans', () => {
  test('one read per file when the gaps between weights are small, in file order', () => {
    const spans = weightSpans([weight('b', 'w0', 128, 64), weight('a', 'w0', 0, 100), weight('c', 'w1', 64, 10)], 1024);
    expect(spans.map((s) => [s.file, s.offset, s.length, s.weights.map((w) => w.name)])).toEqual([
      ['w0', 0, 192, ['a', 'b']],
      ['w1', 64, 10, ['c']],
    ]);
  });

  test('a gap over the limit starts a new read', () => {
    const spans = weightSpans([weight('a', 'w0', 0, 10), weight('b', 'w0', 10 + 4096, 10)], 4095);
    expect(spans.map((s) => [s.offset, s.length])).toEqual([
      [0, 10],
      [4106, 10],
    ]);
  });

  test('two names for the same bytes are read once', () => {
    const spans = weightSpans([weight('a', 'w0', 0, 10), weight('alias', 'w0', 0, 10)]);
    expect(spans).toHaveLength(1);
    expect(spans[0]!.weights).toHaveLength(1);
  });

  test('overlapping weights are refused', () => {
    expect(() => weightSpans([weight('a', 'w0', 0, 10), weight('b', 'w0', 5, 10)])).toThrow(/"a" and "b" overlap in w0/);
  });
});
