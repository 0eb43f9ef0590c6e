import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDirBundle } from '../../src/node/dir-bundle.ts';
import { writeSelfTestBundle } from '../../src/node/write-self-test-bundle.ts';
import { COMPONENTS } from '../../src/pipeline/components.ts';
import type { AttentionChunkSize } from '../../src/pipeline/dit/chunk-attention.ts';
import { WanPipeline } from '../../src/pipeline/generate/wan-pipeline.ts';
import { convertTinyA } from '../helpers/convert-tiny-a.ts';
import { GoldenCases } from '../helpers/golden-cases.ts';
import { maxAbsDiff } from '../helpers/golden-compare.ts';
import { recordingBundle } from '../helpers/recording-bundle.ts';
import type { SessionRequest } from '../helpers/recording-bundle.ts';

const work = await mkdtemp(join(tmpdir(), 'wan-chunked-attention-'));
const goldenCases = new GoldenCases();
afterAll(async () => {
  await goldenCases.close();
  await rm(work, { recursive: true, force: true });
});

/** For each DiT session the bundle was asked for, whether its graph was the chunked rewrite. */
const ditGraphs = (requests: readonly SessionRequest[]) => requests.filter(({ graph }) => graph === 'dit').map(({ rewritten }) => (rewritten ? 'chunked' : 'fused'));

const oneQueryAtATime: AttentionChunkSize = () => 1;
const allAtOnce: AttentionChunkSize = (tokens) => tokens;

let tinyA: string;
let selfTest: string;
beforeAll(async () => {
  tinyA = await convertTinyA(join(work, 'tiny-a'));
  selfTest = join(work, 'self-test');
  await writeSelfTestBundle(selfTest);
});

describe('chunked self-attention where the device asks for it', () => {
  test('the dit component: the chunked graph for a chunk below the token count, the same velocity', async () => {
    const bundle = recordingBundle(await openDirBundle(tinyA));
    const input = await goldenCases.read('dit_t2v');
    const fused = await COMPONENTS.dit({ ort, bundle }, input);
    const chunked = await COMPONENTS.dit({ ort, bundle, attentionChunk: oneQueryAtATime }, input);
    await COMPONENTS.dit({ ort, bundle, attentionChunk: allAtOnce }, input);
    expect(ditGraphs(bundle.requests)).toEqual(['fused', 'chunked', 'fused']);
    expect(maxAbsDiff(chunked.v!.data, fused.v!.data)).toBeLessThan(1e-5);
  });

  test('the pipeline: the chunked graph for a chunk below the token count, the same latents', async () => {
    const settings = { prompt: 'a lighthouse', width: 64, height: 32, frames: 5, steps: 2, guidance: 1, shift: 5, sampler: 'unipc' as const, seed: 3 };
    const run = async (attentionChunk?: AttentionChunkSize) => {
      const bundle = recordingBundle(await openDirBundle(selfTest));
      const pipeline = new WanPipeline({ ort, bundle, ...(attentionChunk ? { attentionChunk } : {}) });
      try {
        return { latents: (await pipeline.generate(settings)).latents, ditGraphs: ditGraphs(bundle.requests) };
      } finally {
        await pipeline.dispose();
      }
    };
    const fused = await run();
    const chunked = await run(oneQueryAtATime);
    expect([fused.ditGraphs, chunked.ditGraphs, (await run(allAtOnce)).ditGraphs]).toEqual([['fused'], ['chunked'], ['fused']]);
    expect(maxAbsDiff(chunked.latents, fused.latents)).toBeLessThan(1e-5);
  });
});
