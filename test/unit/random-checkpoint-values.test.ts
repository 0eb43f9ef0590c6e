import { describe, expect, test } from 'vitest';
import {
  ditTensorSpecs,
  NormalStream,
  randomTensorByteStream,
  randomTensorBytes,
  tensorStreamState,
  umt5TensorSpecs,
  WAN22_TI2V_5B_CONFIGS as FULL,
} from '../../src/convert/random-checkpoint/index.ts';
import type { RandomTensorSpec } from '../../src/convert/random-checkpoint/index.ts';
import { bfloat16BitsToFloat32, float32ToBfloat16Bits } from '../../src/safetensors/index.ts';

const asFloat32 = (bytes: Uint8Array) => new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
const specNamed = (specs: readonly RandomTensorSpec[], name: string) => specs.find((s) => s.name === name)!;

function moments(values: Float32Array): { mean: number; std: number; maxAbs: number } {
  let sum = 0;
  let sumSq = 0;
  let maxAbs = 0;
  for (const v of values) {
    sum += v;
    sumSq += v * v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(sumSq / values.length - mean * mean), maxAbs };
}

describe('normal stream', () => {
  test('N(0, 1): mean, variance, symmetric tails, no outliers', () => {
    const values = new Float32Array(1 << 21);
    new NormalStream(tensorStreamState(5, 'stats')).fill(values, 0, 1);
    const { mean, std, maxAbs } = moments(values);
    // 2M samples: the standard error of the mean is 7e-4 and of the std 5e-4.
    expect(Math.abs(mean)).toBeLessThan(3e-3);
    expect(Math.abs(std - 1)).toBeLessThan(2.5e-3);
    expect(maxAbs).toBeLessThan(4);
    const beyond = (t: number) => {
      let count = 0;
      for (const v of values) if (Math.abs(v) > t) count++;
      return count / values.length;
    };
    expect(beyond(1)).toBeCloseTo(0.3173, 2);
    expect(beyond(2)).toBeCloseTo(0.0455, 2);
    expect(beyond(3)).toBeGreaterThan(0.0015);
    expect(beyond(3)).toBeLessThan(0.0035);
  });

  test('consecutive values are uncorrelated', () => {
    const values = new Float32Array(1 << 18);
    new NormalStream(tensorStreamState(1, 'lag')).fill(values, 0, 1);
    let lag1 = 0;
    for (let i = 1; i < values.length; i++) lag1 += (values[i] as number) * (values[i - 1] as number);
    expect(Math.abs(lag1 / values.length)).toBeLessThan(0.01);
  });

  test('pinned: the stream of a given seed and tensor never changes (checkpoints made earlier stay valid)', () => {
    const values = new Float32Array(4);
    new NormalStream(tensorStreamState(0, 'transformer/proj_out.weight')).fill(values, 0, 1);
    expect(Array.from(values)).toEqual([-0.5371292233467102, -1.0712779760360718, -0.2698100805282593, -0.43913665413856506]);
  });

  test('the seed must be a non-negative safe integer', () => {
    expect(() => tensorStreamState(-1, 'x')).toThrow(/seed/);
    expect(() => tensorStreamState(0.5, 'x')).toThrow(/seed/);
    expect(() => tensorStreamState(2 ** 53, 'x')).toThrow(/seed/);
  });
});

