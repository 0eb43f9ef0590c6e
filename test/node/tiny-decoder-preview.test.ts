import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDirBundle } from '../../src/node/dir-bundle.ts';
import { writeSelfTestBundle } from '../../src/node/write-self-test-bundle.ts';
import type { FramesEvent, PipelineEvent, PreviewEvent } from '../../src/pipeline/generate/pipeline-events.ts';
import { WanPipeline } from '../../src/pipeline/generate/wan-pipeline.ts';
import { PreviewBudget } from '../../src/pipeline/preview/preview-budget.ts';
import { previewDownscale, tinyDecoderPreview } from '../../src/pipeline/preview/tiny-decoder-preview.ts';
import { createVaeDecoder } from '../../src/pipeline/vae/index.ts';
import type { DecodedChunk } from '../../src/pipeline/vae/index.ts';
import { buildFixtureTinyDecoder } from '../helpers/taehv-fixture.ts';
import { stageSessionsOf } from '../helpers/tiny-vae.ts';

const work = await mkdtemp(join(tmpdir(), 'wan-tiny-preview-'));
afterAll(() => rm(work, { recursive: true, force: true }));
let selfTest: string;
beforeAll(async () => {
  selfTest = join(work, 'self-test');
  await writeSelfTestBundle(selfTest);
});

/** Euler's last step lands on its clean estimate (σ = 0 next), so the last preview shows the final latents. */
const SETTINGS = { prompt: 'a lighthouse', width: 64, height: 32, frames: 9, steps: 2, guidance: 1, shift: 5, sampler: 'euler' as const, seed: 5 };

describe('the preview budget', () => {
  test('the first step always; then a step only while previews took at most their share of the steps’ time', () => {
    const budget = new PreviewBudget(0.1);
    const allowed: boolean[] = [];
    // Steps of 100 ms, previews of 30 ms: one preview per 300 ms of steps.
    for (let step = 0; step < 8; step++) {
      budget.stepTook(100);
      const allows = budget.allows();
      allowed.push(allows);
      if (allows) budget.previewTook(30);
    }
    expect(allowed).toEqual([true, false, true, false, false, true, false, false]);
  });
});

describe('tiny-decoder previews', () => {
  test('every step previews true colours from the tiny decoder: no preview map to prepare, no VAE encoder, the decoder loaded once', async () => {
    const pipeline = new WanPipeline({ ort, bundle: await openDirBundle(selfTest) });
    const events: PipelineEvent[] = [];
    const videoFrames: FramesEvent[] = [];
    // Every step previewed here, however long the previews take.
    const previewBudget = new PreviewBudget(Infinity);
    await pipeline.generate(SETTINGS, null, { preview: true, decoder: 'tiny', previewBudget, onEvent: (e) => void events.push(e), onFrames: (e) => void videoFrames.push(e) });
    // With no time for previews, the first step still gets one.
    const thinned: number[] = [];
    await pipeline.generate({ ...SETTINGS, steps: 3 }, null, { preview: true, previewBudget: new PreviewBudget(0), onEvent: (e) => e.type === 'preview' && thinned.push(e.step) });
    expect(thinned).toEqual([1]);
    await pipeline.dispose();

    const previews = events.filter((e): e is PreviewEvent => e.type === 'preview');
    expect(previews.map((p) => [p.step, p.source, p.width, p.height, p.pixelScale, p.frames.length])).toEqual([
      [1, 'tiny-decoder', 64, 32, 1, 3],
      [2, 'tiny-decoder', 64, 32, 1, 3],
    ]);
    expect(events.some((e) => e.type === 'progress' && e.phase === 'preparing-preview')).toBe(false);
    const loads = events.flatMap((e) => (e.type === 'load' ? [e.graph] : []));
    expect(loads.filter((g) => g.startsWith('vae-'))).toEqual([]);
    expect(loads.filter((g) => g === 'tiny-vae-decoder-0')).toHaveLength(1);
    // The last preview: each latent frame's last video frame (frames 0, 4 and 8), within rounding.
    const last = previews.at(-1)!;
    const lastOfChunks = videoFrames.map((e) => e.frames.at(-1)!);
    expect(lastOfChunks).toHaveLength(3);
    lastOfChunks.forEach((frame, f) => frame.forEach((v, i) => expect(Math.abs(v - last.frames[f]![i]!)).toBeLessThanOrEqual(1)));
    expect(previews[0]!.frames[1]).not.toEqual(last.frames[1]);
  });

  test('large frames are box-downscaled: each picture pixel is the mean of its block of the decoded frame', async () => {
    expect([previewDownscale(1280, 704), previewDownscale(832, 480), previewDownscale(416, 240)]).toEqual([4, 2, 1]);
    const decoder = createVaeDecoder(ort, await stageSessionsOf((await buildFixtureTinyDecoder()).graphs));
    const dims = { frames: 2, height: 2, width: 3 };
    const latents = Float32Array.from({ length: 48 * 2 * 2 * 3 }, (_, i) => Math.sin(i * 0.37));
    const chunks: DecodedChunk[] = [];
    for await (const chunk of decoder.decodeLatents(latents, dims)) chunks.push(chunk);
    const preview = await tinyDecoderPreview(decoder, latents, dims, 16);
    expect([preview.width, preview.height, preview.pixelScale, preview.frames.length]).toEqual([16, 10, 3, 2]);
    const { width, height } = chunks[0]!;
    chunks.forEach((chunk, f) => {
      const lastFrame = chunk.frames - 1;
      for (let k = 0; k < 3; k++) {
        const plane = chunk.data.subarray((k * chunk.frames + lastFrame) * width * height, (k * chunk.frames + lastFrame + 1) * width * height);
        for (const [x, y] of [[0, 0], [15, 9], [7, 4]] as const) {
          let sum = 0;
          for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) sum += plane[(3 * y + dy) * width + 3 * x + dx]!;
          const expected = Math.min(255, Math.max(0, (sum / 9 + 1) * 127.5));
          expect(Math.abs(preview.frames[f]![4 * (y * 16 + x) + k]! - expected)).toBeLessThanOrEqual(0.5);
        }
      }
    });
    expect(preview.frames.every((frame) => frame.every((v, i) => i % 4 !== 3 || v === 255))).toBe(true);
  });
});
