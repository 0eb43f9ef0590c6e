import { create } from 'zustand';
import type { RgbImage } from '../pipeline/image/index.ts';

/** A start image the user gave: the file as given, its pixels for the pipeline and a URL to show it. */
export interface StartImage {
  readonly name: string;
  readonly file: Blob;
  readonly rgb: RgbImage;
  readonly url: string;
}

interface StartImageState {
  readonly image: StartImage | null;
  readonly error: string | null;
  set(image: StartImage): void;
  fail(message: string): void;
  clear(): void;
}

/** The optional start image of the next generation (image-to-video). */
export const useStartImageStore = create<StartImageState>()((set, get) => {
  const replace = (image: StartImage | null) => {
    const previous = get().image;
    if (previous) URL.revokeObjectURL(previous.url);
    set({ image, error: null });
  };
  return {
    image: null,
    error: null,
    set: replace,
    fail: (message) => set({ error: message }),
    clear: () => replace(null),
  };
});
