import type { FramesEvent } from '../pipeline/generate/pipeline-events.ts';

/** How many decoded frames may wait to be shown; older ones are dropped beyond it. */
const MAX_QUEUED = 8;

/**
 * Shows decoded frames on a canvas as they arrive, one per frame interval, so a chunk of
 * frames plays instead of flashing by. Only a few frames are ever queued.
 */
export class FramePreview {
  private readonly queue: { frame: Uint8ClampedArray; width: number; height: number; index: number }[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private canvas: HTMLCanvasElement | null = null;
  /** Frames drawn so far in this generation. */
  shown = 0;

  constructor(
    private readonly fps: number,
    private readonly onShown: (shown: number, index: number) => void,
  ) {}

  attach(canvas: HTMLCanvasElement | null): void {
    this.canvas = canvas;
  }

  push(event: FramesEvent): void {
    event.frames.forEach((frame, i) => this.queue.push({ frame, width: event.width, height: event.height, index: event.firstFrame + i }));
    this.queue.splice(0, Math.max(0, this.queue.length - MAX_QUEUED));
    if (this.timer === null) this.drawNext();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }

  private drawNext(): void {
    const next = this.queue.shift();
    if (!next) {
      this.timer = null;
      return;
    }
    const context = this.canvas?.getContext('2d');
    if (this.canvas && context) {
      if (this.canvas.width !== next.width || this.canvas.height !== next.height) {
        this.canvas.width = next.width;
        this.canvas.height = next.height;
      }
      context.putImageData(new ImageData(next.frame as Uint8ClampedArray<ArrayBuffer>, next.width, next.height), 0, 0);
      this.shown++;
      this.onShown(this.shown, next.index);
    }
    this.timer = setTimeout(() => this.drawNext(), 1000 / this.fps);
  }
}
