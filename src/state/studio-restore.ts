import { create } from 'zustand';
import type { GenerationSettings } from '../pipeline/generate/generation-settings.ts';
import type { VideoOutputOptions } from '../video/video-format.ts';
import { useGenerationStore } from './generation-store.ts';
import { useSettingsStore } from './settings-store.ts';
import { useStartImageStore } from './start-image-store.ts';

/** What the last restore (Re-use, a dropped video, a share link) did, or why it could not. */
export interface RestoreNotice {
  readonly kind: 'done' | 'failed';
  readonly text: string;
}

interface StudioRestoreState {
  readonly notice: RestoreNotice | null;
  /** Puts every setting of a video into the studio and clears the errors about the settings that were there. */
  restore(settings: GenerationSettings, output: VideoOutputOptions): void;
  tell(notice: RestoreNotice | null): void;
}

/** Settings brought back from elsewhere into the studio, and what the page says about it. */
export const useStudioRestore = create<StudioRestoreState>()((set) => ({
  notice: null,
  restore(settings, output) {
    useSettingsStore.getState().reuse(settings, output);
    useGenerationStore.setState((state) => (state.status === 'failed' ? { status: 'idle', error: null, noModel: false } : {}));
    useStartImageStore.setState({ error: null });
  },
  tell: (notice) => set({ notice }),
}));
