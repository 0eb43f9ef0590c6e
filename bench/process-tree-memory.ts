import { readdirSync, readFileSync } from 'node:fs';

/** The kinds of chromium process we report. */
export type ChromiumProcess = 'browser' | 'renderer' | 'gpu' | 'other';

export type ProcessPeaks = Record<ChromiumProcess, number>;

const KINDS: ChromiumProcess[] = ['browser', 'renderer', 'gpu', 'other'];

interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly cmdline: string;
  readonly rssBytes: number;
}

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { pid, ppid, cmdline, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
  } catch {
    return null;
  }
}

function kindOf(cmdline: string): ChromiumProcess {
  const type = /--type=([a-z-]+)/.exec(cmdline)?.[1];
  if (!type) return 'browser';
  if (type === 'renderer') return 'renderer';
  if (type === 'gpu-process') return 'gpu';
  return 'other';
}

/**
 * Samples the resident memory of a chromium instance's whole process tree (the browser
 * process found by its --user-data-dir, and every descendant), summed per kind of process,
 * and keeps the peaks between marks.
 */
export class ProcessTreeMemory {
  private peaks: ProcessPeaks = { browser: 0, renderer: 0, gpu: 0, other: 0 };
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly userDataDir: string,
    intervalMs = 200,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** The peaks since the previous mark (or since the start); the next window starts now. */
  mark(): ProcessPeaks {
    this.sample();
    const peaks = this.peaks;
    this.peaks = { browser: 0, renderer: 0, gpu: 0, other: 0 };
    this.sample();
    return peaks;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    const all = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map((name) => readProc(Number(name)))
      .filter((info): info is ProcInfo => info !== null);
    const root = all.find((info) => kindOf(info.cmdline) === 'browser' && info.cmdline.includes(`--user-data-dir=${this.userDataDir}`));
    if (!root) return;
    const children = new Map<number, ProcInfo[]>();
    for (const info of all) children.set(info.ppid, [...(children.get(info.ppid) ?? []), info]);
    const now: ProcessPeaks = { browser: 0, renderer: 0, gpu: 0, other: 0 };
    const visit = (info: ProcInfo) => {
      now[kindOf(info.cmdline)] += info.rssBytes;
      for (const child of children.get(info.pid) ?? []) visit(child);
    };
    visit(root);
    for (const kind of KINDS) this.peaks[kind] = Math.max(this.peaks[kind], now[kind]);
  }
}
