import { proxy, wrap } from 'comlink';
import type { Remote } from 'comlink';
import { create } from 'zustand';
import type { ModelHostApi } from '../runtime/model-host-api.ts';
import { installErrorTransfer } from '../runtime/comlink-errors.ts';
import { ASYNCIFY_WORKER } from '../runtime/ort-build.ts';
import { failFast, workerFailure } from '../runtime/worker-failure.ts';

export { proxy };
export type WanWorker = Remote<ModelHostApi>;

/** Why the model worker stopped, once it has; the page shows it with a way to reload. */
export const useWorkerHealth = create<{ readonly failure: string | null }>(() => ({ failure: null }));

let worker: WanWorker | undefined;

/**
 * The one model worker of the page, started on first use. `?ort=asyncify` in the page's
 * address makes it load onnxruntime-web's Asyncify build even where JSPI exists (the build
 * that Firefox and Safari get), to compare the two in one browser. A worker that fails to
 * load or crashes ends every call with a 'worker-failed' error instead of leaving it waiting.
 */
export function wanWorker(): WanWorker {
  if (!worker) {
    installErrorTransfer();
    const asyncify = new URLSearchParams(location.search).get('ort') === 'asyncify';
    const started = new Worker(new URL('../../workers/wan.worker.ts', import.meta.url), { type: 'module', name: asyncify ? ASYNCIFY_WORKER : 'wan-worker' });
    const failed = workerFailure(started);
    failed.catch((error: Error) => {
      started.terminate();
      worker = undefined;
      useWorkerHealth.setState({ failure: error.message });
    });
    worker = failFast(wrap<ModelHostApi>(started), failed);
  }
  return worker;
}
