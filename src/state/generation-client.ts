import type { GenerateRequest, GenerationListener, GenerationOutcome } from '../runtime/model-host-api.ts';
import { proxy, wanWorker } from './worker-client.ts';
import type { WanWorker } from './worker-client.ts';

let nextJob = 0;

export interface GenerationRun extends Omit<GenerateRequest, 'jobId'>, GenerationListener {
  /** Aborting cancels the generation in the worker (GenerationCanceledError). */
  readonly signal?: AbortSignal;
}

/**
 * Runs one generation in the worker. Progress and frames arrive through `onEvent` and
 * `onFrames` while it runs; with `video` the worker also encodes the file, with `preview`
 * it sends a latent preview after every denoising step.
 */
export async function runGeneration(run: GenerationRun, worker: WanWorker = wanWorker()): Promise<GenerationOutcome> {
  const { signal, onEvent, onFrames, ...request } = run;
  const jobId = `job-${++nextJob}`;
  const cancel = () => void worker.cancel(jobId);
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    const listener: GenerationListener = { onEvent: (event) => onEvent?.(event), onFrames: (event) => onFrames?.(event) };
    return await worker.generate({ ...request, jobId }, proxy(listener));
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}
