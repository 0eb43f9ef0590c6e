import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { CONV_FORMULATIONS, causalConvFeeds, causalConvModel, framesFirstOutput } from '../../bench/vae/causal-conv-graphs.ts';

/** A direct causal 3-D convolution (zero spatial padding of 1), frames-first, as the reference. */
function reference(shape: { channels: number; frames: number; height: number; width: number }, weight: Float32Array, bias: Float32Array, x: Float32Array): Float32Array {
  const { channels: c, frames: f, height: h, width: w } = shape;
  const out = new Float32Array(f * c * h * w);
  for (let t = 0; t < f; t++)
    for (let o = 0; o < c; o++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++) {
          let sum = bias[o]!;
          for (let i = 0; i < c; i++)
            for (let kt = 0; kt < 3; kt++)
              for (let ky = 0; ky < 3; ky++)
                for (let kx = 0; kx < 3; kx++) {
                  const [sy, sx] = [y + ky - 1, xx + kx - 1];
                  if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
                  sum += weight[(((o * c + i) * 3 + kt) * 3 + ky) * 3 + kx]! * x[(((t + kt) * c + i) * h + sy) * w + sx]!;
                }
          out[((t * c + o) * h + y) * w + xx] = sum;
        }
  return out;
}

describe('the benchmark formulations of one causal 3-D conv layer (bench:vae-conv)', () => {
  test.each(CONV_FORMULATIONS)('%s computes the causal conv', async (formulation) => {
    const shape = { channels: 3, frames: 4, height: 5, width: 6 };
    const value = (i: number) => Math.sin(i * 1.7) * 0.5;
    const weight = Float32Array.from({ length: 3 * 3 * 27 }, (_, i) => value(i));
    const bias = Float32Array.of(0.1, -0.2, 0.3);
    const x = Float32Array.from({ length: 6 * 3 * 5 * 6 }, (_, i) => value(i + 1000));
    const session = await ort.InferenceSession.create(causalConvModel(formulation, shape, weight, bias));
    const feeds = Object.fromEntries(Object.entries(causalConvFeeds(formulation, shape, x)).map(([name, t]) => [name, new ort.Tensor('float32', t.data, t.dims)]));
    const result = await session.run(feeds);
    const y = framesFirstOutput(formulation, shape, Object.fromEntries(Object.entries(result).map(([name, t]) => [name, t.data as Float32Array])));
    const expected = reference(shape, weight, bias, x);
    expect(Math.max(...y.map((v, i) => Math.abs(v - expected[i]!)))).toBeLessThan(1e-5);
  });
});
