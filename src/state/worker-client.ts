import { proxy, wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { ModelHostApi } from '../runtime/model-host-api.ts';
import { installErrorTransfer } from '../runtime/comlink-errors.ts';
import { ASYNCIFY_WORKER } from '../runtime/ort-build.ts';

export { proxy };
export type WanWorker = Remote<ModelHostApi>;

let worker: WanWorker | undefined;

/**
 * The one model worker of the page, started on first use. `?ort=asyncify` in the page's
 * address makes it load onnxruntime-web's Asyncify build even where JSPI exists (the build
 * that Firefox and Safari get), to compare the two in one browser.
 */
export function wanWorker(): WanWorker {
  if (!worker) {
    installErrorTransfer();
    const asyncify = new URLSearchParams(location.search).get('ort') === 'asyncify';
    worker = wrap<ModelHostApi>(
      new Worker(new URL('../../workers/wan.worker.ts', import.meta.url), { type: 'module', name: asyncify ? ASYNCIFY_WORKER : 'wan-worker' }),
    );
  }
  return worker;
}
