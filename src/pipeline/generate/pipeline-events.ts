import type { PreviewSource } from '../preview/latent-preview.ts';

/** What the pipeline is doing. */
export type PipelinePhase = 'loading' | 'encoding-text' | 'encoding-image' | 'preparing-preview' | 'denoising' | 'decoding';

/** Progress within a phase: step i of n (denoising steps, decoded chunks), with time spent and the phase's ETA. */
export interface ProgressEvent {
  readonly type: 'progress';
  readonly phase: PipelinePhase;
  readonly step: number;
  readonly steps: number;
  readonly elapsedMs: number;
  readonly etaMs: number | null;
  /** In the loading phase: which graph is being loaded. */
  readonly graph?: string;
}

/** A graph's session was created (its weights are on the GPU): how long it took. */
export interface LoadEvent {
  readonly type: 'load';
  readonly graph: string;
  readonly ms: number;
}

/**
 * A cheap look at the picture forming: after each denoising step, the step's estimate of
 * the clean latents as one small RGBA image per latent frame (each stands for 4 video
 * frames), decoded by the tiny decoder when the model has one, else through a linear
 * latent → RGB map. Only sent when asked for.
 */
export interface PreviewEvent {
  readonly type: 'preview';
  readonly step: number;
  readonly steps: number;
  readonly width: number;
  readonly height: number;
  /** Video pixels per image pixel (the images are drawn scaled up by it). */
  readonly pixelScale: number;
  readonly source: PreviewSource;
  readonly frames: readonly Uint8ClampedArray[];
}

/** Frames as soon as a latent frame is decoded: RGBA, `frames.length` of them from `firstFrame` on. */
export interface FramesEvent {
  readonly type: 'frames';
  readonly chunk: number;
  readonly chunks: number;
  readonly firstFrame: number;
  readonly width: number;
  readonly height: number;
  readonly frames: readonly Uint8ClampedArray[];
}

export type PipelineEvent = ProgressEvent | PreviewEvent | LoadEvent;

/** Times a phase's steps and estimates the rest from their mean. */
export class PhaseClock {
  private readonly start = performance.now();
  constructor(
    readonly phase: PipelinePhase,
    readonly steps: number,
  ) {}

  /** Step `done` of `steps` (the phase's own count, unless it is only known once the phase runs). */
  progress(done: number, steps = this.steps): ProgressEvent {
    const elapsedMs = performance.now() - this.start;
    const etaMs = done > 0 ? (elapsedMs / done) * (steps - done) : null;
    return { type: 'progress', phase: this.phase, step: done, steps, elapsedMs, etaMs };
  }

  /** Reports each step of work counted as it runs (see VaeEncoder.encodeVideo's `onRun`). */
  reporter(emit: (event: ProgressEvent) => void): StepReporter {
    return (done, steps) => emit(this.progress(done, steps));
  }
}

/** Told after each unit of a long step: `done` of `total`. */
export type StepReporter = (done: number, total: number) => void;
