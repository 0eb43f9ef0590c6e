import { describe, expect, test } from 'vitest';
import { GenerationCanceledError } from '../../src/errors.ts';
import { JobQueue } from '../../src/runtime/job-queue.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('JobQueue', () => {
  test('runs one job at a time, in the order added; a failure does not stop the rest', async () => {
    const queue = new JobQueue();
    const log: string[] = [];
    const job = (name: string, fail = false) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([queue.run(job('a')), queue.run(job('b', true)), queue.run(job('c'))]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  test('a job cancelled while it waits never starts', async () => {
    const queue = new JobQueue();
    const started: string[] = [];
    const controller = new AbortController();
    const first = queue.run(async () => void started.push('first'));
    const cancelled = queue.run(async () => void started.push('cancelled'), controller.signal);
    controller.abort();
    await first;
    await expect(cancelled).rejects.toBeInstanceOf(GenerationCanceledError);
    expect(started).toEqual(['first']);
  });
});
