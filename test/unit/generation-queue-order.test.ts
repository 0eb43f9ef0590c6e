import { describe, expect, test } from 'vitest';
import { installedModel } from '../../src/model/model-location.ts';
import { jobFromSettings, moveJob, removeJob } from '../../src/state/generation-queue.ts';
import type { QueuedJob } from '../../src/state/generation-queue.ts';
import { DEFAULT_SETTINGS } from '../../src/state/settings-store.ts';
import type { Settings } from '../../src/state/settings-store.ts';

// The queue's pure parts beyond test/unit/generation-queue.test.ts: moves and removals at the ends of a
// longer queue, and the snapshot a job takes of the settings (every field the pipeline reads, exactly).

/** Settings where every generation field differs from its default and from the others. */
const ASKED: Settings = {
  ...DEFAULT_SETTINGS,
  modelSource: 'installed',
  installedModelId: 'fastwan',
  prompt: 'a heron lifting off a misty lake',
  negativePrompt: 'blurry, static',
  width: 832,
  height: 480,
  frames: 49,
  steps: 3,
  guidance: 1,
  shift: 8,
  sampler: 'dmd',
  seed: 987_654_321,
  fps: 16,
  container: 'webm',
  memoryMode: 'one-at-a-time',
};

const job = (id: number) => jobFromSettings(id, ASKED, null) as QueuedJob;
const ids = (jobs: readonly QueuedJob[]) => jobs.map((queued) => queued.id);

describe('the queue, moved and pruned', () => {
  const queue = [job(10), job(20), job(30), job(40)];

  test('the first job moves later and the last earlier; the jobs are the same objects, the queue a new array', () => {
    const later = moveJob(queue, 10, 1);
    expect(ids(later)).toEqual([20, 10, 30, 40]);
    expect(later[1]).toBe(queue[0]);
    expect(later).not.toBe(queue);
    expect(ids(moveJob(queue, 40, -1))).toEqual([10, 20, 40, 30]);
    expect(ids(queue)).toEqual([10, 20, 30, 40]);
  });

  test('repeated moves carry a job from the end to the front, one place each', () => {
    let moved: readonly QueuedJob[] = queue;
    const steps: number[][] = [];
    for (let i = 0; i < 4; i++) {
      moved = moveJob(moved, 40, -1);
      steps.push(ids(moved));
    }
    expect(steps).toEqual([
      [10, 20, 40, 30],
      [10, 40, 20, 30],
      [40, 10, 20, 30],
      [40, 10, 20, 30],
    ]);
  });

  test('removal takes only the job with that id, at the front, in the middle or at the end', () => {
    expect(ids(removeJob(queue, 10))).toEqual([20, 30, 40]);
    expect(ids(removeJob(queue, 30))).toEqual([10, 20, 40]);
    expect(ids(removeJob(queue, 40))).toEqual([10, 20, 30]);
    expect(removeJob(queue, 30)[2]).toBe(queue[3]);
    expect(ids(removeJob(removeJob(queue, 20), 20))).toEqual([10, 30, 40]);
    expect(ids(queue)).toEqual([10, 20, 30, 40]);
  });
});

describe('the snapshot a job takes of the settings', () => {
  test('exactly the generation settings, output and memory mode asked for, nothing else', () => {
    expect(job(5)).toEqual({
      id: 5,
      location: installedModel('fastwan'),
      settings: {
        prompt: 'a heron lifting off a misty lake',
        negativePrompt: 'blurry, static',
        width: 832,
        height: 480,
        frames: 49,
        steps: 3,
        guidance: 1,
        shift: 8,
        sampler: 'dmd',
        seed: 987_654_321,
      },
      image: null,
      output: { container: 'webm', fps: 16 },
      memory: 'one-at-a-time',
      decoder: 'full',
      tinyDecoderPreview: false,
    });
  });

  test('a blank negative prompt is left out, so the pipeline uses Wan’s default', () => {
    const blank = jobFromSettings(1, { ...ASKED, negativePrompt: '  \n ' }, null) as QueuedJob;
    expect(blank.settings).not.toHaveProperty('negativePrompt');
    const kept = jobFromSettings(1, { ...ASKED, negativePrompt: ' text, watermark ' }, null) as QueuedJob;
    expect(kept.settings.negativePrompt).toBe(' text, watermark ');
  });

  test('settings changed after the job was made do not change it', () => {
    const settings = { ...ASKED };
    const made = jobFromSettings(2, settings, null) as QueuedJob;
    Object.assign(settings, { prompt: 'changed', seed: 1, width: 64, fps: 24 });
    expect(made.settings).toMatchObject({ prompt: 'a heron lifting off a misty lake', seed: 987_654_321, width: 832 });
    expect(made.output.fps).toBe(16);
  });
});
