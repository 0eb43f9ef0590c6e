import { describe, expect, test } from 'vitest';
import { StorageFullError } from '../../src/errors.ts';
import { ensureSpace } from '../../src/model/storage-space.ts';

/** The browser's StorageManager as far as an install uses it. */
function storage(quota: number | undefined, usage: number | undefined) {
  const calls = { persist: 0 };
  return {
    calls,
    estimate: async () => ({ quota, usage }),
    persist: async () => {
      calls.persist++;
      return true;
    },
  };
}

describe('the space check before an install', () => {
  test('refuses when the quota left is smaller than what is needed, naming both amounts, without asking to persist', async () => {
    const s = storage(10_000_000, 9_000_000);
    const refusal = ensureSpace(s, 2_500_000, 'Converting Wan2.2 TI2V-5B', 'the conversion so far is kept.');
    await expect(refusal).rejects.toBeInstanceOf(StorageFullError);
    await expect(refusal).rejects.toThrow(
      'Converting Wan2.2 TI2V-5B needs 2.5 MB more, but this browser lets this site store only 1.0 MB more. Free disk space or delete other models or videos, then install again: the conversion so far is kept.',
    );
    expect(s.calls.persist).toBe(0);
  });

  test('lets an install that fits start, and asks the browser to keep the data', async () => {
    const s = storage(10_000_000, 1_000_000);
    await ensureSpace(s, 9_000_000, 'x', 'y');
    expect(s.calls.persist).toBe(1);
  });

  test('starts when the browser does not say how much room there is', async () => {
    await expect(ensureSpace(storage(undefined, undefined), 1e12, 'x', 'y')).resolves.toBeUndefined();
  });
});
