import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { RememberedGpuCheck } from '../runtime/self-check/index.ts';

interface GpuCheckMemoryState {
  /** The last GPU self-check that passed here (the worker decides whether it still holds). */
  readonly remembered: RememberedGpuCheck | null;
  keep(check: RememberedGpuCheck): void;
}

/** The page's memory of its GPU self-check, across reloads (see remembered-check.ts). */
export const useGpuCheckMemory = create<GpuCheckMemoryState>()(
  persist((set) => ({ remembered: null, keep: (check) => set({ remembered: check }) }), {
    name: 'wan-web.gpu-check',
    version: 1,
    storage: createJSONStorage(() => localStorage),
    partialize: (state) => ({ remembered: state.remembered }),
  }),
);
