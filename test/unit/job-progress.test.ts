import { describe, expect, test } from 'vitest';
import type { PipelineEvent, PipelinePhase } from '../../src/pipeline/generate/pipeline-events.ts';
import { advanceJobProgress, jobFractions, jobPhases, measuredDurations, startJobProgress, timeLeft } from '../../src/state/job-progress.ts';
import type { JobProgress } from '../../src/state/job-progress.ts';
import { jobEndNotice, progressTitle, stageText, timeLeftText } from '../../src/state/job-progress-text.ts';

const progressEvent = (phase: PipelinePhase, step: number, steps: number, graph?: string): PipelineEvent => ({
  type: 'progress',
  phase,
  step,
  steps,
  elapsedMs: 0,
  etaMs: null,
  ...(graph ? { graph } : {}),
});

/** A job fed `events` at the given page times. */
function run(events: readonly [number, PipelineEvent][], phases = jobPhases({ startImage: false, preview: true })): JobProgress {
  return events.reduce((progress, [at, event]) => advanceJobProgress(progress, event, at), startJobProgress(phases, 0));
}

describe('job stages', () => {
  test('the start image and the preview are stages only when the job has them', () => {
    expect(jobPhases({ startImage: false, preview: false })).toEqual(['encoding-text', 'denoising', 'decoding']);
    expect(jobPhases({ startImage: true, preview: true })).toEqual(['encoding-text', 'encoding-image', 'preparing-preview', 'denoising', 'decoding']);
  });

  test('a model part loading is shown inside its stage, which keeps its start and step', () => {
    const loading = run([
      [0, progressEvent('encoding-text', 0, 2)],
      [1000, progressEvent('encoding-text', 1, 2)],
      [1100, progressEvent('denoising', 0, 30)],
      [1200, progressEvent('loading', 0, 1, 'dit')],
    ]);
    expect(loading).toMatchObject({ phase: 'denoising', step: 0, steps: 30, phaseStartedAt: 1100, stepAt: 1100, loading: 'dit' });
    const loaded = advanceJobProgress(loading, { type: 'load', graph: 'dit', ms: 900 }, 2100);
    expect(loaded.loading).toBeNull();
    expect(advanceJobProgress(loaded, progressEvent('denoising', 1, 30), 5000)).toMatchObject({ step: 1, stepAt: 5000, phaseStartedAt: 1100 });
  });

  test('a stage that was not planned is put in its place', () => {
    const progress = run([[0, progressEvent('encoding-image', 0, 1)]], jobPhases({ startImage: false, preview: false }));
    expect(progress.phases).toEqual(['encoding-text', 'encoding-image', 'denoising', 'decoding']);
  });
});

describe('time left', () => {
  const denoising = run([
    [0, progressEvent('encoding-text', 0, 2)],
    [1000, progressEvent('preparing-preview', 0, 1)],
    [2000, progressEvent('denoising', 0, 10)],
    [6000, progressEvent('denoising', 2, 10)],
  ]);

  test('from the job’s own pace it counts down between events and holds when a step is slow', () => {
    // 2 s a step: 8 steps left = 16 s at the event, then it counts down.
    expect(timeLeft(denoising, 6000, null).phaseMs).toBe(16_000);
    expect(timeLeft(denoising, 7000, null).phaseMs).toBe(15_000);
    // The step is late: the figure holds at the 7 steps after it instead of going up or below.
    expect(timeLeft(denoising, 9000, null).phaseMs).toBe(14_000);
    // Decoding has not run here yet: no total.
    expect(timeLeft(denoising, 6000, null).totalMs).toBeNull();
  });

  test('an event that repeats the step does not restart its countdown', () => {
    const repeated = advanceJobProgress(denoising, progressEvent('denoising', 2, 10), 8000);
    expect(timeLeft(repeated, 8000, null).phaseMs).toBe(14_000);
  });

  test('before a stage’s first step its pace is unknown', () => {
    const started = run([[0, progressEvent('denoising', 0, 10)]]);
    expect(timeLeft(started, 500, null)).toEqual({ phaseMs: null, totalMs: null });
  });

  test('in the last stage the stage’s time left is the total', () => {
    const decoding = run([
      [0, progressEvent('decoding', 0, 4)],
      [1000, progressEvent('decoding', 1, 4)],
    ]);
    expect(timeLeft(decoding, 1500, null)).toEqual({ phaseMs: 2500, totalMs: 2500 });
  });

  test('with this machine’s measurements: the stage’s share of its measured time, plus the stages after it', () => {
    const measured = measuredDurations({
      totalMs: 0,
      phaseMs: { text: 500, image: null, denoise: 30_000, decode: 8000 },
      otherDecodeMs: null,
      peakBytes: null,
      largestBufferBytes: null,
      extrapolated: false,
      rough: false,
      imageUnmeasured: false,
      decodeMemoryPredicted: false,
      fit: { kind: 'fits' },
    });
    expect(measured).toEqual({ 'encoding-text': 500, denoising: 30_000, decoding: 8000 });
    // 8 of 10 steps left of 30 s = 24 s, less the second since the step: 23 s; then 8 s of decoding.
    expect(timeLeft(denoising, 7000, measured)).toEqual({ phaseMs: 23_000, totalMs: 31_000 });
    // Before the first step too, counting from the stage's start.
    const justStarted = run([[2000, progressEvent('denoising', 0, 10)]]);
    expect(timeLeft(justStarted, 5000, measured)).toEqual({ phaseMs: 27_000, totalMs: 35_000 });
  });
});

