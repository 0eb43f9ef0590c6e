import { create } from 'zustand';
import type { Capabilities } from '../runtime/capabilities.ts';
import type { SelfCheckProgress, SelfCheckReport } from '../runtime/self-check/index.ts';
import { checkToRemember } from '../runtime/self-check/index.ts';
import { useGpuCheckMemory } from './gpu-check-memory-store.ts';
import { proxy, wanWorker } from './worker-client.ts';
import type { WanWorker } from './worker-client.ts';
import { userMessage } from '../user-message.ts';

export type CheckStatus = 'idle' | 'running' | 'done' | 'failed';

/** What the app knows about this browser and GPU. */
export interface SystemState {
  readonly probeStatus: CheckStatus;
  readonly capabilities: Capabilities | null;
  readonly probeError: string | null;
  readonly selfCheckStatus: CheckStatus;
  readonly selfCheckProgress: SelfCheckProgress | null;
  readonly selfCheck: SelfCheckReport | null;
  readonly selfCheckError: string | null;
  readonly ortFlavor: string | null;
}

const initialState: SystemState = {
  probeStatus: 'idle',
  capabilities: null,
  probeError: null,
  selfCheckStatus: 'idle',
  selfCheckProgress: null,
  selfCheck: null,
  selfCheckError: null,
  ortFlavor: null,
};

export const useSystemStore = create<SystemState>(() => initialState);


/**
 * Probes the browser in the worker, then runs the GPU self-check there when WebGPU is
 * available. The page stays interactive: all of it runs off the main thread.
 */
export async function runSystemCheck(worker: WanWorker = wanWorker()): Promise<void> {
  const set = useSystemStore.setState;
  set({ ...initialState, probeStatus: 'running' });
  let capabilities: Capabilities;
  try {
    capabilities = await worker.probeCapabilities();
    set({ probeStatus: 'done', capabilities });
  } catch (error) {
    set({ probeStatus: 'failed', probeError: userMessage(error) });
    return;
  }
  if (!capabilities.gpu.available) return;

  await selfCheckWith((progress) => worker.selfCheck(progress, useGpuCheckMemory.getState().remembered));
}

/** Runs the GPU self-check again now, whatever was remembered ("Check again"). */
export function recheckGpu(worker: WanWorker = wanWorker()): Promise<void> {
  return selfCheckWith((progress) => worker.recheckGpu(progress));
}

async function selfCheckWith(run: (progress: (progress: SelfCheckProgress) => void) => ReturnType<WanWorker['selfCheck']>): Promise<void> {
  const set = useSystemStore.setState;
  set({ selfCheckStatus: 'running', selfCheckProgress: null, selfCheckError: null });
  try {
    const { report, ortFlavor } = await run(proxy((progress: SelfCheckProgress) => set({ selfCheckProgress: progress })));
    const remember = checkToRemember(report);
    if (remember) useGpuCheckMemory.getState().keep(remember);
    set({ selfCheckStatus: 'done', selfCheck: report, ortFlavor });
  } catch (error) {
    set({ selfCheckStatus: 'failed', selfCheckError: userMessage(error) });
  }
}
