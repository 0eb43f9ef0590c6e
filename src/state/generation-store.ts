import { create } from 'zustand';
import { StorageFullError } from '../errors.ts';
import type { LoadEvent } from '../pipeline/generate/pipeline-events.ts';
import type { MemoryMode } from '../pipeline/generate/memory-mode.ts';
import type { ModelLocation } from '../model/model-location.ts';
import type { EncodedVideo } from '../video/video-format.ts';
import type { HistoryEntry } from '../video/video-history.ts';
import { runGeneration } from './generation-client.ts';
import type { GenerateRequest } from '../runtime/model-host-api.ts';
import { NO_MODEL_MESSAGE, failedJob, jobAfterInstall, jobFromSettings, moveJob, nextSeed, outOfMemoryPeak, refusal, refusalUpdate, removeJob } from './generation-queue.ts';
import type { ModelsNow, QueuedJob } from './generation-queue.ts';
import { useHistoryStore } from './history-store.ts';
import { installSettled, useModelsStore } from './models-store.ts';
import { useEstimateStore } from './estimate-store.ts';
import { advanceJobProgress, jobPhases, startJobProgress } from './job-progress.ts';
import type { JobProgress } from './job-progress.ts';
import { previewFeed } from './preview-feed.ts';
import { currentSettingProblems } from './setting-drafts-store.ts';
import { currentDecoderAvailability } from './use-decoder-availability.ts';
import { useSettingsStore } from './settings-store.ts';
import { useStartImageStore } from './start-image-store.ts';
import { currentExtension } from './extend-store.ts';
import { videoFileName } from '../video/video-file-name.ts';

export type { QueuedJob } from './generation-queue.ts';

export type GenerationStatus = 'idle' | 'running' | 'done' | 'failed' | 'canceled';

/** The finished video of the last generation. */
export interface GeneratedVideo {
  readonly url: string;
  readonly fileName: string;
  readonly video: Omit<EncodedVideo, 'bytes'>;
  readonly blob: Blob;
  /** Its history entry, or why it could not be kept. */
  readonly saved: HistoryEntry | null;
  readonly saveError: string | null;
}

interface GenerationState {
  /** The running (or last) job's outcome. */
  readonly status: GenerationStatus;
  readonly running: QueuedJob | null;
  /** Jobs waiting their turn, first to run first. */
  readonly queue: readonly QueuedJob[];
  /** Where the running job is; null while none runs or it waits for an install. */
  readonly progress: JobProgress | null;
  /** The running job waits for a model install to end before it starts. */
  readonly waitingForInstall: boolean;
  readonly error: string | null;
  /** The last job failed because there is no model at all (the page offers to install one). */
  readonly noModel: boolean;
  /**
   * The failure is Generate refusing the settings or a job waiting for an install that did not
   * end in a model: said again as the settings and models change, gone once it no longer holds.
   */
  readonly refused: boolean;
  /** The last finished video: kept through failed and cancelled jobs until a new one replaces it. */
  readonly result: GeneratedVideo | null;
  /** How long the last finished generation took, start to saved file. */
  readonly tookMs: number | null;
  /** The models the running (or last) job loaded, and how long each took. */
  readonly loads: readonly LoadEvent[];
  /** The memory mode of the running (or last) job. */
  readonly loadsMemory: MemoryMode | null;
  /** Queues a job from the current settings (a new seed first, when random); it starts at once if nothing runs. Nothing happens while a field holds a value that is not allowed. */
  generate(): Promise<void>;
  /** Stops the running job; the queue goes on. */
  cancel(): void;
  unqueue(id: number): void;
  /** Moves a waiting job earlier (-1) or later (+1). */
  move(id: number, delta: -1 | 1): void;
}

let controller: AbortController | null = null;
let nextJob = 0;

function modelsNow(): ModelsNow {
  const models = useModelsStore.getState();
  return { installing: models.install?.status === 'running', anyInstalled: models.installed.length > 0, tinyDecoder: currentDecoderAvailability().tiny };
}

/** The current settings as a job (after drawing a new seed when it is random each time), or why there can be none. */
function snapshot(): QueuedJob | string {
  const settings = useSettingsStore.getState();
  const seed = nextSeed(settings, Math.random);
  if (seed !== settings.seed) settings.update({ seed });
  const job = jobFromSettings(++nextJob, useSettingsStore.getState(), useStartImageStore.getState().image, modelsNow());
  const extend = currentExtension();
  return typeof job === 'string' || !extend ? job : { ...job, extend };
}

/** Keeps a finished video in the history; a failed save is reported beside the video, which can still be downloaded. */
async function saveToHistory(video: EncodedVideo, job: QueuedJob): Promise<{ saved: HistoryEntry | null; saveError: string | null }> {
  try {
    return { saved: await useHistoryStore.getState().add(video, job.image), saveError: null };
  } catch (error) {
    if (error instanceof StorageFullError) return { saved: null, saveError: error.message };
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { saved: null, saveError: `The video could not be kept in this browser's storage (${reason}). It was not added to the history, but you can still download it.` };
  }
}

