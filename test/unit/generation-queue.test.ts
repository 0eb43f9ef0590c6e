import { describe, expect, test } from 'vitest';
import { GenerationCanceledError, GpuDeviceLostError, GpuMemoryError } from '../../src/errors.ts';
import { installedModel } from '../../src/model/model-location.ts';
import type { ModelLocation } from '../../src/model/model-location.ts';
import { estimateGeneration, estimateQuery } from '../../src/pipeline/estimate/generation-estimate.ts';
import { ditTokens } from '../../src/pipeline/estimate/generation-measurement.ts';
import type { GenerationMeasurement } from '../../src/pipeline/estimate/generation-measurement.ts';
import type { StoredProfile } from '../../src/state/estimate-store.ts';
import { failedJob, jobFromSettings, moveJob, nextSeed, outOfMemoryPeak, removeJob } from '../../src/state/generation-queue.ts';
import type { QueuedJob } from '../../src/state/generation-queue.ts';
import { DEFAULT_SETTINGS } from '../../src/state/settings-store.ts';

/** What a generation at this size measured, on a machine whose memory grows linearly with tokens and pixels. */
function measured(width: number, height: number): GenerationMeasurement {
  const frames = 9;
  const tokens = ditTokens({ width, height, frames });
  return {
    width,
    height,
    latentFrames: 3,
    ditTokens: tokens,
    ditWork: { macsPerToken: 4_436_656_128, macsPerTokenPair: 184_320 },
    textEncodeMs: 900,
    imageEncodeMs: null,
    ditPassMs: 40 + tokens / 100,
    decodeFrameMs: 100,
    memory: {
      text: { peakBytes: 6e9, largestBufferBytes: 5e8 },
      dit: { peakBytes: 7e9 + 2e5 * tokens, largestBufferBytes: 57_344 * tokens },
      decode: { peakBytes: 7.5e9 + 3e3 * width * height, largestBufferBytes: 1200 * width * height },
    },
  };
}

const SETTINGS = { ...DEFAULT_SETTINGS, modelSource: 'installed' as const, installedModelId: 'wan', prompt: 'a fox', seed: 7 };

const job = (id: number) => jobFromSettings(id, SETTINGS, null) as QueuedJob<ModelLocation>;

describe('the generation queue', () => {
  const queue = [job(1), job(2), job(3)];
  const ids = (jobs: readonly QueuedJob[]) => jobs.map((queued) => queued.id);

  test('moves a waiting job one place earlier or later', () => {
    expect(ids(moveJob(queue, 2, -1))).toEqual([2, 1, 3]);
    expect(ids(moveJob(queue, 2, 1))).toEqual([1, 3, 2]);
    expect(ids(queue)).toEqual([1, 2, 3]);
  });

  test('leaves the queue as it is when the job cannot move or is not there', () => {
    expect(moveJob(queue, 1, -1)).toBe(queue);
    expect(moveJob(queue, 3, 1)).toBe(queue);
    expect(moveJob(queue, 9, 1)).toBe(queue);
  });

  test('removes a waiting job', () => {
    expect(ids(removeJob(queue, 2))).toEqual([1, 3]);
    expect(ids(removeJob(queue, 9))).toEqual([1, 2, 3]);
  });
});

describe('a job from the settings', () => {
  test('takes the model, the settings the pipeline needs, the start image and the output', () => {
    expect(jobFromSettings(4, { ...SETTINGS, container: 'webm', memoryMode: 'keep-loaded' }, null)).toEqual({
      id: 4,
      location: installedModel('wan'),
      settings: expect.objectContaining({ prompt: 'a fox', seed: 7, width: SETTINGS.width, frames: SETTINGS.frames }),
      image: null,
      output: { container: 'webm', fps: SETTINGS.fps },
      memory: 'keep-loaded',
      decoder: 'full',
      tinyDecoderPreview: false,
    });
  });

  test('says what is missing when no model is chosen', () => {
    expect(jobFromSettings(1, { ...SETTINGS, installedModelId: '' }, null)).toMatch(/No model is chosen: pick an installed one in the Model menu/);
    expect(jobFromSettings(1, { ...SETTINGS, modelSource: 'url', bundleUrl: ' ' }, null)).toMatch(/Enter the URL of a model bundle/);
  });

  test('keeps the seed, or draws a new one when it is random each time', () => {
    expect(nextSeed({ seed: 7, randomSeed: false }, () => 0.5)).toBe(7);
    expect(nextSeed({ seed: 7, randomSeed: true }, () => 0.5)).toBe(2 ** 31);
    expect(nextSeed({ seed: 7, randomSeed: true }, () => 0.999999999999)).toBeLessThan(2 ** 32);
  });
});

describe('how a job ended', () => {
  test('cancelled without a message; failures with theirs, out-of-memory marked', () => {
    expect(failedJob(new GenerationCanceledError())).toEqual({ status: 'canceled', error: null, outOfMemory: false });
    expect(failedJob(new GpuMemoryError('too big'))).toEqual({ status: 'failed', error: 'too big', outOfMemory: true });
    expect(failedJob(new GpuDeviceLostError('reset'))).toEqual({ status: 'failed', error: 'reset', outOfMemory: false });
    expect(failedJob('odd')).toEqual({ status: 'failed', error: expect.stringMatching(/^Something went wrong .*\(Error: odd\)\. This is a bug/), outOfMemory: false });
  });

  test('an out-of-memory job records the estimated peak of its model on this machine', () => {
    const profile: StoredProfile = { adapter: 'gpu', bufferLimitBytes: null, outOfMemoryAtBytes: null, measurements: [measured(256, 256), measured(512, 512)] };
    const expected = estimateGeneration(profile, estimateQuery(job(1).settings, null))!.peakBytes!;
    expect(expected).toBeGreaterThan(7e9);
    expect(outOfMemoryPeak({ 'installed:wan': profile }, job(1))).toBe(expected);
    expect(outOfMemoryPeak({ 'installed:other': profile }, job(1))).toBeNull();
    expect(outOfMemoryPeak({}, job(1))).toBeNull();
  });
});
