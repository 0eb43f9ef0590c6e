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

/** One generation as it was asked for: the settings, model and start image at that moment. */
export interface QueuedJob {
  readonly id: number;
  readonly location: ModelLocation;
  readonly settings: GenerationSettings;
  readonly image: StartImage | null;
  readonly output: VideoOutputOptions;
  readonly memory: MemoryMode;
}

/** The largest seed torch.Generator takes here: seeds are drawn below 2³². */
const SEED_RANGE = 2 ** 32;

/** The seed the next job uses: a new one from `random` (in [0, 1)) when the settings ask for a random seed each time. */
export function nextSeed(settings: Pick<Settings, 'seed' | 'randomSeed'>, random: () => number): number {
  return settings.randomSeed ? Math.floor(random() * SEED_RANGE) : settings.seed;
}

/** The settings as a job, or why there can be none. */
export function jobFromSettings(id: number, settings: Settings, image: StartImage | null): QueuedJob | string {
  const location = modelLocation(settings);
  if (!location) {
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
export function outOfMemoryPeak(profiles: Readonly<Record<string, StoredProfile>>, job: QueuedJob): number | null {
  return estimateFor(profiles, job.location, estimateQuery(job.settings, job.image?.rgb ?? null))?.peakBytes ?? null;
}

/** The name a finished video is downloaded under: its history name once saved. */
export function videoFileName(video: EncodedVideo, saved: HistoryEntry | null): string {
  return saved?.fileName ?? `wan-${video.provenance.settings.seed}.${video.container}`;
}
