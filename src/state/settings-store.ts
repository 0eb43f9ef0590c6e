import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

/** The user's generation settings; they survive reloads. */
export interface Settings {
  readonly prompt: string;
}

interface SettingsActions {
  setPrompt(prompt: string): void;
}

/** Which settings persist across reloads, declared per key. */
const PERSISTED: Record<keyof Settings, boolean> = {
  prompt: true,
};

export const useSettingsStore = create<Settings & SettingsActions>()(
  persist(
    (set) => ({
      prompt: '',
      setPrompt: (prompt) => set({ prompt }),
    }),
    {
      name: 'wan-web.settings',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (state) =>
        Object.fromEntries(Object.entries(state).filter(([key]) => PERSISTED[key as keyof Settings])) as Partial<Settings>,
    },
  ),
);
