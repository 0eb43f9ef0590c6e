import type * as OrtNode from 'onnxruntime-node';
import type { OrtSessionOptions } from '../../src/pipeline/ort-types.ts';
import { seededRandom, uniformArray } from '../../src/seeded-random.ts';
import { maxAbsDiff } from '../../src/runtime/self-check/index.ts';
import { CONV_FORMULATIONS, causalConvFeeds, causalConvModel, framesFirstOutput } from '../vae/causal-conv-graphs.ts';
import type { CausalConvShape, ConvFormulation } from '../vae/causal-conv-graphs.ts';

export interface ConvTiming {
  readonly formulation: ConvFormulation;
  readonly secondsPerRun: number;
  readonly maxDiffFromConv3d: number;
}

/** One causal 3-D conv layer of the VAE decoder, each formulation (see bench/vae-conv.ts), median of `runs` after a warm-up. */
export async function timeCausalConv(ort: typeof OrtNode, sessionOptions: OrtSessionOptions, shape: CausalConvShape, runs: number): Promise<ConvTiming[]> {
  const { channels: c, frames: f, height: h, width: w } = shape;
  const random = seededRandom(9);
  const weight = uniformArray(random, c * c * 27, 1 / Math.sqrt(c * 27));
  const bias = uniformArray(random, c, 0.1);
  const input = uniformArray(random, (f + 2) * c * h * w, 1);
  const results: ConvTiming[] = [];
  let reference: Float32Array | null = null;
  for (const formulation of CONV_FORMULATIONS) {
    const session = await ort.InferenceSession.create(causalConvModel(formulation, shape, weight, bias), sessionOptions);
    try {
      const feeds = Object.fromEntries(Object.entries(causalConvFeeds(formulation, shape, input)).map(([name, t]) => [name, new ort.Tensor('float32', t.data, t.dims)]));
      let outputs = await session.run(feeds);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        outputs = await session.run(feeds);
        times.push((performance.now() - start) / 1000);
      }
      const values = framesFirstOutput(formulation, shape, Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, t.data as Float32Array])));
      reference ??= values;
      results.push({ formulation, secondsPerRun: times.sort((a, b) => a - b)[times.length >> 1]!, maxDiffFromConv3d: maxAbsDiff(values, reference) });
    } finally {
      await session.release();
    }
  }
  return results;
}
