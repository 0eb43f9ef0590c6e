import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../src/onnx/index.ts';
import { dequantizeBlockwise, quantizeBlockwise } from '../../src/convert/quant/quantize-blockwise.ts';
import { resolveQuantConfig } from '../../src/bundle/quant-config.ts';
import { linearFromValues } from '../../src/convert/ops/linear.ts';
import { GRAPH_OPSETS } from '../../src/onnx/index.ts';
import { inlineWeightStore } from '../../src/convert/weights/weight-store.ts';
import type { WeightSource } from '../../src/convert/weights/weight-source.ts';
import { seededRandom, uniformArray } from '../../src/seeded-random.ts';

const [M, K, N] = [5, 80, 24]; // K not a multiple of the block: the last block is padded

function reference(x: Float32Array, w: Float32Array, bias: Float32Array): Float32Array {
  const y = new Float32Array(M * N);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
    let sum = bias[n]!;
    for (let k = 0; k < K; k++) sum += x[m * K + k]! * w[n * K + k]!;
    y[m * N + n] = sum;
  }
  return y;
}

/** Weights whose blocks have every kind of range: mixed signs, all positive, all negative, all zero, tiny with one outlier. */
function variedWeights(seed: number): Float32Array {
  const w = uniformArray(seededRandom(seed), N * K, 0.5);
  for (let k = 0; k < K; k++) {
    w[0 * K + k] = Math.abs(w[0 * K + k]!) + 0.01;
    w[1 * K + k] = -Math.abs(w[1 * K + k]!) - 0.01;
    w[2 * K + k] = 0;
    w[3 * K + k] = Math.fround(w[3 * K + k]! * 1e-3);
  }
  w[3 * K + 40] = 2;
  return w;
}

/** Value `index` of a packed array: 4-bit values low nibble first, 8-bit values one per byte. */
const unpack = (bytes: Uint8Array, index: number, bits: 4 | 8) => (bits === 8 ? bytes[index]! : (bytes[index >> 1]! >> ((index & 1) * 4)) & 15);

const noWeights: WeightSource = { component: 'test', has: () => false, info: () => { throw new Error('unused'); }, read: () => Promise.reject(new Error('unused')) };

describe('block quantization in the MatMulNBits layout', () => {
  for (const bits of [4, 8] as const) {
    test(`${bits}-bit: rounding error is at most half a step, and zero stays exact`, () => {
      const w = uniformArray(seededRandom(bits), N * K, 0.5);
      w[3] = 0;
      const q = quantizeBlockwise(w, N, K, bits, 32);
      const back = dequantizeBlockwise(q, N, K, bits, 32);
      for (let i = 0; i < w.length; i++) {
        const scale = q.scales[Math.floor(i / K) * q.kBlocks + Math.floor((i % K) / 32)]!;
        expect(Math.abs(back[i]! - w[i]!)).toBeLessThanOrEqual(scale / 2 + 1e-7);
      }
      expect(back[3]).toBe(0);
    });

    // MatMulNBits dequantizes (q − zero_point)·scale with q and zero_point in 0..2^bits − 1: a block's range,
    // widened to include 0, is cut into exactly 15 (int4) or 255 (int8) steps.
    test(`${bits}-bit: scales and zero points come from each block's own range, and every level is used`, () => {
      const levels = bits === 4 ? 15 : 255;
      const w = variedWeights(40 + bits);
      const q = quantizeBlockwise(w, N, K, bits, 32);
      const back = dequantizeBlockwise(q, N, K, bits, 32);
      const zpRow = bits === 4 ? Math.ceil(q.kBlocks / 2) * 2 : q.kBlocks;
      expect(q.kBlocks).toBe(3);
      for (let row = 0; row < N; row++) {
        for (let block = 0; block < q.kBlocks; block++) {
          const start = row * K + block * 32;
          const values = w.subarray(start, Math.min(start + 32, (row + 1) * K));
          const lo = Math.min(0, ...values);
          const hi = Math.max(0, ...values);
          const step = hi > lo ? (hi - lo) / levels : 1;
          const scale = q.scales[row * q.kBlocks + block]!;
          expect(scale).toBe(Math.fround(step));
          const zeroPoint = unpack(q.zeroPoints, row * zpRow + block, bits);
          expect(zeroPoint).toBe(Math.round(-lo / step) + 0); // + 0: no -0 for a block without negatives
          const levelsUsed = values.map((_, i) => unpack(q.data, (row * q.kBlocks + block) * 32 + i, bits));
          if (hi > lo) {
            expect(levelsUsed[values.indexOf(hi)] ?? zeroPoint).toBe(hi > 0 ? levels : zeroPoint);
            expect(levelsUsed[values.indexOf(lo)] ?? zeroPoint).toBe(lo < 0 ? 0 : zeroPoint);
            expect(Math.max(zeroPoint, ...levelsUsed) - Math.min(zeroPoint, ...levelsUsed)).toBe(levels);
          }
          // Round to nearest: within half of the block's step, whatever the quantizer chose as its scale.
          values.forEach((v, i) => expect(Math.abs(back[start + i]! - v)).toBeLessThanOrEqual(Math.fround(step) / 2 + 1e-7));
        }
      }
      expect(back.subarray(2 * K, 3 * K).every((v) => v === 0)).toBe(true);
    });

    test(`${bits}-bit: onnxruntime's MatMulNBits computes x · dequant(W)ᵀ + b with our packing`, async () => {
      const random = seededRandom(100 + bits);
      const w = uniformArray(random, N * K);
      const x = uniformArray(random, M * K);
      const bias = uniformArray(random, N);
      const g = new GraphBuilder('q');
      const input = g.input('x', 'float32', [M, K]);
      const ctx = { g, weights: noWeights, store: inlineWeightStore, quant: resolveQuantConfig({ weights: `int${bits}`, activations: 'fp32' }) };
      const b = g.initializer('b', 'float32', [N], new Uint8Array(bias.buffer));
      g.output('y', 'float32', [M, N], await linearFromValues(ctx, '/linear', input, 'w', async () => w, N, K, b));
      const session = await ort.InferenceSession.create(g.toModel({ opsets: GRAPH_OPSETS }));
      const y = (await session.run({ x: new ort.Tensor('float32', x, [M, K]) })).y!.data as Float32Array;
      const expected = reference(x, dequantizeBlockwise(quantizeBlockwise(w, N, K, bits, 32), N, K, bits, 32), bias);
      for (let i = 0; i < y.length; i++) expect(Math.abs(y[i]! - expected[i]!)).toBeLessThan(1e-4);
    });
  }
});
