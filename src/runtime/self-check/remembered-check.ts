import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { OpCheck } from './op-check-graphs.ts';
import { GPU_CONFIGS } from './self-check-report.ts';
import type { SelfCheckReport } from './self-check-report.ts';

/**
 * A passed GPU self-check as the page keeps it. A later page load on the same GPU, browser and
 * onnxruntime build, with the same op checks, takes its verdict instead of compiling and running
 * every check again (about 13 s on a software GPU). It is forgotten after
 * {@link REMEMBER_CHECK_MS}, and "Check again" runs the checks at once.
 */
export interface RememberedGpuCheck {
  readonly fingerprint: string;
  /** When the checks ran (ms since the epoch). */
  readonly checkedAt: number;
  readonly report: SelfCheckReport;
}

/** A driver update does not always show in what WebGPU tells of the adapter, so a verdict is not kept for long. */
export const REMEMBER_CHECK_MS = 7 * 24 * 60 * 60 * 1000;

/** What a self-check's verdict depends on. */
export interface GpuCheckIdentity {
  readonly adapter: Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'>;
  /** The browser and its version (its WebGPU implementation and shader compiler come with it). */
  readonly userAgent: string;
  readonly ortVersion: string;
  readonly ortFlavor: string;
  readonly checks: readonly OpCheck[];
  readonly tolerance: number;
}

/** One string for everything the verdict depends on; the op checks enter as a hash of their graphs and inputs. */
export function gpuCheckFingerprint({ adapter, userAgent, ortVersion, ortFlavor, checks, tolerance }: GpuCheckIdentity): string {
  const hash = sha256.create();
  const text = new TextEncoder();
  for (const check of checks) {
    hash.update(text.encode(`${check.id}\n${check.output}\n`));
    hash.update(check.model);
    for (const [name, { data, dims }] of Object.entries(check.feeds)) {
      hash.update(text.encode(`${name}[${dims.join(',')}]\n`));
      hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
  }
  const { vendor, architecture, device, description } = adapter;
  return JSON.stringify({
    adapter: { vendor, architecture, device, description },
    userAgent,
    ortVersion,
    ortFlavor,
    configs: GPU_CONFIGS.map((config) => [config.id, ...config.exclude]),
    tolerance,
    checks: bytesToHex(hash.digest()),
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * The remembered check to use now, or null. `record` comes from the page's storage, so it is
 * checked: a passed verdict for exactly this fingerprint, made in the last {@link REMEMBER_CHECK_MS}.
 */
export function usableRememberedCheck(record: unknown, fingerprint: string, now: number): RememberedGpuCheck | null {
  if (!isRecord(record) || record.fingerprint !== fingerprint) return null;
  const { checkedAt, report } = record;
  if (typeof checkedAt !== 'number' || !(now - checkedAt >= 0 && now - checkedAt < REMEMBER_CHECK_MS)) return null;
  if (!isRecord(report) || !Array.isArray(report.configs) || typeof report.tolerance !== 'number') return null;
  if (!GPU_CONFIGS.some((config) => config.id === report.chosen)) return null;
  return { fingerprint, checkedAt, report: report as unknown as SelfCheckReport };
}

/** What the page keeps of a finished check: a verdict that passed, run now (not one itself remembered); else null. */
export function checkToRemember(report: SelfCheckReport): RememberedGpuCheck | null {
  const { provenance, ...verdict } = report;
  if (!provenance || provenance.remembered || report.chosen === null) return null;
  return { fingerprint: provenance.fingerprint, checkedAt: provenance.checkedAt, report: verdict };
}
