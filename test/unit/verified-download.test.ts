import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { downloadVerified } from '../../src/model/verified-download.ts';
import { DownloadError, InstallPausedError } from '../../src/errors.ts';

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

/** What the scripted host answers one request with: a status and the bytes from the requested offset, or a failed fetch. */
interface Answer {
  readonly status: number;
  readonly bytes?: Uint8Array;
  readonly failAfter?: number;
}
type Reply = Answer | 'network-error';

/**
 * A host whose every answer is chosen by `reply` (given the request's number from 0 and its Range start).
 * A body is streamed 1000 bytes at a time; with `failAfter` it breaks once that many bytes were sent.
 */
function scriptedHost(reply: (call: number, start: number) => Reply) {
  const ranges: string[] = [];
  const fetchFn = (async (_url: string, init?: RequestInit) => {
    const range = new Headers(init?.headers).get('Range');
    ranges.push(range ?? '');
    const answer = reply(ranges.length - 1, Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1] ?? 0));
    if (answer === 'network-error') throw new TypeError('Failed to fetch');
    const bytes = answer.bytes ?? new Uint8Array(0);
    const end = Math.min(bytes.length, answer.failAfter ?? Infinity);
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= end) {
          if (end < bytes.length) controller.error(new TypeError('network error'));
          else controller.close();
          return;
        }
        controller.enqueue(bytes.slice(at, Math.min(end, at + 1000)));
        at += 1000;
      },
    });
    return new Response(answer.status === 404 ? null : body, { status: answer.status });
  }) as typeof fetch;
  return { fetchFn, ranges };
}

/** Downloads `record` with the scripted host; returns what was stored, the requests and the net bytes reported. */
async function download(reply: (call: number, start: number) => Reply, options: { stored?: Uint8Array; retries?: number } = {}) {
  const { folder, files } = memoryFolder();
  if (options.stored) files.set(record.path, options.stored);
  const { fetchFn, ranges } = scriptedHost(reply);
  let reported = 0;
  const outcome = await downloadVerified({
    url: 'https://host/b/weights-000.bin',
    file: record,
    folder,
    fetch: fetchFn,
    onBytes: (delta) => (reported += delta),
    backoffMs: 1,
    stallMs: 5_000,
    ...(options.retries === undefined ? {} : { retries: options.retries }),
  }).then(
    () => null,
    (error: unknown) => error,
  );
  return { outcome, stored: files.get(record.path), ranges, reported };
}

/** `content` from `start`, as a host that honours ranges sends it. */
const from = (start: number): Answer => ({ status: start > 0 ? 206 : 200, bytes: content.subarray(start) });
const corrupt = Uint8Array.from(content, (b, i) => (i === 5000 ? b ^ 1 : b));

describe('downloadVerified against a scripted host', () => {
  test('a file whose SHA-256 is wrong twice is refused with DownloadError and nothing is kept', async () => {
    const { outcome, stored, ranges, reported } = await download(() => ({ status: 200, bytes: corrupt }));
    expect(outcome).toBeInstanceOf(DownloadError);
    expect((outcome as Error).message).toMatch(/weights-000\.bin from https:\/\/host\/b\/weights-000\.bin failed verification twice/);
    expect(ranges).toEqual(['', '']);
    expect(stored?.length).toBe(0);
    expect(reported).toBe(0);
  });

  test('a wrong SHA-256 once: the bad file is dropped and fetched again whole', async () => {
    const { outcome, stored, ranges, reported } = await download((call) => (call === 0 ? { status: 200, bytes: corrupt } : from(0)));
    expect(outcome).toBeNull();
    expect(ranges).toEqual(['', '']);
    expect(stored).toEqual(content);
    expect(reported).toBe(content.length);
  });

  test('resuming asks for the bytes after those stored, and the stored part counts toward the hash', async () => {
    const { outcome, stored, ranges, reported } = await download((_, start) => from(start), { stored: content.slice(0, 6000) });
    expect(outcome).toBeNull();
    expect(ranges).toEqual(['bytes=6000-']);
    expect(stored).toEqual(content);
    expect(reported).toBe(4000);
  });

  test('a stored part with a wrong byte fails the hash, and the file is fetched again from the start', async () => {
    const { outcome, stored, ranges } = await download((_, start) => from(start), { stored: corrupt.slice(0, 6000) });
    expect(outcome).toBeNull();
    expect(ranges).toEqual(['bytes=6000-', '']);
    expect(stored).toEqual(content);
  });

  test('a host that answers a range request with 200 and the whole file: the file restarts from 0, no byte twice', async () => {
    const { outcome, stored, ranges, reported } = await download(() => from(0), { stored: content.slice(0, 6000) });
    expect(outcome).toBeNull();
    expect(ranges).toEqual(['bytes=6000-', '']);
    expect(stored).toEqual(content);
    expect(reported).toBe(content.length - 6000);
  });

  test('a stored file longer than the manifest says is dropped and fetched whole', async () => {
    const { outcome, stored, ranges } = await download((_, start) => from(start), { stored: new Uint8Array(content.length + 5) });
    expect(outcome).toBeNull();
    expect(ranges).toEqual(['']);
    expect(stored).toEqual(content);
  });

  test('a body that breaks off is resumed from where it broke', async () => {
    const { outcome, stored, ranges } = await download((call, start) => (call === 0 ? { ...from(0), failAfter: 3000 } : from(start)));
    expect(outcome).toBeNull();
    expect(ranges).toEqual(['', 'bytes=3000-']);
    expect(stored).toEqual(content);
  });

  test('network failures are retried the configured number of times, then DownloadError; the bytes so far stay', async () => {
    const { outcome, stored, ranges } = await download((call) => (call === 0 ? { ...from(0), failAfter: 2000 } : 'network-error'), { retries: 2 });
    expect(outcome).toBeInstanceOf(DownloadError);
    expect((outcome as Error).message).toMatch(/could not be downloaded from https:\/\/host\/b\/weights-000\.bin after 2 retries: Failed to fetch/);
    // The first request delivered bytes and broke (failure 1), then two failed fetches: 3 failures, over 2 retries.
    expect(ranges).toEqual(['', 'bytes=2000-', 'bytes=2000-']);
    expect(stored).toEqual(content.slice(0, 2000));
  });

  test('server errors count as network failures: retries + 1 requests in all', async () => {
    const { outcome, ranges } = await download(() => ({ status: 503 }), { retries: 3 });
    expect(outcome).toBeInstanceOf(DownloadError);
    expect((outcome as Error).message).toMatch(/after 3 retries: HTTP 503/);
    expect(ranges.length).toBe(4);
  });

  test('a request that delivers bytes resets the count of failures in a row', async () => {
    const { outcome, stored, ranges } = await download((_, start) => ({ ...from(start), failAfter: 1500 }), { retries: 1 });
    expect(outcome).toBeNull();
    expect(ranges.length).toBe(7); // 1500 bytes a request
    expect(stored).toEqual(content);
  });

  test('a missing file is not retried', async () => {
    const { outcome, ranges } = await download(() => ({ status: 404 }));
    expect(outcome).toBeInstanceOf(DownloadError);
    expect((outcome as Error).message).toMatch(/answered HTTP 404\. Check that the bundle URL is right and public/);
    expect(ranges).toEqual(['']);
  });
});
