import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

/** Follow the system's light or dark setting, or keep one of them. */
export type ThemeChoice = 'system' | 'light' | 'dark';

export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

interface ThemeState {
  readonly theme: ThemeChoice;
  setTheme(theme: ThemeChoice): void;
}

/** The page's colour theme; it survives reloads. */
export const useThemeStore = create<ThemeState>()(
  persist(
    (set) => ({
      theme: 'system',
      setTheme: (theme) => set({ theme }),
    }),
    {
      name: 'wan-web.theme',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (state) => ({ theme: state.theme }),
    },
  ),
);
