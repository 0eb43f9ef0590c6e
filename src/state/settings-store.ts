import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { FPS, WAN_DEFAULTS } from '../pipeline/generate/generation-settings.ts';
import type { GenerationSettings } from '../pipeline/generate/generation-settings.ts';
import type { VideoContainer } from '../video/video-format.ts';

/** The user's generation settings; they survive reloads. */
export interface Settings extends Omit<GenerationSettings, 'negativePrompt'> {
  /** Where the model bundle is served from (until models are installed in the browser). */
  readonly bundleUrl: string;
  /** Empty: Wan's default negative prompt. */
  readonly negativePrompt: string;
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
  ...WAN_DEFAULTS,
  prompt: '',
  negativePrompt: '',
  seed: 42,
  randomSeed: false,
  fps: FPS,
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
