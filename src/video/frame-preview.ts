import type { FramesEvent, PreviewEvent } from '../pipeline/generate/pipeline-events.ts';

/** How many decoded frames may wait to be shown; older ones are dropped beyond it. */
const MAX_QUEUED = 8;
/** Video frames per latent frame (after the first). */
const FRAMES_PER_LATENT = 4;

/**
 * Shows the video forming on a canvas: while denoising, the preview of the last step (tiny
 * decoder or latent map), looping over its latent frames and scaled up to the video's size; then decoded
 * frames as they arrive, one per frame interval, so a chunk plays instead of flashing by.
 * Only a few frames are ever queued.
 */
export class FramePreview {
  private readonly queue: { frame: Uint8ClampedArray; width: number; height: number; index: number }[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private canvas: HTMLCanvasElement | null = null;
  private latents: { event: PreviewEvent; next: number; scratch: HTMLCanvasElement } | null = null;
  private latentTimer: ReturnType<typeof setTimeout> | null = null;
  /** Frames drawn so far in this generation. */
  shown = 0;

  constructor(
    private readonly fps: number,
    private readonly onShown: (shown: number, index: number) => void,
    private readonly onLatentShown: (step: number, source: PreviewEvent['source']) => void = () => undefined,
  ) {}

  attach(canvas: HTMLCanvasElement | null): void {
    this.canvas = canvas;
  }

  /** Shows a denoising step's latent preview until decoded frames arrive. */
  showLatents(event: PreviewEvent): void {
    if (this.shown > 0) return;
    const scratch = this.latents?.scratch ?? document.createElement('canvas');
    this.latents = { event, next: 0, scratch };
    if (this.latentTimer === null) this.drawLatent();
  }

  push(event: FramesEvent): void {
    this.stopLatents();
    event.frames.forEach((frame, i) => this.queue.push({ frame, width: event.width, height: event.height, index: event.firstFrame + i }));
    this.queue.splice(0, Math.max(0, this.queue.length - MAX_QUEUED));
    if (this.timer === null) this.drawNext();
  }

  stop(): void {
    this.stopLatents();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }

  private stopLatents(): void {
    if (this.latentTimer !== null) clearTimeout(this.latentTimer);
    this.latentTimer = null;
    this.latents = null;
  }

  private drawLatent(): void {
    const latents = this.latents;
    const context = this.canvas?.getContext('2d');
    if (!latents || !this.canvas || !context) {
      this.latentTimer = null;
      return;
    }
    const { event, scratch } = latents;
    scratch.width = event.width;
    scratch.height = event.height;
    const frame = event.frames[latents.next % event.frames.length]!;
    scratch.getContext('2d')?.putImageData(new ImageData(frame as Uint8ClampedArray<ArrayBuffer>, event.width, event.height), 0, 0);
    this.resize(event.width * event.pixelScale, event.height * event.pixelScale);
    context.imageSmoothingEnabled = true;
    context.drawImage(scratch, 0, 0, this.canvas.width, this.canvas.height);
    latents.next++;
    this.onLatentShown(event.step, event.source);
    this.latentTimer = setTimeout(() => this.drawLatent(), (1000 * FRAMES_PER_LATENT) / this.fps);
  }

  private resize(width: number, height: number): void {
    if (this.canvas && (this.canvas.width !== width || this.canvas.height !== height)) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
  }

  private drawNext(): void {
    const next = this.queue.shift();
    if (!next) {
      this.timer = null;
      return;
    }
    const context = this.canvas?.getContext('2d');
    if (this.canvas && context) {
      this.resize(next.width, next.height);
      context.putImageData(new ImageData(next.frame as Uint8ClampedArray<ArrayBuffer>, next.width, next.height), 0, 0);
      this.shown++;
      this.onShown(this.shown, next.index);
    }
    this.timer = setTimeout(() => this.drawNext(), 1000 / this.fps);
  }
}
