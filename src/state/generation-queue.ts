import { WanError, GenerationCanceledError } from '../errors.ts';
import type { ModelLocation } from '../model/model-location.ts';
import { estimateQuery } from '../pipeline/estimate/generation-estimate.ts';
import type { GenerationSettings } from '../pipeline/generate/generation-settings.ts';
import type { DecoderChoice } from '../bundle/tiny-vae-names.ts';
import type { MemoryMode } from '../pipeline/generate/memory-mode.ts';
import type { VideoOutputOptions } from '../video/video-format.ts';
import { estimateFor } from './estimate-store.ts';
import type { StoredProfile } from './estimate-store.ts';
import { generationSettings, modelLocation } from './settings-store.ts';
import type { Settings } from './settings-store.ts';
import type { StartImage } from './start-image-store.ts';
import type { JobExtension } from './extend-store.ts';
import { userMessage } from '../user-message.ts';

/**
 * One generation as it was asked for: the settings, model and start image at that moment.
 * `location` is null for a job asked for while a model was still installing: it runs with the
 * installed model once the install ends (see `jobAfterInstall`).
 */
export interface QueuedJob<Location extends ModelLocation | null = ModelLocation | null> {
  readonly id: number;
  readonly location: Location;
  readonly settings: GenerationSettings;
  readonly image: StartImage | null;
  readonly output: VideoOutputOptions;
  readonly memory: MemoryMode;
  readonly decoder: DecoderChoice;
  /** The model has the tiny decoder, which then makes the step previews (no preview map to prepare). */
  readonly tinyDecoderPreview: boolean;
  /** The video this job continues from its last frame (`image`), joined with it in one file. */
  readonly extend?: JobExtension;
}

/** The largest seed torch.Generator takes here: seeds are drawn below 2³². */
const SEED_RANGE = 2 ** 32;

/** A new seed from `random` (in [0, 1)). */
export function drawSeed(random: () => number): number {
  return Math.floor(random() * SEED_RANGE);
}

/** The seed the next job uses: a new one from `random` when the settings ask for a random seed each time. */
export function nextSeed(settings: Pick<Settings, 'seed' | 'randomSeed'>, random: () => number): number {
  return settings.randomSeed ? drawSeed(random) : settings.seed;
}

/** Why a job cannot run when no model is chosen and none is installing. */
export const NO_MODEL_MESSAGE =
  'There is no model to generate with yet. Start with the self-test model (17 MB, made here without a download: it checks this browser and GPU in a couple of minutes), or install a real model.';

/** What the page knows of its models when a job is asked for. */
export interface ModelsNow {
  /** A model is installing: a job without a model waits for it. */
  readonly installing: boolean;
  /** Some model is installed (else the answer says which to install). */
  readonly anyInstalled: boolean;
  /** The chosen model has the tiny decoder (unknown counts as no). */
  readonly tinyDecoder?: boolean;
}

/** The settings as a job, or why there can be none. */
export function jobFromSettings(
  id: number,
  settings: Settings,
  image: StartImage | null,
  models: ModelsNow = { installing: false, anyInstalled: true },
): QueuedJob | string {
  const location = modelLocation(settings);
  if (!location && !models.installing) {
    if (!models.anyInstalled) return NO_MODEL_MESSAGE;
    return settings.modelSource === 'installed'
      ? 'No model is chosen: pick an installed one in the Model menu, then generate.'
      : 'Enter the URL of a model bundle (a folder with manifest.json) under the Model menu, or pick an installed model there.';
  }
  return {
    id,
    location,
    settings: generationSettings(settings),
    image,
    output: { container: settings.container, fps: settings.fps },
    memory: settings.memoryMode,
    decoder: settings.decoder === 'tiny' && models.tinyDecoder ? 'tiny' : 'full',
    tinyDecoderPreview: models.tinyDecoder ?? false,
  };
}

/** Why Generate would refuse the settings now, or null when it would take them. */
export function refusal(settings: Settings, models: ModelsNow): string | null {
  const job = jobFromSettings(0, settings, null, models);
  return typeof job === 'string' ? job : null;
}

