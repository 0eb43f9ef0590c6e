import { create } from 'zustand';
import { GenerationCanceledError } from '../errors.ts';
import type { ProgressEvent } from '../pipeline/generate/pipeline-events.ts';
import { FramePreview } from '../video/frame-preview.ts';
import type { EncodedVideo } from '../video/video-format.ts';
import type { HistoryEntry } from '../video/video-history.ts';
import { runGeneration } from './generation-client.ts';
import { useHistoryStore } from './history-store.ts';
import { generationSettings, modelLocation, useSettingsStore } from './settings-store.ts';

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
  readonly status: GenerationStatus;
  readonly progress: ProgressEvent | null;
  readonly framesShown: number;
  /** The denoising step whose latent preview is on the canvas (0: none yet). */
  readonly previewStep: number;
  readonly error: string | null;
  readonly result: GeneratedVideo | null;
  readonly preview: FramePreview | null;
  /** How long the last finished generation took, start to saved file. */
  readonly tookMs: number | null;
  generate(): Promise<void>;
  cancel(): void;
}

let controller: AbortController | null = null;

/** One generation at a time: its progress, live preview and finished video. */
export const useGenerationStore = create<GenerationState>()((set, get) => ({
  status: 'idle',
  progress: null,
  framesShown: 0,
  previewStep: 0,
  error: null,
  result: null,
  preview: null,
  tookMs: null,

  async generate() {
    if (get().status === 'running') return;
    const settingsStore = useSettingsStore.getState();
    if (settingsStore.randomSeed) settingsStore.update({ seed: Math.floor(Math.random() * 2 ** 32) });
    const current = useSettingsStore.getState();
    const model = modelLocation(current);
    if (!model) {
      set({
        status: 'failed',
        error:
          current.modelSource === 'installed'
            ? 'No model is chosen: install one in the Models panel (or pick an installed one), then generate.'
            : 'Enter the URL of a model bundle (a folder with manifest.json) first.',
      });
      return;
    }
    get().preview?.stop();
    const preview = new FramePreview(
      current.fps,
      (framesShown) => set({ framesShown }),
      (previewStep) => get().previewStep !== previewStep && set({ previewStep }),
    );
    const previous = get().result;
    if (previous) URL.revokeObjectURL(previous.url);
    controller = new AbortController();
    const started = performance.now();
    set({ status: 'running', progress: null, framesShown: 0, previewStep: 0, error: null, result: null, preview, tookMs: null });
    try {
      const result = await runGeneration(
        model,
        generationSettings(current),
        null,
        {
          onEvent: (event) => (event.type === 'progress' ? set({ progress: event }) : preview.showLatents(event)),
          onFrames: (event) => preview.push(event),
          video: { container: current.container, fps: current.fps },
          preview: true,
        },
        controller.signal,
      );
      const video = result.video!;
      const { bytes, ...info } = video;
      const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: video.mimeType });
      let saved: HistoryEntry | null = null;
      let saveError: string | null = null;
      try {
        saved = await useHistoryStore.getState().add(video);
      } catch (error) {
        saveError = (error as Error).message;
      }
      const fileName = saved?.fileName ?? `wan-${video.provenance.settings.seed}.${video.container}`;
      set({ status: 'done', tookMs: performance.now() - started, result: { url: URL.createObjectURL(blob), fileName, video: info, blob, saved, saveError } });
    } catch (error) {
      preview.stop();
      if (error instanceof GenerationCanceledError) set({ status: 'canceled', error: null });
      else set({ status: 'failed', error: (error as Error).message });
    } finally {
      controller = null;
    }
  },

  cancel() {
    controller?.abort();
  },
}));
