import type { Remote } from 'comlink';
import { WanError } from '../errors.ts';

/** What a page can listen on for its worker's failure (a `Worker`, or a stand-in in tests). */
export type FailingWorker = Pick<EventTarget, 'addEventListener'>;

/** The error every call gets once the worker has failed. */
export function workerFailedError(detail: string): WanError {
  return new WanError(
    'worker-failed',
    `The model worker stopped (${detail}). Reload the page to start it again; your settings, history and installed models are kept.`,
  );
}

/** A promise that rejects when `worker` fails to load or crashes, and never resolves. */
export function workerFailure(worker: FailingWorker): Promise<never> {
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => reject(workerFailedError((event as ErrorEvent).message || 'it could not start')), { once: true });
    worker.addEventListener('messageerror', () => reject(workerFailedError('a message from it could not be read')), { once: true });
  });
  // Nobody may be calling when it fails; the next call sees the rejection.
  failed.catch(() => undefined);
  return failed;
}

/**
 * A Comlink remote whose calls reject with a 'worker-failed' error once `failed` rejects,
 * instead of waiting for an answer that a dead worker will never send.
 */
export function failFast<T extends object>(remote: Remote<T>, failed: Promise<never>): Remote<T> {
  return new Proxy(remote, {
    get(target, property) {
      if (property === 'then') return undefined;
      const member = Reflect.get(target, property) as unknown;
      if (typeof member !== 'function') return member;
      return (...args: unknown[]) => Promise.race([(member as (...a: unknown[]) => Promise<unknown>)(...args), failed]);
    },
  });
}