describe('tensor values', () => {
  test('a full-size linear weight is N(0, 1/fan_in)', () => {
    const spec = specNamed(ditTensorSpecs(FULL.transformer), 'blocks.3.attn1.to_q.weight');
    const values = asFloat32(randomTensorBytes(spec, 'F32', 0, 'transformer'));
    expect(values.length).toBe(3072 * 3072);
    const { mean, std } = moments(values);
    const expected = 1 / Math.sqrt(3072);
    expect(Math.abs(mean)).toBeLessThan((4 * expected) / Math.sqrt(values.length));
    expect(Math.abs(std / expected - 1)).toBeLessThan(2e-3);
  });

  test('gains, scale-shift tables, embeddings and UMT5 q weights follow the tiny-a scheme', () => {
    const dit = ditTensorSpecs({ ...FULL.transformer, num_layers: 1 });
    const umt5 = umt5TensorSpecs({ ...FULL.textEncoder, num_layers: 1, vocab_size: 2048, d_model: 1024, num_heads: 16 });
    const stats = (specs: readonly RandomTensorSpec[], name: string, component: string) =>
      moments(asFloat32(randomTensorBytes(specNamed(specs, name), 'F32', 3, component)));

    const gain = stats(dit, 'blocks.0.attn1.norm_q.weight', 'transformer');
    expect(gain.mean).toBeCloseTo(1, 1);
    expect(gain.std).toBeCloseTo(0.1, 1);
    expect(stats(dit, 'blocks.0.scale_shift_table', 'transformer').std).toBeCloseTo(0.2, 1);
    expect(stats(umt5, 'shared.weight', 'text_encoder').std).toBeCloseTo(1, 2);
    expect(stats(umt5, 'encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', 'text_encoder').std).toBeGreaterThan(0.4);
    expect(stats(umt5, 'encoder.block.0.layer.0.SelfAttention.q.weight', 'text_encoder').std).toBeCloseTo(1 / 256, 4);
    expect(stats(umt5, 'encoder.block.0.layer.0.SelfAttention.k.weight', 'text_encoder').std).toBeCloseTo(1 / 32, 3);
  });

  test('same seed → same bytes; another seed or another tensor → other bytes', () => {
    const spec: RandomTensorSpec = { name: 'blocks.0.attn1.to_k.weight', shape: [64, 64], mean: 0, std: 0.125 };
    const a = randomTensorBytes(spec, 'F32', 42, 'transformer');
    expect(randomTensorBytes(spec, 'F32', 42, 'transformer')).toEqual(a);
    expect(randomTensorBytes(spec, 'F32', 43, 'transformer')).not.toEqual(a);
    expect(randomTensorBytes(spec, 'F32', 42 + 2 ** 32, 'transformer')).not.toEqual(a);
    expect(randomTensorBytes({ ...spec, name: 'blocks.0.attn1.to_v.weight' }, 'F32', 42, 'transformer')).not.toEqual(a);
    expect(randomTensorBytes(spec, 'F32', 42, 'vae')).not.toEqual(a);
  });

  test('the bytes do not depend on the chunk sizes they are read in', () => {
    const spec: RandomTensorSpec = { name: 'w', shape: [1000, 3], mean: 0.5, std: 2 };
    for (const dtype of ['F32', 'BF16'] as const) {
      const whole = randomTensorBytes(spec, dtype, 9, 'c');
      const stream = randomTensorByteStream(spec, dtype, 9, 'c');
      expect(stream.byteLength).toBe(whole.byteLength);
      const pieces = new Uint8Array(whole.byteLength);
      const chunk = new Uint8Array(1236);
      let offset = 0;
      for (let n = stream.read(chunk.subarray(0, 4 * 7)); n > 0; n = stream.read(chunk)) {
        pieces.set(chunk.subarray(0, n), offset);
        offset += n;
      }
      expect(offset).toBe(whole.byteLength);
      expect(pieces).toEqual(whole);
    }
  });

  test('BF16 values are the F32 values rounded to nearest even', () => {
    const spec: RandomTensorSpec = { name: 'x', shape: [4096], mean: 0, std: 1 };
    const f32 = asFloat32(randomTensorBytes(spec, 'F32', 1, 'text_encoder'));
    const bf16Bytes = randomTensorBytes(spec, 'BF16', 1, 'text_encoder');
    const bf16 = new Uint16Array(bf16Bytes.buffer);
    expect(bf16.length).toBe(4096);
    for (let i = 0; i < f32.length; i++) expect(bf16[i]).toBe(float32ToBfloat16Bits(f32[i]!));
    expect(bfloat16BitsToFloat32(bf16[0]!)).toBeCloseTo(f32[0]!, 2);
  });
});
