/// <reference lib="dom" />
/// <reference types="vite/client" />
// Times each formulation of one causal 3-D conv layer on onnxruntime-web's WebGPU EP (settings from the query
// string) and publishes the result as `benchResult`.
import { loadOrtWeb } from '../../src/runtime/ort-web.ts';
import { CONV_FORMULATIONS, causalConvFeeds, causalConvModel, framesFirstOutput } from '../vae/causal-conv-graphs.ts';
import type { ConvFormulation } from '../vae/causal-conv-graphs.ts';

const params = new URLSearchParams(location.search);
const shape = {
  channels: Number(params.get('channels') ?? 1024),
  frames: Number(params.get('frames') ?? 4),
  height: Number(params.get('height') ?? 22),
  width: Number(params.get('width') ?? 40),
};
const runs = Number(params.get('runs') ?? 3);
const only = params.get('only')?.split(',') as ConvFormulation[] | undefined;

/** Deterministic values in [-scale, scale) (a small LCG: the data only has to be the same for every formulation). */
function values(count: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

async function run() {
  const { ort } = await loadOrtWeb();
  const c = shape.channels;
  const weight = values(c * c * 27, 1, 1 / Math.sqrt(c * 27));
  const bias = values(c, 2, 0.1);
  const input = values((shape.frames + 2) * c * shape.height * shape.width, 3, 1);
  const results: { formulation: ConvFormulation; sessionMs: number; runMs: number[]; maxDiff: number }[] = [];
  let reference: Float32Array | null = null;
  for (const formulation of only ?? CONV_FORMULATIONS) {
    const started = performance.now();
    const session = await ort.InferenceSession.create(causalConvModel(formulation, shape, weight, bias), { executionProviders: ['webgpu'] });
    const sessionMs = performance.now() - started;
    const feeds = Object.fromEntries(Object.entries(causalConvFeeds(formulation, shape, input)).map(([name, t]) => [name, new ort.Tensor('float32', t.data, t.dims)]));
    const runMs: number[] = [];
    let output: Float32Array | null = null;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const result = await session.run(feeds);
      runMs.push(performance.now() - t0);
      output = framesFirstOutput(formulation, shape, Object.fromEntries(Object.entries(result).map(([name, t]) => [name, t.data as Float32Array])));
    }
    await session.release();
    reference ??= output!;
    let maxDiff = 0;
    for (let i = 0; i < reference.length; i++) maxDiff = Math.max(maxDiff, Math.abs(output![i]! - reference[i]!));
    results.push({ formulation, sessionMs, runMs, maxDiff });
  }
  return { shape, results };
}

run().then(
  (result) => Object.assign(globalThis, { benchResult: result }),
  (error: Error) => Object.assign(globalThis, { benchResult: { error: error.message } }),
);
