import { formatBytes } from '../../format-bytes.ts';

/** A one-line progress bar with rate and ETA on stderr (plain lines when stderr is not a TTY). */
export class ProgressBar {
  private readonly start = performance.now();
  private lastPrint = 0;

  constructor(
    readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly unit: 'bytes' | 'count' = 'bytes',
  ) {}

  update(done: number, total: number, detail = ''): void {
    const now = performance.now();
    if (now - this.lastPrint < (this.stream.isTTY ? 100 : 5000) && done < total) return;
    this.lastPrint = now;
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const seconds = (now - this.start) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 && done < total ? formatSeconds((total - done) / rate) : '–';
    const width = 30;
    const bar = '█'.repeat(Math.round(fraction * width)).padEnd(width, '░');
    const amounts = this.unit === 'bytes' ? `${formatBytes(done)}/${formatBytes(total)}  ${formatBytes(rate)}/s` : `${done}/${total}`;
    const line = `${this.label} ${bar} ${(fraction * 100).toFixed(1).padStart(5)}%  ${amounts}  ETA ${eta}  ${detail}`;
    if (this.stream.isTTY) this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
    else this.stream.write(`${line}\n`);
  }

  done(message: string): void {
    if (this.stream.isTTY) this.stream.write('\r\x1b[K');
    this.stream.write(`${message} (${formatSeconds((performance.now() - this.start) / 1000)})\n`);
  }
}

export function formatSeconds(seconds: number): string {
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${seconds.toFixed(1)}s`;
}
