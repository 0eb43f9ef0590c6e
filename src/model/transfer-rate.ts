/** Bytes done of a total, with the rate over the last few seconds and the time left at that rate. */
export interface TransferProgress {
  readonly doneBytes: number;
  readonly totalBytes: number;
  readonly bytesPerSecond: number | null;
  readonly etaSeconds: number | null;
}

const WINDOW_MS = 5000;

/** Measures a transfer's rate over a sliding window (resumed bytes do not count as speed). */
export class TransferRate {
  private readonly samples: { at: number; done: number }[] = [];

  constructor(
    private done: number,
    private readonly total: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.samples.push({ at: now(), done });
  }

  add(delta: number): void {
    this.done += delta;
    const at = this.now();
    this.samples.push({ at, done: this.done });
    while (this.samples.length > 2 && at - this.samples[1]!.at > WINDOW_MS) this.samples.shift();
  }

  progress(): TransferProgress {
    const first = this.samples[0]!;
    const last = this.samples.at(-1)!;
    const seconds = (last.at - first.at) / 1000;
    const rate = seconds > 0.25 && last.done > first.done ? (last.done - first.done) / seconds : null;
    return {
      doneBytes: this.done,
      totalBytes: this.total,
      bytesPerSecond: rate,
      etaSeconds: rate ? Math.max(0, this.total - this.done) / rate : null,
    };
  }
}
