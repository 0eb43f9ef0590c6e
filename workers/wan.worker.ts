/// <reference lib="webworker" />
import { expose } from 'comlink';
import { probeCapabilities } from '../src/runtime/capabilities.ts';
import { installErrorTransfer } from '../src/runtime/comlink-errors.ts';
import { GpuRuntime } from '../src/runtime/gpu-runtime.ts';
import type { SelfCheckProgress } from '../src/runtime/self-check/index.ts';

installErrorTransfer();

let runtime: Promise<GpuRuntime> | undefined;
const gpuRuntime = () => (runtime ??= GpuRuntime.load(navigator.gpu));

/** Everything the page can ask of the worker; all model work happens here. */
const api = {
  probeCapabilities: () => probeCapabilities(),

  async selfCheck(onProgress?: (progress: SelfCheckProgress) => void) {
    const gpu = await gpuRuntime();
    const report = await gpu.selfCheck(onProgress);
    return { report, ortFlavor: gpu.flavor };
  },
};

export type WanWorkerApi = typeof api;

expose(api);
