import { execFile, spawnSync } from 'node:child_process';

/** `nvidia-smi --query-gpu=FIELDS` of the first GPU, or null where there is no nvidia-smi (or no NVIDIA GPU). */
export function nvidiaSmi(fields: readonly string[]): string[] | null {
  const result = spawnSync('nvidia-smi', [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'], { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0 || !result.stdout) return null;
  return result.stdout.trim().split('\n')[0]!.split(',').map((field) => field.trim());
}

/**
 * The peak of the GPU's used memory while it runs, sampled by nvidia-smi every 200 ms (the
 * native WebGPU EP does not report its buffers). Includes other processes' memory: the bench
 * reports the peak less the memory used before it started.
 */
export class GpuMemoryPeak {
  private peakMiB = 0;
  private readonly baseMiB: number | null;
  private readonly timer: NodeJS.Timeout | null;

  constructor() {
    const used = nvidiaSmi(['memory.used']);
    this.baseMiB = used ? Number(used[0]) : null;
    this.timer = this.baseMiB === null ? null : setInterval(() => this.sample(), 200);
    this.timer?.unref();
  }

  /** Bytes above the starting point at the peak so far, or why it cannot be known. */
  peak(): number | string {
    if (this.baseMiB === null) return 'n/a: no nvidia-smi (the native WebGPU EP does not report its buffers)';
    return (this.peakMiB - this.baseMiB) * 2 ** 20;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Asynchronous, so that sampling does not hold up the runs it measures. */
  private sample(): void {
    execFile('nvidia-smi', ['--query-gpu=memory.used', '--format=csv,noheader,nounits'], { timeout: 10_000 }, (error, stdout) => {
      const used = Number(String(stdout).trim().split('\n')[0]);
      if (!error && Number.isFinite(used)) this.peakMiB = Math.max(this.peakMiB, used);
    });
  }
}
