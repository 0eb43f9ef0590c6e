import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { TorchGenerator, torchRandn } from '../../src/pipeline/noise/index.ts';
import type { RandnVariant } from '../../src/pipeline/noise/index.ts';
import { fma32 } from '../../src/pipeline/noise/fma32.ts';
import { fma64 } from '../../src/pipeline/noise/fma64.ts';
import { TINY } from '../helpers/golden-cases.ts';

interface RandnCase {
  seed: number;
  shape: number[];
  numel: number;
  sha256_f32le: string;
  values?: number[];
  first64?: number[];
  last64?: number[];
  sum?: number;
  sum_of_squares?: number;
}

const golden = JSON.parse(readFileSync(join(TINY, 'cases', 'randn.json'), 'utf8')) as {
  cases: Record<RandnVariant, { cases: RandnCase[] }>;
};

/** Float64 sum with Neumaier compensation (the golden sums are correctly rounded). */
function sum(values: ArrayLike<number>, square = false): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = square ? values[i]! * values[i]! : values[i]!;
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}

describe("torch's CPU randn against randn.json", () => {
  for (const c of [...golden.cases.avx2.cases, ...golden.cases.default.cases]) {
    const variant = golden.cases.avx2.cases.includes(c) ? 'avx2' : 'default';
    test(`${variant}: seed ${c.seed}, shape [${c.shape.join(', ')}]: bit for bit (values and SHA-256)`, () => {
      const ours = torchRandn(c.shape, BigInt(c.seed), variant);
      if (c.values) expect(Array.from(ours)).toEqual(c.values);
      if (c.first64) expect(Array.from(ours.subarray(0, 64))).toEqual(c.first64);
      if (c.last64) expect(Array.from(ours.subarray(-64))).toEqual(c.last64);
      expect(bytesToHex(sha256(new Uint8Array(ours.buffer)))).toBe(c.sha256_f32le);
      if (c.sum !== undefined) {
        expect(sum(ours)).toBe(c.sum);
        expect(sum(ours, true)).toBe(c.sum_of_squares);
      }
    });
  }

  test('successive draws continue one stream, as with one torch generator', () => {
    const generator = new TorchGenerator(42);
    const first = generator.randn([32]);
    const second = generator.randn([32]);
    expect(first).toEqual(torchRandn([32], 42));
    expect(second).not.toEqual(first);
  });
});

describe('fma32', () => {
  test('rounds once where float64 then float32 rounding would land on the wrong side of a midpoint', () => {
    // a·b = 2^-24 − 2^-70: the float64 sum is the float32 midpoint 1 + 2^-23 + 2^-24, the exact sum is below it.
    const a = 2 ** -24 * (1 + 2 ** -23);
    const b = 1 - 2 ** -23;
    const c = 1 + 2 ** -23;
    expect(Math.fround(a * b + c)).toBe(1 + 2 ** -22);
    expect(fma32(a, b, c)).toBe(1 + 2 ** -23);
    expect(fma32(-a, b, -c)).toBe(-(1 + 2 ** -23));
  });

  test('agrees with float64 rounding wherever that is exact', () => {
    expect(fma32(3, 5, 7)).toBe(22);
    expect(fma32(Math.fround(0.1), Math.fround(0.2), Math.fround(0.3))).toBe(Math.fround(Math.fround(0.1) * Math.fround(0.2) + Math.fround(0.3)));
  });
});

describe('fma64', () => {
  test('keeps the low bits that a separate multiply would round away', () => {
    expect(fma64(1 + 2 ** -52, 1 - 2 ** -52, -1)).toBe(-(2 ** -104));
    expect((1 + 2 ** -52) * (1 - 2 ** -52) - 1).toBe(0);
  });

  test('rounds a sum just past a float64 midpoint the right way', () => {
    // a·b = 2^-53 + 2^-105 past 1: the float64 midpoint plus a little, so it rounds up.
    const a = 1 + 2 ** -52;
    const b = 2 ** -53;
    expect(fma64(a, b, 1)).toBe(1 + 2 ** -52);
    expect(fma64(-a, b, -1)).toBe(-(1 + 2 ** -52));
    expect(fma64(1, 2 ** -53, 1)).toBe(1);
  });
});