/** What a refused Generate shows: the failure, and whether it is the no-model one. */
export interface RefusalView {
  readonly status: 'idle' | 'running' | 'done' | 'failed' | 'canceled';
  readonly refused: boolean;
  readonly error: string | null;
}

/**
 * A refusal after the settings or models changed, given why Generate would refuse now: gone
 * when it no longer holds, the new reason when it changed, else unchanged (null). Other failures stay.
 */
export function refusalUpdate(
  shown: RefusalView,
  problem: string | null,
): { status: 'idle'; error: null; noModel: false; refused: false } | { error: string; noModel: boolean } | null {
  if (shown.status !== 'failed' || !shown.refused) return null;
  if (problem === null) return { status: 'idle', error: null, noModel: false, refused: false };
  return problem === shown.error ? null : { error: problem, noModel: problem === NO_MODEL_MESSAGE };
}

/** How the install a job waited for ended. */
export interface InstallOutcome {
  readonly status: 'done' | 'paused' | 'failed';
  readonly error: string | null;
}

/**
 * A job that waited for an install, made ready to run: the settings as they are now (the
 * installed model's defaults applied to what the user typed), or why it cannot run.
 */
export function jobAfterInstall(job: QueuedJob, outcome: InstallOutcome, settings: Settings, models?: ModelsNow): QueuedJob<ModelLocation> | string {
  if (job.location) return { ...job, location: job.location };
  if (outcome.status === 'failed') return `The model install failed, so this job did not run: ${outcome.error ?? 'no reason was given'}`;
  if (outcome.status === 'paused') return 'The model install was paused, so this job did not run. Resume the install in the Models panel, then generate again.';
  const ready = jobFromSettings(job.id, settings, job.image, models);
  if (typeof ready === 'string') return ready;
  return { ...ready, location: ready.location!, ...(job.extend ? { extend: job.extend } : {}) };
}

/** The queue with a waiting job moved one place earlier (-1) or later (+1); unchanged when it cannot move. */
export function moveJob(queue: readonly QueuedJob[], id: number, delta: -1 | 1): readonly QueuedJob[] {
  const from = queue.findIndex((job) => job.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= queue.length) return queue;
  const moved = [...queue];
  [moved[from], moved[to]] = [moved[to]!, moved[from]!];
  return moved;
}

export function removeJob(queue: readonly QueuedJob[], id: number): readonly QueuedJob[] {
  return queue.filter((job) => job.id !== id);
}

/** How a job that threw ended: cancelled (no message) or failed; `outOfMemory` when the GPU ran out of memory. */
export function failedJob(error: unknown): { status: 'canceled' | 'failed'; error: string | null; outOfMemory: boolean } {
  if (error instanceof GenerationCanceledError) return { status: 'canceled', error: null, outOfMemory: false };
  return { status: 'failed', error: userMessage(error), outOfMemory: error instanceof WanError && error.code === 'gpu-out-of-memory' };
}

/** The estimated peak GPU memory of a job that ran out of it (settings like it will be estimated not to fit), or null without an estimate. */
export function outOfMemoryPeak(profiles: Readonly<Record<string, StoredProfile>>, job: QueuedJob<ModelLocation>): number | null {
  return estimateFor(profiles, job.location, estimateQuery({ ...job.settings, decoder: job.decoder }, job.image?.rgb ?? null))?.peakBytes ?? null;
}

/** What makes a video: two jobs that agree on all of it make the same video (the memory mode changes only speed). */
const videoKey = (job: QueuedJob) => JSON.stringify([job.settings, job.output, job.location, job.decoder, job.extend?.name ?? null]);

/**
 * Jobs that would make the same video as another (the same fixed seed, settings, start image
 * and model), as groups of job ids in queue order; `running` counts as the first job.
 */
export function repeatedJobs(running: QueuedJob | null, queue: readonly QueuedJob[]): readonly (readonly number[])[] {
  const groups: QueuedJob[][] = [];
  for (const job of running ? [running, ...queue] : queue) {
    const same = groups.find(([first]) => videoKey(first!) === videoKey(job) && first!.image?.file === job.image?.file);
    if (same) same.push(job);
    else groups.push([job]);
  }
  return groups.filter((group) => group.length > 1).map((group) => group.map((job) => job.id));
}
