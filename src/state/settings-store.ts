import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { FPS, WAN_DEFAULTS } from '../pipeline/generate/generation-settings.ts';
import type { GenerationSettings } from '../pipeline/generate/generation-settings.ts';
import type { VideoContainer, VideoOutputOptions } from '../video/video-format.ts';
import { DEFAULT_MEMORY_MODE } from '../pipeline/generate/memory-mode.ts';
import type { MemoryMode } from '../pipeline/generate/memory-mode.ts';
import type { DecoderChoice } from '../bundle/tiny-vae-names.ts';
import { bundleAtUrl, installedModel } from '../model/model-location.ts';
import { modelDefaults } from '../model/model-defaults.ts';
import type { InstalledModel } from '../model/model-store.ts';
import type { ModelLocation } from '../model/model-location.ts';

/** The user's generation settings; they survive reloads. */
export interface Settings extends Omit<GenerationSettings, 'negativePrompt'> {
  /** Generate with a model installed in this browser, or read a bundle straight from a URL. */
  readonly modelSource: 'installed' | 'url';
  readonly installedModelId: string;
  /** A bundle served from a static host (a folder with manifest.json), used without installing it. */
  readonly bundleUrl: string;
  /** Empty: Wan's default negative prompt. */
  readonly negativePrompt: string;
  /** A new random seed for every generation. */
  readonly randomSeed: boolean;
  readonly fps: number;
  readonly container: VideoContainer;
  /** Which models stay on the GPU between phases and generations. */
  readonly memoryMode: MemoryMode;
  /** Which decoder makes the video (the tiny one where the model has it). */
  readonly decoder: DecoderChoice;
}

interface SettingsActions {
  setPrompt(prompt: string): void;
  update(changes: Partial<Settings>): void;
  /** Takes every setting a video was made with, frame rate and container included (re-use from the history, a dropped video, a share link). */
  reuse(settings: GenerationSettings, output: VideoOutputOptions): void;
  /** Generates with an installed model from now on, with the settings it is meant for (see modelDefaults). */
  chooseModel(model: InstalledModel): void;
}

export const DEFAULT_SETTINGS: Settings = {
  modelSource: 'installed',
  installedModelId: '',
  bundleUrl: '',
  ...WAN_DEFAULTS,
  prompt: '',
  negativePrompt: '',
  seed: 42,
  randomSeed: false,
  fps: FPS,
  container: 'mp4',
  memoryMode: DEFAULT_MEMORY_MODE,
  decoder: 'full',
};

/** The settings of one generation, as the pipeline takes them. */
export function generationSettings(settings: Settings): GenerationSettings {
  const { prompt, negativePrompt, width, height, frames, steps, guidance, shift, sampler, seed } = settings;
  return { prompt, ...(negativePrompt.trim() ? { negativePrompt } : {}), width, height, frames, steps, guidance, shift, sampler, seed };
}

/** The settings that say which model is chosen. */
export type ModelChoice = Pick<Settings, 'modelSource' | 'installedModelId' | 'bundleUrl'>;

/** Where the chosen model is, as the worker takes it; null when none is chosen. */
export function modelLocation(settings: ModelChoice): ModelLocation | null {
  if (settings.modelSource === 'installed') return settings.installedModelId ? installedModel(settings.installedModelId) : null;
  const url = settings.bundleUrl.trim();
  return url ? bundleAtUrl(new URL(url, location.href).href) : null;
}

/**
 * Settings stored by an earlier version. Before version 4 an empty bundle URL was the default
 * choice of model, which nobody chose: it becomes "no model chosen" (an installed one to pick).
 */
export function migrateSettings(persisted: Partial<Settings>): Settings {
  const settings = { ...DEFAULT_SETTINGS, ...persisted };
  return settings.modelSource === 'url' && !settings.bundleUrl.trim() ? { ...settings, modelSource: 'installed' } : settings;
}

export const useSettingsStore = create<Settings & SettingsActions>()(
  persist(
    (set) => ({
      ...DEFAULT_SETTINGS,
      setPrompt: (prompt) => set({ prompt }),
      update: (changes) => set(changes),
      reuse: (settings, output) => set({ ...settings, negativePrompt: settings.negativePrompt ?? '', randomSeed: false, fps: output.fps, container: output.container }),
      chooseModel: (model) => set({ modelSource: 'installed', installedModelId: model.id, ...modelDefaults(model) }),
    }),
    {
      name: 'wan-web.settings',
      version: 4,
      storage: createJSONStorage(() => localStorage),
      partialize: (state) =>
        Object.fromEntries(Object.entries(state).filter(([key]) => key in DEFAULT_SETTINGS)) as Partial<Settings>,
      migrate: (persisted) => migrateSettings(persisted as Partial<Settings>),
    },
  ),
);