describe('the bar', () => {
  test('stages before the running one are full, the running one as far as its steps, the rest empty', () => {
    const { phases, total } = jobFractions(
      run([
        [0, progressEvent('encoding-text', 0, 2)],
        [1, progressEvent('denoising', 15, 30)],
      ]),
      { 'encoding-text': 1000, 'preparing-preview': 0, denoising: 6000, decoding: 3000 },
    );
    expect(phases).toEqual({ 'encoding-text': 1, 'preparing-preview': 1, denoising: 0.5, decoding: 0 });
    expect(total).toBeCloseTo((1000 + 3000) / 10_000);
  });

  test('unmeasured, denoising weighs most', () => {
    const { total } = jobFractions(run([[0, progressEvent('decoding', 0, 4)]]), null);
    expect(total).toBeGreaterThan(0.75);
    expect(total).toBeLessThan(0.9);
  });
});

describe('words', () => {
  const denoising = run([[0, progressEvent('denoising', 12, 30)]]);

  test('the tab title says how far, which stage and step, and the page', () => {
    expect(stageText(denoising)).toBe('Denoising 12/30');
    expect(progressTitle(denoising, 0.429, false)).toBe('42% · Denoising 12/30 · wan-web');
    expect(progressTitle(denoising, 0.999, false)).toBe('99% · Denoising 12/30 · wan-web');
    expect(progressTitle(null, 0, true)).toBe('Waiting for the install · wan-web');
  });

  test('time left says where it comes from, and what is not known yet', () => {
    expect(timeLeftText({ phaseMs: 20_200, totalMs: 95_000 }, true)).toBe(
      'About 1 min 35 s left in all (about 20.2 s left in this stage, from this machine’s measurements).',
    );
    expect(timeLeftText({ phaseMs: 20_200, totalMs: null }, false)).toBe(
      'About 20.2 s left in this stage; the stages after it are not measured on this machine yet, so there is no total.',
    );
    expect(timeLeftText({ phaseMs: null, totalMs: null }, false)).toBe('Time left: known after this stage’s first step.');
  });

  test('a notification for a finished or failed job, none for a cancelled one', () => {
    expect(jobEndNotice({ status: 'done', tookMs: 65_000, error: null, prompt: 'a red fox' })).toEqual({ title: 'Your video is ready', body: '“a red fox”, made in 1 min 05 s.' });
    expect(jobEndNotice({ status: 'failed', tookMs: null, error: 'The GPU stopped.', prompt: '' })).toEqual({ title: 'The video could not be made', body: 'The GPU stopped.' });
    expect(jobEndNotice({ status: 'canceled', tookMs: null, error: null, prompt: 'x' })).toBeNull();
  });
});
