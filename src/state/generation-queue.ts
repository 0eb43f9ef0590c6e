import { WanError, GenerationCanceledError } from '../errors.ts';
import type { ModelLocation } from '../model/model-location.ts';
import { estimateQuery } from '../pipeline/estimate/generation-estimate.ts';
import type { GenerationSettings } from '../pipeline/generate/generation-settings.ts';
import type { MemoryMode } from '../pipeline/generate/memory-mode.ts';
import type { EncodedVideo, VideoOutputOptions } from '../video/video-format.ts';
import type { HistoryEntry } from '../video/video-history.ts';
import { estimateFor } from './estimate-store.ts';
import type { StoredProfile } from './estimate-store.ts';
import { generationSettings, modelLocation } from './settings-store.ts';
import type { Settings } from './settings-store.ts';
import type { StartImage } from './start-image-store.ts';

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
  'There is no model to generate with yet. Install the self-test model (built in, a few MB: it checks this GPU in a couple of minutes) or Wan2.2 TI2V-5B in the Models panel, then generate.';

/** What the page knows of its models when a job is asked for. */
export interface ModelsNow {
  /** A model is installing: a job without a model waits for it. */
  readonly installing: boolean;
  /** Some model is installed (else the answer says which to install). */
  readonly anyInstalled: boolean;
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
      ? 'No model is chosen: install one in the Models panel (or pick an installed one), then generate.'
      : 'Enter the URL of a model bundle (a folder with manifest.json) first.';
  }
  return {
    id,
    location,
    settings: generationSettings(settings),
    image,
    output: { container: settings.container, fps: settings.fps },
    memory: settings.memoryMode,
  };
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
export function jobAfterInstall(job: QueuedJob, outcome: InstallOutcome, settings: Settings): QueuedJob<ModelLocation> | string {
  if (job.location) return { ...job, location: job.location };
  if (outcome.status === 'failed') return `The model install failed, so this job did not run: ${outcome.error ?? 'no reason was given'}`;
  if (outcome.status === 'paused') return 'The model install was paused, so this job did not run. Resume the install in the Models panel, then generate again.';
  const ready = jobFromSettings(job.id, settings, job.image);
  if (typeof ready === 'string') return ready;
  return { ...ready, location: ready.location! };
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
  const message = error instanceof Error ? error.message : String(error);
  return { status: 'failed', error: message, outOfMemory: error instanceof WanError && error.code === 'gpu-out-of-memory' };
}

/** The estimated peak GPU memory of a job that ran out of it (settings like it will be estimated not to fit), or null without an estimate. */
export function outOfMemoryPeak(profiles: Readonly<Record<string, StoredProfile>>, job: QueuedJob<ModelLocation>): number | null {
  return estimateFor(profiles, job.location, estimateQuery(job.settings, job.image?.rgb ?? null))?.peakBytes ?? null;
}

/** The name a finished video is downloaded under: its history name once saved. */
export function videoFileName(video: EncodedVideo, saved: HistoryEntry | null): string {
  return saved?.fileName ?? `wan-${video.provenance.settings.seed}.${video.container}`;
}
