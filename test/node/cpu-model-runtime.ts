import * as ort from 'onnxruntime-node';
import type { BundleAccess } from '../../src/pipeline/bundle-access.ts';
import type { ModelRuntime } from '../../src/runtime/model-host-parts.ts';
import { SELF_CHECK_TOLERANCE } from '../../src/runtime/self-check/index.ts';
import type { SelfCheckReport } from '../../src/runtime/self-check/index.ts';

/**
 * A model host's runtime on onnxruntime-node's CPU EP, standing in for the browser's GPU
 * (which Node does not have): its "device" can be lost like a WebGPU device, after which
 * every session on it fails.
 */
export class CpuModelRuntime implements ModelRuntime {
  readonly flavor = 'onnxruntime-node';
  private lost: string | null = null;
  /** Whether the host let go of this runtime (it does after a loss). */
  disposed = false;

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  lossReason(): Promise<string | null> {
    return Promise.resolve(this.lost);
  }

  async selfCheck(): Promise<SelfCheckReport> {
    return { configs: [], chosen: 'all-features', tolerance: SELF_CHECK_TOLERANCE };
  }

  pipelineOptions() {
    return { ort, tensorsOnDevice: false };
  }

  async releaseFreedBuffers(): Promise<void> {}

  gpuMemory() {
    return null;
  }

  takeMemoryWindow() {
    return null;
  }

  machine() {
    return { adapter: 'onnxruntime-node CPU', bufferLimitBytes: 2 ** 31 };
  }

  /** The platform takes the device away (a driver reset): sessions on it fail from now on. */
  lose(reason: string): void {
    this.lost = reason;
  }

  /** `bundle` with its sessions on this runtime's device. */
  sessionsOf(bundle: BundleAccess): BundleAccess {
    const alive = () => {
      if (this.lost !== null) throw new Error(`Device was lost: ${this.lost}`);
    };
    return {
      ...bundle,
      async createSession(graph, options, rewrite) {
        alive();
        const session = await bundle.createSession(graph, options, rewrite);
        return {
          run: async (feeds) => {
            alive();
            return session.run(feeds);
          },
          release: () => session.release(),
        };
      },
    };
  }
}
