import { create } from 'zustand';
import { GenerationCanceledError, WanError } from '../errors.ts';
import type { GenerationSettings } from '../pipeline/generate/generation-settings.ts';
import type { LoadEvent, ProgressEvent } from '../pipeline/generate/pipeline-events.ts';
import type { MemoryMode } from '../pipeline/generate/memory-mode.ts';
import type { ModelLocation } from '../model/model-location.ts';
import { FramePreview } from '../video/frame-preview.ts';
import type { EncodedVideo, VideoOutputOptions } from '../video/video-format.ts';
import type { HistoryEntry } from '../video/video-history.ts';
import { runGeneration } from './generation-client.ts';
import { useHistoryStore } from './history-store.ts';
import { estimateFor, useEstimateStore } from './estimate-store.ts';
import { generationSettings, modelLocation, useSettingsStore } from './settings-store.ts';
import { useStartImageStore } from './start-image-store.ts';
import { estimateQuery } from '../pipeline/estimate/generation-estimate.ts';
import type { StartImage } from './start-image-store.ts';

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

/** One generation as it was asked for: the settings, model and start image at that moment. */
export interface QueuedJob {
  readonly id: number;
  readonly model: ModelLocation;
  readonly settings: GenerationSettings;
  readonly image: StartImage | null;
  readonly output: VideoOutputOptions;
  readonly memory: MemoryMode;
}

interface GenerationState {
  /** The running (or last) job's outcome. */
  readonly status: GenerationStatus;
  readonly running: QueuedJob | null;
  /** Jobs waiting their turn, first to run first. */
  readonly queue: readonly QueuedJob[];
  readonly progress: ProgressEvent | null;
  readonly framesShown: number;
  /** The denoising step whose latent preview is on the canvas (0: none yet). */
  readonly previewStep: number;
  readonly error: string | null;
  readonly result: GeneratedVideo | null;
  readonly preview: FramePreview | null;
  /** How long the last finished generation took, start to saved file. */
  readonly tookMs: number | null;
  /** The models the running (or last) job loaded, and how long each took. */
  readonly loads: readonly LoadEvent[];
  /** The memory mode of the running (or last) job. */
  readonly loadsMemory: MemoryMode | null;
  /** Queues a job from the current settings (a new seed first, when random); it starts at once if nothing runs. */
  generate(): Promise<void>;
  /** Stops the running job; the queue goes on. */
  cancel(): void;
  unqueue(id: number): void;
  /** Moves a waiting job earlier (-1) or later (+1). */
  move(id: number, delta: -1 | 1): void;
}

let controller: AbortController | null = null;
let nextJob = 0;

/** The current settings as a job, or why there can be none. */
function snapshot(): QueuedJob | string {
  const settingsStore = useSettingsStore.getState();
  if (settingsStore.randomSeed) settingsStore.update({ seed: Math.floor(Math.random() * 2 ** 32) });
  const current = useSettingsStore.getState();
  const model = modelLocation(current);
  if (!model) {
    return current.modelSource === 'installed'
      ? 'No model is chosen: install one in the Models panel (or pick an installed one), then generate.'
      : 'Enter the URL of a model bundle (a folder with manifest.json) first.';
  }
  return {
    id: ++nextJob,
    model,
    settings: generationSettings(current),
    image: useStartImageStore.getState().image,
    output: { container: current.container, fps: current.fps },
    memory: current.memoryMode,
  };
}

/** Settings like this job's will be estimated not to fit from now on. */
function rememberOutOfMemory(job: QueuedJob): void {
  const estimates = useEstimateStore.getState();
  const peak = estimateFor(estimates.profiles, job.model, estimateQuery(job.settings, job.image?.rgb ?? null))?.peakBytes;
  if (peak != null) estimates.recordOutOfMemory(job.model, peak);
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

  const run = async (job: QueuedJob) => {
    get().preview?.stop();
    const preview = new FramePreview(
      job.output.fps,
      (framesShown) => set({ framesShown }),
      (previewStep) => get().previewStep !== previewStep && set({ previewStep }),
    );
    const previous = get().result;
    if (previous) URL.revokeObjectURL(previous.url);
    controller = new AbortController();
    const started = performance.now();
    set({ status: 'running', running: job, progress: null, framesShown: 0, previewStep: 0, error: null, result: null, preview, tookMs: null, loads: [], loadsMemory: job.memory });
    try {
      const result = await runGeneration(
        job.model,
        job.settings,
        job.image?.rgb ?? null,
        {
          onEvent: (event) => {
            if (event.type === 'progress') set({ progress: event });
            else if (event.type === 'load') set((state) => ({ loads: [...state.loads, event] }));
            else preview.showLatents(event);
          },
          onFrames: (event) => preview.push(event),
          video: job.output,
          preview: true,
          memory: job.memory,
        },
        controller.signal,
      );
      useEstimateStore.getState().record(job.model, result.measurement, result.machine);
      const video = result.video!;
      const { bytes, ...info } = video;
      const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: video.mimeType });
      let saved: HistoryEntry | null = null;
      let saveError: string | null = null;
      try {
        saved = await useHistoryStore.getState().add(video, job.image);
      } catch (error) {
        saveError = (error as Error).message;
      }
      const fileName = saved?.fileName ?? `wan-${video.provenance.settings.seed}.${video.container}`;
      set({ status: 'done', tookMs: performance.now() - started, result: { url: URL.createObjectURL(blob), fileName, video: info, blob, saved, saveError } });
    } catch (error) {
      preview.stop();
      if (error instanceof GenerationCanceledError) set({ status: 'canceled', error: null });
      else set({ status: 'failed', error: (error as Error).message });
      if (error instanceof WanError && error.code === 'gpu-out-of-memory') rememberOutOfMemory(job);
    } finally {
      controller = null;
      set({ running: null });
    }
  };

  return {
    status: 'idle',
    running: null,
    queue: [],
    progress: null,
    framesShown: 0,
    previewStep: 0,
    error: null,
    result: null,
    preview: null,
    tookMs: null,
    loads: [],
    loadsMemory: null,

    async generate() {
      const job = snapshot();
      if (typeof job === 'string') {
        if (!get().running) set({ status: 'failed', error: job });
        return;
      }
      set((state) => ({ queue: [...state.queue, job] }));
      await drain();
    },

    cancel() {
      controller?.abort();
    },

    unqueue(id) {
      set((state) => ({ queue: state.queue.filter((job) => job.id !== id) }));
    },

    move(id, delta) {
      const queue = [...get().queue];
      const from = queue.findIndex((job) => job.id === id);
      const to = from + delta;
      if (from < 0 || to < 0 || to >= queue.length) return;
      [queue[from], queue[to]] = [queue[to]!, queue[from]!];
      set({ queue });
    },
  };
});
