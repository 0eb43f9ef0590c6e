import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DIT_IO } from '../../src/bundle/dit-names.ts';
import { openDirBundle } from '../../src/node/dir-bundle.ts';
import { writeSelfTestBundle } from '../../src/node/write-self-test-bundle.ts';
import { latentDims } from '../../src/pipeline/generate/generation-settings.ts';
import type { GenerationSettings } from '../../src/pipeline/generate/generation-settings.ts';
import { WanPipeline } from '../../src/pipeline/generate/wan-pipeline.ts';
import { TorchGenerator } from '../../src/pipeline/noise/index.ts';
import type { OrtSession } from '../../src/pipeline/ort-types.ts';
import { combineArrays } from '../../src/pipeline/sampling/index.ts';

// The DMD loop of the real pipeline on the self-test bundle, watched at the DiT session's inputs and
// outputs (onnxruntime's session, recorded, not replaced): what each step feeds the DiT must be the
// re-noised x0 with the exact noise values FastVideo's DmdDenoisingStage draws there, the next values of
// the seed's torch stream after the starting noise (see test/unit/dmd-sampler.test.ts for the sources).

let work: string;
let bundleDir: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-dmd-noise-'));
  bundleDir = join(work, 'bundle');
  await writeSelfTestBundle(bundleDir);
});
afterAll(() => rm(work, { recursive: true, force: true }));

interface DitPass {
  readonly latent: Float32Array;
  readonly velocity: Float32Array;
}

/** Wraps a session's run so that every pass's latent input and velocity output are kept (copied). */
function recordPasses(session: OrtSession, passes: DitPass[]): OrtSession {
  const run = session.run.bind(session);
  session.run = async (feeds) => {
    const latent = Float32Array.from(feeds[DIT_IO.latent]!.data as Float32Array);
    const result = await run(feeds);
    passes.push({ latent, velocity: Float32Array.from((await result[DIT_IO.velocity]!.getData()) as Float32Array) });
    return result;
  };
  return session;
}

const SETTINGS: GenerationSettings = { prompt: 'a red fox in fresh snow', width: 96, height: 64, frames: 5, steps: 3, guidance: 5, shift: 5, sampler: 'dmd', seed: 20250 };
const SIGMAS = [1, 0.7567567229270935, 0.52173912525177];

test('DMD feeds the DiT the starting noise, then x0 re-noised with the next draws of the seeded stream', async () => {
  const bundle = await openDirBundle(bundleDir);
  const passes: DitPass[] = [];
  const watched = {
    ...bundle,
    createSession: async (...args: Parameters<typeof bundle.createSession>) => {
      const session = await bundle.createSession(...args);
      return args[0] === 'dit' ? recordPasses(session, passes) : session;
    },
  };
  const pipeline = new WanPipeline({ ort, bundle: watched });
  try {
    const result = await pipeline.generate(SETTINGS);
    const dims = latentDims(SETTINGS, result.latentDims[1]);
    expect(result.latentDims).toEqual(dims);
    const n = dims.reduce((a, b) => a * b, 1);

    const stream = new TorchGenerator(SETTINGS.seed);
    const start = stream.randn(dims);
    const draws = [stream.randn([n]), stream.randn([n])];

    // One conditional pass per step, no guidance.
    expect(passes.length).toBe(3);
    expect(passes[0]!.latent).toEqual(start);
    for (const step of [1, 2]) {
      const before = passes[step - 1]!;
      const x0 = combineArrays([[1, before.latent], [-SIGMAS[step - 1]!, before.velocity]]);
      const expected = combineArrays([[1 - SIGMAS[step]!, x0], [SIGMAS[step]!, draws[step - 1]!]]);
      expect(passes[step]!.latent).toEqual(expected);
    }
    // The result is the last x0.
    expect(result.latents).toEqual(combineArrays([[1, passes[2]!.latent], [-SIGMAS[2]!, passes[2]!.velocity]]));
  } finally {
    await pipeline.dispose();
  }
});
