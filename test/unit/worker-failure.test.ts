import { afterEach, describe, expect, test } from 'vitest';
import { expose, wrap } from 'comlink';
import { WanError } from '../../src/errors.ts';
import { failFast, workerFailure } from '../../src/runtime/worker-failure.ts';

interface SlowApi {
  never(): Promise<number>;
  answer(x: number): number;
}

/** A Comlink remote over a MessageChannel whose `never` call is never answered, and a stand-in worker that can fail. */
function remoteAndWorker() {
  const channel = new MessageChannel();
  expose({ never: () => new Promise<number>(() => {}), answer: (x: number) => x + 1 } satisfies SlowApi, channel.port1);
  const worker = new EventTarget();
  const remote = failFast(wrap<SlowApi>(channel.port2), workerFailure(worker));
  return { channel, worker, remote };
}

let open: MessageChannel[] = [];
afterEach(() => {
  for (const channel of open) {
    channel.port1.close();
    channel.port2.close();
  }
  open = [];
});

describe('a worker that fails: calls end with a plain message instead of hanging', () => {
  test('calls answer normally while the worker lives', async () => {
    const { channel, remote } = remoteAndWorker();
    open.push(channel);
    expect(await remote.answer(41)).toBe(42);
  });

  test('a call in flight when the worker fails rejects with worker-failed, and so does every later call', async () => {
    const { channel, worker, remote } = remoteAndWorker();
    open.push(channel);
    const pending = remote.never();
    worker.dispatchEvent(Object.assign(new Event('error'), { message: 'Uncaught SyntaxError in wan.worker.js' }));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WanError);
    expect(error).toMatchObject({ code: 'worker-failed' });
    expect((error as Error).message).toContain('Reload the page');
    await expect(remote.answer(1)).rejects.toMatchObject({ code: 'worker-failed' });
  });

  test('a worker that never started (an error event without a message) is said as such', async () => {
    const { channel, worker, remote } = remoteAndWorker();
    open.push(channel);
    worker.dispatchEvent(new Event('error'));
    await expect(remote.never()).rejects.toThrow('it could not start');
  });

  test('an unreadable message from the worker fails the calls too', async () => {
    const { channel, worker, remote } = remoteAndWorker();
    open.push(channel);
    const pending = remote.never();
    worker.dispatchEvent(new Event('messageerror'));
    await expect(pending).rejects.toMatchObject({ code: 'worker-failed' });
  });
});
