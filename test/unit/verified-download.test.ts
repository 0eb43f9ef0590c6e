import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { downloadVerified } from '../../src/model/verified-download.ts';
import { InstallPausedError } from '../../src/errors.ts';

/** An OPFS folder in memory: files with synchronous access handles, as a dedicated worker has them. */
function memoryFolder(options: { stallOpens?: number } = {}) {
  const files = new Map<string, Uint8Array>();
  let stallOpens = options.stallOpens ?? 0;
  const handleFor = (name: string) => ({
    async createSyncAccessHandle() {
      if (stallOpens-- > 0) return new Promise(() => undefined);
      let data = files.get(name) ?? new Uint8Array(0);
      return {
        read: (buffer: Uint8Array, { at }: { at: number }) => {
          const part = data.subarray(at, at + buffer.length);
          buffer.set(part);
          return part.length;
        },
        write: (buffer: Uint8Array, { at }: { at: number }) => {
          if (at + buffer.length > data.length) {
            const grown = new Uint8Array(at + buffer.length);
            grown.set(data);
            data = grown;
          }
          data.set(buffer, at);
          files.set(name, data);
          return buffer.length;
        },
        truncate: (size: number) => {
          data = data.slice(0, size);
          files.set(name, data);
        },
        getSize: () => data.length,
        flush: () => undefined,
        close: () => undefined,
      };
    },
  });
  const folder = { getFileHandle: async (name: string) => handleFor(name), getDirectoryHandle: async () => folder };
  return { folder: folder as unknown as FileSystemDirectoryHandle, files };
}

const content = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) % 256);
const record = { path: 'weights-000.bin', bytes: content.length, sha256: bytesToHex(sha256(content)) };

/** A host that sends `content` from the requested offset; `stallAfter` bytes into the first response, it goes silent. */
function host(stallAfter: number | null) {
  const ranges: string[] = [];
  const fetchFn = (async (_url: string, init?: RequestInit) => {
    const range = new Headers(init?.headers).get('Range') ?? '';
    ranges.push(range);
    const start = Number(/bytes=(\d+)-/.exec(range)?.[1] ?? 0);
    const first = ranges.length === 1;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const end = first && stallAfter !== null ? stallAfter : content.length;
        for (let at = start; at < end; at += 1000) controller.enqueue(content.slice(at, Math.min(end, at + 1000)));
        if (!(first && stallAfter !== null)) controller.close();
        init?.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
      },
    });
    return new Response(body, { status: start > 0 ? 206 : 200 });
  }) as typeof fetch;
  return { fetchFn, ranges };
}

describe('downloadVerified', () => {
  test('a response that goes silent is given up after the stall time and the rest is fetched with a range request', async () => {
    const { folder, files } = memoryFolder();
    const { fetchFn, ranges } = host(4000);
    await downloadVerified({ url: 'https://host/b/weights-000.bin', file: record, folder, fetch: fetchFn, onBytes: () => undefined, stallMs: 50, backoffMs: 1 });
    expect(ranges).toEqual(['', 'bytes=4000-']);
    expect(files.get('weights-000.bin')).toEqual(content);
  });

  test('a file the browser never opens is opened again', async () => {
    const { folder, files } = memoryFolder({ stallOpens: 1 });
    const { fetchFn } = host(null);
    await downloadVerified({ url: 'https://host/b/weights-000.bin', file: record, folder, fetch: fetchFn, onBytes: () => undefined, stallMs: 50, backoffMs: 1 });
    expect(files.get('weights-000.bin')).toEqual(content);
  });

  test('pausing during a stall ends at once with InstallPausedError, keeping the bytes so far', async () => {
    const { folder, files } = memoryFolder();
    const { fetchFn } = host(3000);
    const controller = new AbortController();
    const download = downloadVerified({ url: 'https://host/b/weights-000.bin', file: record, folder, fetch: fetchFn, onBytes: () => undefined, signal: controller.signal, stallMs: 60_000 });
    setTimeout(() => controller.abort(), 30);
    await expect(download).rejects.toBeInstanceOf(InstallPausedError);
    expect(files.get('weights-000.bin')?.length).toBe(3000);
  });
});
