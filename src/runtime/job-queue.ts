import { GenerationCanceledError } from '../errors.ts';

/**
 * Runs jobs one at a time, in the order they were added; a failed job does not stop the
 * ones after it. A job whose `signal` is aborted while it waits never starts.
 */
export class JobQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const start = () => {
      if (signal?.aborted) throw new GenerationCanceledError();
      return job();
    };
    const result = this.tail.then(start);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
