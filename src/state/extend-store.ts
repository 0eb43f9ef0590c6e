import { create } from 'zustand';
import { useStartImageStore } from './start-image-store.ts';
import type { StartImage } from './start-image-store.ts';

/** A finished video that Generate continues: its file, and what the studio says about it. */
export interface ExtendTarget {
  readonly file: Blob;
  readonly name: string;
  readonly segments: number;
  readonly frames: number;
  /** The last frame came from the file's metadata exactly as decoded (else from decoding the video). */
  readonly lossless: boolean;
  /** Its last frame, made the studio's start image: extending holds while that is the start image. */
  readonly image: StartImage;
}

/** The video a queued job continues, as the job carries it to the worker. */
export interface JobExtension {
  readonly file: Blob;
  readonly name: string;
}

interface ExtendState {
  readonly target: ExtendTarget | null;
  set(target: ExtendTarget): void;
  clear(): void;
}

/** Which video the next Generate extends, if any (chosen with Extend on a history entry or the current video). */
export const useExtendStore = create<ExtendState>()((set) => ({
  target: null,
  set: (target) => set({ target }),
  clear: () => set({ target: null }),
}));

/** The extension the next job makes: none once another start image replaced the video's last frame. */
export function currentExtension(): JobExtension | null {
  const { target } = useExtendStore.getState();
  if (!target || useStartImageStore.getState().image !== target.image) return null;
  return { file: target.file, name: target.name };
}

// A new start image (or none) ends the extension.
useStartImageStore.subscribe((state) => {
  const { target } = useExtendStore.getState();
  if (target && state.image !== target.image) useExtendStore.getState().clear();
});
