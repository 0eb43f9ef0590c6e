import type { FramesEvent, PreviewEvent } from '../pipeline/generate/pipeline-events.ts';

/** Whoever draws the running job's picture (the preview canvas). */
export interface PreviewListener {
  /** A job started: a new picture at `fps`. */
  start(fps: number): void;
  latents(event: PreviewEvent): void;
  frames(event: FramesEvent): void;
  /** The job failed or was cancelled: stop drawing. */
  stop(): void;
}

const listeners = new Set<PreviewListener>();

/**
 * The running job's latent previews and decoded frames, passed on to the component that
 * draws them: pictures are large and short-lived, so they are events rather than store state.
 */
export const previewFeed: PreviewListener & { subscribe(listener: PreviewListener): () => void } = {
  subscribe(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  start: (fps) => listeners.forEach((listener) => listener.start(fps)),
  latents: (event) => listeners.forEach((listener) => listener.latents(event)),
  frames: (event) => listeners.forEach((listener) => listener.frames(event)),
  stop: () => listeners.forEach((listener) => listener.stop()),
};
