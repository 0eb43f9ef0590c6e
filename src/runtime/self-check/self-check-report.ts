import type { OpCheckResult } from './compare-runners.ts';

/**
 * A way of setting up the WebGPU device for onnxruntime, tried in order until one passes.
 * `unfused-attention` is onnxruntime-node's fallback, whose device cannot be chosen (see NodeWebGpuRuntime).
 */
export type GpuConfigId = 'all-features' | 'no-subgroups' | 'unfused-attention';

export interface GpuConfigReport {
  readonly id: GpuConfigId;
  readonly description: string;
  /** Device features requested in this configuration. */
  readonly features: readonly string[];
  readonly results: readonly OpCheckResult[];
  readonly passed: boolean;
}

/** What the GPU self-check found, and which configuration the model sessions will use. */
export interface SelfCheckReport {
  readonly configs: readonly GpuConfigReport[];
  /** The first configuration whose every op matched the CPU reference; null if none did. */
  readonly chosen: GpuConfigId | null;
  readonly tolerance: number;
  /**
   * In the browser: what the verdict depends on (see remembered-check.ts) and when the op checks
   * ran; `remembered` where this page took an earlier page's verdict instead of running them.
   */
  readonly provenance?: { readonly fingerprint: string; readonly checkedAt: number; readonly remembered: boolean };
}

/** Progress of a running self-check. */
export interface SelfCheckProgress {
  readonly config: GpuConfigId | 'reference';
  readonly op: string;
  readonly done: number;
  readonly total: number;
}

export const GPU_CONFIGS: readonly { id: GpuConfigId; description: string; exclude: readonly 'subgroups'[] }[] = [
  {
    id: 'all-features',
    description: 'GPU device with every useful feature, subgroups included (fused flash attention)',
    exclude: [],
  },
  {
    id: 'no-subgroups',
    description: 'GPU device without subgroups (unfused attention, run in query chunks)',
    exclude: ['subgroups'],
  },
];