/** What the worker is asked to do for a job. */
function jobRequest(job: QueuedJob<ModelLocation>): Omit<GenerateRequest, 'jobId'> {
  const { location, settings, image, output, memory, decoder, extend } = job;
  return { location, settings, image: image?.rgb ?? null, video: output, preview: true, memory, decoder, ...(extend ? { extend: { previous: extend.file, name: extend.name } } : {}) };
}

/** Generations one at a time from a queue: progress, live preview and the finished video of the running one. */
export const useGenerationStore = create<GenerationState>()((set, get) => {
  /** Runs queued jobs until the queue is empty. */
  let draining = false;
  const drain = async () => {
    if (draining) return;
    draining = true;
    try {
      for (let job = get().queue[0]; job; job = get().queue[0]) {
        set((state) => ({ queue: state.queue.slice(1) }));
        await run(job);
      }
    } finally {
      draining = false;
    }
  };

  /** A job asked for during an install, once the install has ended: ready to run, or failed with why. */
  const afterInstall = async (waiting: QueuedJob): Promise<QueuedJob<ModelLocation> | null> => {
    set({ status: 'running', running: waiting, progress: null, error: null, noModel: false, refused: false, waitingForInstall: true });
    const job = jobAfterInstall(waiting, await installSettled(), useSettingsStore.getState(), modelsNow());
    set({ waitingForInstall: false, ...(typeof job === 'string' ? { status: 'failed', error: job, refused: true, running: null } : {}) });
    return typeof job === 'string' ? null : job;
  };

  const run = async (queued: QueuedJob) => {
    const job = queued.location ? { ...queued, location: queued.location } : await afterInstall(queued);
    if (!job) return;
    controller = new AbortController();
    const started = performance.now();
    previewFeed.start(job.output.fps);
    const progress = startJobProgress(jobPhases({ startImage: job.image !== null, preview: !job.tinyDecoderPreview }), started);
    set({ status: 'running', running: job, progress, error: null, noModel: false, refused: false, tookMs: null, loads: [], loadsMemory: job.memory });
    try {
      const result = await runGeneration({
        ...jobRequest(job),
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'preview') previewFeed.latents(event);
          else set((state) => ({ progress: state.progress && advanceJobProgress(state.progress, event, performance.now()) }));
          if (event.type === 'load') set((state) => ({ loads: [...state.loads, event] }));
        },
        onFrames: (event) => previewFeed.frames(event),
      });
      useEstimateStore.getState().record(job.location, result.measurement, result.machine);
      const video = result.video!;
      const { bytes, ...info } = video;
      const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: video.mimeType });
      const { saved, saveError } = await saveToHistory(video, job);
      const fileName = videoFileName(video.provenance, video.container);
      const previous = get().result;
      if (previous) URL.revokeObjectURL(previous.url);
      set({ status: 'done', tookMs: performance.now() - started, result: { url: URL.createObjectURL(blob), fileName, video: info, blob, saved, saveError } });
    } catch (error) {
      previewFeed.stop();
      const { status, error: message, outOfMemory } = failedJob(error);
      set({ status, error: message });
      const estimates = useEstimateStore.getState();
      const peak = outOfMemory ? outOfMemoryPeak(estimates.profiles, job) : null;
      if (peak !== null) estimates.recordOutOfMemory(job.location, peak);
    } finally {
      controller = null;
      set({ running: null, progress: null });
    }
  };

  return {
    status: 'idle',
    running: null,
    queue: [],
    progress: null,
    waitingForInstall: false,
    error: null,
    noModel: false,
    refused: false,
    result: null,
    tookMs: null,
    loads: [],
    loadsMemory: null,

    async generate() {
      // The button is off and says why; this covers the keyboard shortcut.
      if (currentSettingProblems().length > 0) return;
      const job = snapshot();
      if (typeof job === 'string') {
        if (!get().running) set({ status: 'failed', error: job, noModel: job === NO_MODEL_MESSAGE, refused: true });
        return;
      }
      set((state) => ({ queue: [...state.queue, job] }));
      await drain();
    },

    cancel() {
      controller?.abort();
    },

    unqueue(id) {
      set((state) => ({ queue: removeJob(state.queue, id) }));
    },

    move(id, delta) {
      set((state) => ({ queue: moveJob(state.queue, id, delta) }));
    },
  };
});

/** Says a refusal again as the settings and models change (the fix may be an install, or a choice in the Model menu), and clears it once it no longer holds. */
function recheckRefusal(): void {
  const update = refusalUpdate(useGenerationStore.getState(), refusal(useSettingsStore.getState(), modelsNow()));
  if (update) useGenerationStore.setState(update);
}
useSettingsStore.subscribe(recheckRefusal);
useModelsStore.subscribe(recheckRefusal);
