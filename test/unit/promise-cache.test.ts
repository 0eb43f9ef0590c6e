import { describe, expect, test } from 'vitest';
import { CachedPromise, PromiseCache } from '../../src/promise-cache.ts';

/** A promise settled from outside. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe('PromiseCache', () => {
  test('makes each key once and shares the promise', async () => {
    const cache = new PromiseCache<string, number>();
    let made = 0;
    const make = async () => ++made;
    expect(await cache.get('a', make)).toBe(1);
    expect(await cache.get('a', make)).toBe(1);
    expect(await cache.get('b', make)).toBe(2);
  });

  test('forgets a rejected promise, so the next get makes it again', async () => {
    const cache = new PromiseCache<string, number>();
    await expect(cache.get('a', () => Promise.reject(new Error('offline')))).rejects.toThrow('offline');
    expect(cache.has('a')).toBe(false);
    expect(await cache.get('a', async () => 7)).toBe(7);
  });

  test('a rejection of a promise that was already replaced leaves the new one', async () => {
    const cache = new PromiseCache<string, number>();
    const first = deferred<number>();
    const failed = cache.get('a', () => first.promise);
    void cache.delete('a');
    const second = cache.get('a', async () => 2);
    first.reject(new Error('late failure'));
    await expect(failed).rejects.toThrow('late failure');
    expect(cache.peek('a')).toBe(second);
  });

  test('takeWhere and takeAll empty what they hand back', async () => {
    const cache = new PromiseCache<string, string>();
    for (const key of ['dit', 'dit#chunked', 'vae']) void cache.get(key, async () => key);
    expect(await Promise.all(cache.takeWhere((key) => key.startsWith('dit')))).toEqual(['dit', 'dit#chunked']);
    expect(cache.has('dit')).toBe(false);
    expect(await Promise.all(cache.takeAll())).toEqual(['vae']);
    expect(cache.has('vae')).toBe(false);
  });
});

describe('CachedPromise', () => {
  test('one shared promise, forgotten on failure or when told', async () => {
    const cached = new CachedPromise<number>();
    let made = 0;
    await expect(cached.get(() => Promise.reject(new Error(`failure ${++made}`)))).rejects.toThrow('failure 1');
    expect(cached.peek()).toBeUndefined();
    expect(await cached.get(async () => ++made)).toBe(2);
    expect(await cached.get(async () => ++made)).toBe(2);
    cached.forget();
    expect(await cached.get(async () => ++made)).toBe(3);
  });
});
