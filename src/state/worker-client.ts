import { proxy, wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { WanWorkerApi } from '../../workers/wan.worker.ts';
import { installErrorTransfer } from '../runtime/comlink-errors.ts';

export { proxy };
export type WanWorker = Remote<WanWorkerApi>;

let worker: WanWorker | undefined;

/** The one model worker of the page, started on first use. */
export function wanWorker(): WanWorker {
  if (!worker) {
    installErrorTransfer();
    worker = wrap<WanWorkerApi>(
      new Worker(new URL('../../workers/wan.worker.ts', import.meta.url), { type: 'module', name: 'wan-worker' }),
    );
  }
  return worker;
}
