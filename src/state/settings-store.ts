import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { GenerationSettings, SamplerName } from '../pipeline/generate/generation-settings.ts';
import type { VideoContainer } from '../video/video-format.ts';

/** The user's generation settings; they survive reloads. */
export interface Settings {
  /** Where the model bundle is served from (until models are installed in the browser). */
  readonly bundleUrl: string;
  readonly prompt: string;
  /** Empty: Wan's default negative prompt. */
  readonly negativePrompt: string;
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly steps: number;
  readonly guidance: number;
  readonly shift: number;
  readonly sampler: SamplerName;
  readonly seed: number;
  /** A new random seed for every generation. */
  readonly randomSeed: boolean;
  readonly fps: number;
  readonly container: VideoContainer;
}

interface SettingsActions {
  setPrompt(prompt: string): void;
  update(changes: Partial<Settings>): void;
  /** Takes the settings a video was made with (re-use from the history). */
  reuse(settings: GenerationSettings): void;
}

export const DEFAULT_SETTINGS: Settings = {
  bundleUrl: '',
  prompt: '',
  negativePrompt: '',
  width: 1280,
  height: 704,
  frames: 121,
  steps: 50,
  guidance: 5,
  shift: 5,
  sampler: 'unipc',
  seed: 42,
  randomSeed: false,
  fps: 24,
  container: 'mp4',
};

/** The settings of one generation, as the pipeline takes them. */
export function generationSettings(settings: Settings): GenerationSettings {
  const { prompt, negativePrompt, width, height, frames, steps, guidance, shift, sampler, seed } = settings;
  return { prompt, ...(negativePrompt.trim() ? { negativePrompt } : {}), width, height, frames, steps, guidance, shift, sampler, seed };
}

export const useSettingsStore = create<Settings & SettingsActions>()(
  persist(
    (set) => ({
      ...DEFAULT_SETTINGS,
      setPrompt: (prompt) => set({ prompt }),
      update: (changes) => set(changes),
      reuse: (settings) => set({ ...settings, negativePrompt: settings.negativePrompt ?? '', randomSeed: false }),
    }),
    {
      name: 'wan-web.settings',
      version: 2,
      storage: createJSONStorage(() => localStorage),
      partialize: (state) =>
        Object.fromEntries(Object.entries(state).filter(([key]) => key in DEFAULT_SETTINGS)) as Partial<Settings>,
      migrate: (persisted) => ({ ...DEFAULT_SETTINGS, ...(persisted as Partial<Settings>) }),
    },
  ),
);
