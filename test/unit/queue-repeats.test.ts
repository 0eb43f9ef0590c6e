import { describe, expect, test } from 'vitest';
import { jobFromSettings, repeatedJobs } from '../../src/state/generation-queue.ts';
import type { QueuedJob } from '../../src/state/generation-queue.ts';
import { DEFAULT_SETTINGS } from '../../src/state/settings-store.ts';
import type { Settings } from '../../src/state/settings-store.ts';
import type { StartImage } from '../../src/state/start-image-store.ts';

const SETTINGS: Settings = { ...DEFAULT_SETTINGS, modelSource: 'installed', installedModelId: 'wan', prompt: 'a fox', seed: 7 };
const job = (id: number, changes: Partial<Settings> = {}, image: StartImage | null = null) => jobFromSettings(id, { ...SETTINGS, ...changes }, image) as QueuedJob;
const image = (name: string) => ({ name, file: new Blob([name]) }) as StartImage;

describe('queued jobs that would make the same video', () => {
  test('the same fixed seed and settings repeat; the running job counts', () => {
    expect(repeatedJobs(null, [job(1), job(2, { seed: 8 }), job(3)])).toEqual([[1, 3]]);
    expect(repeatedJobs(job(1), [job(2, { seed: 8 }), job(3), job(4, { seed: 8 })])).toEqual([[1, 3], [2, 4]]);
  });

  test('any difference in what makes the video is no repeat; the memory mode is', () => {
    const differences: Partial<Settings>[] = [{ seed: 8 }, { prompt: 'a cat' }, { steps: 49 }, { fps: 16 }, { container: 'webm' }, { installedModelId: 'fastwan' }, { negativePrompt: 'blur' }];
    for (const change of differences) expect(repeatedJobs(job(1), [job(2, change)])).toEqual([]);
    expect(repeatedJobs(job(1), [job(2, { memoryMode: 'keep-loaded' })])).toEqual([[1, 2]]);
    const withTinyDecoder = { installing: false, anyInstalled: true, tinyDecoder: true };
    const fast = jobFromSettings(2, { ...SETTINGS, decoder: 'tiny' }, null, withTinyDecoder) as QueuedJob;
    expect(repeatedJobs(jobFromSettings(1, SETTINGS, null, withTinyDecoder) as QueuedJob, [fast])).toEqual([]);
  });

  test('jobs from different start images differ; from the same image they repeat', () => {
    const fox = image('fox.png');
    expect(repeatedJobs(null, [job(1, {}, fox), job(2, {}, image('cat.png')), job(3), job(4, {}, fox)])).toEqual([[1, 4]]);
  });
});
