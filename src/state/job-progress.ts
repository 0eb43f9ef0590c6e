import type { GenerationEstimate } from '../pipeline/estimate/generation-estimate.ts';
import type { PipelineEvent, PipelinePhase } from '../pipeline/generate/pipeline-events.ts';

/** The stages of a job, in order; loading a model part happens inside the stage that needs it. */
export type JobPhase = Exclude<PipelinePhase, 'loading'>;

const ORDER: readonly JobPhase[] = ['encoding-text', 'encoding-image', 'preparing-preview', 'denoising', 'decoding'];

/** The stages a job goes through: the start image's encoding and the preview's preparation only when asked for. */
export function jobPhases(job: { readonly startImage: boolean; readonly preview: boolean }): JobPhase[] {
  return ORDER.filter((phase) => (phase === 'encoding-image' ? job.startImage : phase === 'preparing-preview' ? job.preview : true));
}

/** Where the running job is, timed on this page's clock (ms, as `performance.now()`). */
export interface JobProgress {
  readonly phases: readonly JobPhase[];
  readonly startedAt: number;
  /** The stage running; null until the first one starts. */
  readonly phase: JobPhase | null;
  readonly step: number;
  readonly steps: number;
  readonly phaseStartedAt: number;
  /** When the stage's latest step ended (its start, before the first). */
  readonly stepAt: number;
  /** The model part being loaded (a graph name), if one is. */
  readonly loading: string | null;
}

export function startJobProgress(phases: readonly JobPhase[], now: number): JobProgress {
  return { phases, startedAt: now, phase: null, step: 0, steps: 0, phaseStartedAt: now, stepAt: now, loading: null };
}

/** The job's progress after `event`, received at `now`. */
export function advanceJobProgress(progress: JobProgress, event: PipelineEvent, now: number): JobProgress {
  if (event.type === 'load') return { ...progress, loading: null };
  if (event.type !== 'progress') return progress;
  if (event.phase === 'loading') return { ...progress, loading: event.graph ?? null };
  const { phase, step, steps } = event;
  const phases = progress.phases.includes(phase) ? progress.phases : ORDER.filter((p) => p === phase || progress.phases.includes(p));
  if (phase !== progress.phase) return { ...progress, phases, phase, step, steps, phaseStartedAt: now, stepAt: now, loading: null };
  return { ...progress, step, steps, stepAt: step !== progress.step ? now : progress.stepAt, loading: null };
}

/** How long each stage takes on this machine, where it has been measured (steady state, models loaded). */
export type PhaseDurations = Partial<Record<JobPhase, number>>;

/** The stage durations of an estimate for the job's settings. */
export function measuredDurations(estimate: GenerationEstimate | null): PhaseDurations | null {
  if (!estimate) return null;
  const { text, image, denoise, decode } = estimate.phaseMs;
  return { 'encoding-text': text, ...(image !== null ? { 'encoding-image': image } : {}), denoising: denoise, decoding: decode };
}

export interface TimeLeft {
  /** In the running stage; null until it can be told. */
  readonly phaseMs: number | null;
  /** In the whole job; null while a later stage has never been measured here. */
  readonly totalMs: number | null;
}

/**
 * Time left in the running stage and in the whole job at `now`. With this machine's
 * measurements (`measured`), from them; else from the stage's own pace so far. Either way it
 * counts down between events: the time since the latest step is taken off what that step was
 * expected to need, never below zero, so a slow step holds the figure instead of raising it.
 * Stages that were not measured (preparing the preview is done once per model) count as
 * nothing in a measured total.
 */
export function timeLeft(progress: JobProgress, now: number, measured: PhaseDurations | null): TimeLeft {
  const { phase, step, steps, phaseStartedAt, stepAt } = progress;
  if (phase === null || steps === 0) return { phaseMs: null, totalMs: null };
  const later = progress.phases.slice(progress.phases.indexOf(phase) + 1);
  const expected = measured?.[phase];
  let phaseMs: number | null = null;
  if (expected !== undefined) phaseMs = Math.max(0, (expected * (steps - step)) / steps - (now - stepAt));
  else if (step > 0) {
    const perStep = (stepAt - phaseStartedAt) / step;
    phaseMs = Math.max(0, perStep - (now - stepAt)) + perStep * Math.max(0, steps - step - 1);
  }
  if (phaseMs === null) return { phaseMs, totalMs: null };
  if (measured) return { phaseMs, totalMs: later.reduce((sum, p) => sum + (measured[p] ?? 0), phaseMs) };
  return { phaseMs, totalMs: later.length === 0 ? phaseMs : null };
}

/**
 * Each stage's share of the bar until this machine has measured it: denoising is most of a
 * job at any size, decoding most of the rest.
 */
const TYPICAL_SHARE: Record<JobPhase, number> = { 'encoding-text': 3, 'encoding-image': 3, 'preparing-preview': 3, denoising: 76, decoding: 15 };

/** Each stage's weight in the bar: its measured time where known, else its typical share of the measured total. */
export function phaseWeights(phases: readonly JobPhase[], measured: PhaseDurations | null): Record<JobPhase, number> {
  const known = measured ? Object.values(measured).reduce((sum, ms) => sum + ms, 0) : 0;
  const scale = known > 0 ? known / 100 : 1;
  return Object.fromEntries(phases.map((p) => [p, measured?.[p] ?? TYPICAL_SHARE[p] * scale])) as Record<JobPhase, number>;
}

/** How far each stage is (0 to 1) and the whole job, weighted by `phaseWeights`. */
export function jobFractions(progress: JobProgress, measured: PhaseDurations | null): { readonly phases: Record<JobPhase, number>; readonly total: number } {
  const current = progress.phase === null ? -1 : progress.phases.indexOf(progress.phase);
  const fractions = Object.fromEntries(
    progress.phases.map((p, i) => [p, i < current ? 1 : i === current && progress.steps > 0 ? Math.min(1, progress.step / progress.steps) : 0]),
  ) as Record<JobPhase, number>;
  const weights = phaseWeights(progress.phases, measured);
  const all = progress.phases.reduce((sum, p) => sum + weights[p], 0);
  const done = progress.phases.reduce((sum, p) => sum + weights[p] * fractions[p], 0);
  return { phases: fractions, total: all > 0 ? done / all : 0 };
}
