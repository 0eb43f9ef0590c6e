import type { PipelineEvent } from '../../pipeline/generate/pipeline-events.ts';
import { formatSeconds } from './progress-bar.ts';

/**
 * How far into one video a pipeline event is, roughly: the denoising loop is most of the
 * time at any useful number of steps, the decoder the rest.
 */
function jobFraction(event: PipelineEvent): number | null {
  if (event.type !== 'progress') return null;
  const within = event.steps > 0 ? event.step / event.steps : 0;
  if (event.phase === 'denoising') return 0.05 + 0.85 * within;
  if (event.phase === 'decoding') return 0.9 + 0.1 * within;
  return null;
}

/**
 * The whole batch's progress on stderr: videos made, the current line and phase, and an ETA for
 * the rest of the batch from the time per video so far (one line rewritten on a TTY, a line
 * every 10 s otherwise), and a line per finished or failed video.
 */
export class BatchProgress {
  private readonly start = performance.now();
  private ended = 0;
  private fraction = 0;
  private current = '';
  private lastPrint = 0;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  jobStarted(line: number): void {
    this.fraction = 0;
    this.current = `line ${line}`;
    this.print(true);
  }

  event(line: number, event: PipelineEvent): void {
    if (event.type !== 'progress') return;
    this.fraction = jobFraction(event) ?? this.fraction;
    this.current = `line ${line} ${event.phase} ${event.step}/${event.steps}`;
    this.print(false);
  }

  /** A video was made or failed: says so on its own line. */
  jobEnded(message: string): void {
    this.ended++;
    this.fraction = 0;
    if (this.stream.isTTY) this.stream.write('\r\x1b[K');
    this.stream.write(`${message}\n`);
  }

  /** Seconds left for the whole batch, or null before anything was measured. */
  etaSeconds(): number | null {
    const done = this.ended + this.fraction;
    if (done <= 0) return null;
    const seconds = (performance.now() - this.start) / 1000;
    return (seconds / done) * Math.max(0, this.total - done);
  }

  private print(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastPrint < (this.stream.isTTY ? 100 : 10_000)) return;
    this.lastPrint = now;
    const eta = this.etaSeconds();
    const elapsed = formatSeconds((now - this.start) / 1000);
    const line = `batch ${Math.min(this.ended + 1, this.total)}/${this.total} · ${this.current} · elapsed ${elapsed} · ETA ${eta === null ? '–' : formatSeconds(eta)}`;
    if (this.stream.isTTY) this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
    else this.stream.write(`${line}\n`);
  }
}
