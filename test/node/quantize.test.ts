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
