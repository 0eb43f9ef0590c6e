import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { TorchGenerator, torchRandn } from '../../src/pipeline/noise/index.ts';
import type { RandnVariant } from '../../src/pipeline/noise/index.ts';

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

const golden = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/tiny-a/cases/randn.json'), 'utf8')) as {
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
  for (const c of [...golden.cases.avx2.cases, ...golden.cases.default.cases.filter((k) => k.numel < 16)]) {
    const variant = golden.cases.avx2.cases.includes(c) ? 'avx2' : 'default';
    test(`${variant}: seed ${c.seed}, shape [${c.shape.join(', ')}]: every listed value bit for bit`, () => {
      const ours = torchRandn(c.shape, BigInt(c.seed), variant);
      if (c.values) expect(Array.from(ours)).toEqual(c.values);
      if (c.first64) expect(Array.from(ours.subarray(0, 64))).toEqual(c.first64);
      if (c.last64) expect(Array.from(ours.subarray(-64))).toEqual(c.last64);
      if (c.numel < 16) expect(bytesToHex(sha256(new Uint8Array(ours.buffer)))).toBe(c.sha256_f32le);
      // Large tensors: a few values may still differ by one float32 ulp (see the note in avx-mathfun.ts).
      if (c.sum !== undefined) {
        expect(Math.abs(sum(ours) - c.sum)).toBeLessThan(2e-6);
        expect(Math.abs(sum(ours, true) - c.sum_of_squares!)).toBeLessThan(5e-6);
      }
    });
  }

  test('default (portable) kernel, 16 values and more: within a few float32 ulps of torch', () => {
    for (const c of golden.cases.default.cases.filter((k) => k.values && k.numel >= 16)) {
      const ours = torchRandn(c.shape, BigInt(c.seed), 'default');
      c.values!.forEach((v, i) => expect(Math.abs(ours[i]! - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -20 + 1e-12));
    }
  });

  test('successive draws continue one stream, as with one torch generator', () => {
    const generator = new TorchGenerator(42);
    const first = generator.randn([32]);
    const second = generator.randn([32]);
    expect(first).toEqual(torchRandn([32], 42));
    expect(second).not.toEqual(first);
  });
});
