import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { onboardingStep } from './first-run.ts';
import type { OnboardingStep } from './first-run.ts';
import { isSelfTestVideo } from './first-run.ts';
import { useGenerationStore } from './generation-store.ts';
import { useHistoryStore } from './history-store.ts';
import { useModelsStore } from './models-store.ts';

interface OnboardingState {
  /** The guide was closed; it stays closed across reloads. */
  readonly dismissed: boolean;
  dismiss(): void;
}

export const useOnboardingStore = create<OnboardingState>()(
  persist((set) => ({ dismissed: false, dismiss: () => set({ dismissed: true }) }), {
    name: 'wan-web.onboarding',
    version: 1,
    storage: createJSONStorage(() => localStorage),
    partialize: (state) => ({ dismissed: state.dismissed }),
  }),
);

/** The first-run guide's step now, or null (models not read yet, a real model installed, or the guide closed). */
export function useOnboardingStep(): OnboardingStep | null {
  const { loaded, installed } = useModelsStore();
  const dismissed = useOnboardingStore((state) => state.dismissed);
  const madeNow = useGenerationStore((state) => state.result !== null && isSelfTestVideo(state.result.video.provenance.model));
  const madeBefore = useHistoryStore((state) => state.entries.some((entry) => isSelfTestVideo(entry.provenance.model)));
  return loaded ? onboardingStep(installed, madeNow || madeBefore, dismissed) : null;
}
