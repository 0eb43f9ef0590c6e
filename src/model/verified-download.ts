import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { DownloadError, InstallPausedError } from '../errors.ts';
import type { FileRecord } from '../bundle/hashing-writer.ts';
import { fileHandle, openSyncAccess } from '../opfs-files.ts';
import type { SyncAccessHandle } from '../opfs-files.ts';

export interface VerifiedDownloadOptions {
  readonly url: string;
  /** The file as the manifest lists it. */
  readonly file: FileRecord;
  readonly folder: FileSystemDirectoryHandle;
  readonly fetch: typeof fetch;
  readonly signal?: AbortSignal;
  /** Bytes stored for this file changed by `delta` (negative when bad bytes are dropped). */
  readonly onBytes: (delta: number) => void;
  /** Network failures tolerated in a row before giving up (a request that delivers bytes resets the count). */
  readonly retries?: number;
  /** The first back-off; it doubles on each failure in a row. */
  readonly backoffMs?: number;
  /** A request (or opening the file) that makes no progress for this long is given up and tried again. */
  readonly stallMs?: number;
}

/** What stalled, and for how long: a retryable failure. */
class StallError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} made no progress for ${Math.round(ms / 1000)} s`);
  }
}

/** `promise`, or a StallError (after running `onStall`) if it has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string, onStall: () => void = () => undefined): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onStall();
      reject(new StallError(what, ms));
    }, ms);
  });
  return Promise.race([promise, stalled]).finally(() => clearTimeout(timer));
}

/** Opening a file for writing, given up and tried again when the browser does not answer (a handle that comes late is closed). */
async function openWithin(folder: FileSystemDirectoryHandle, path: string, ms: number, signal?: AbortSignal): Promise<SyncAccessHandle> {
  for (let attempt = 1; ; attempt++) {
    const opening = fileHandle(folder, path, true).then(openSyncAccess);
    try {
      return await within(opening, ms, `opening ${path} in the browser's storage`);
    } catch (error) {
      void opening.then((late) => late.close()).catch(() => undefined);
      if (signal?.aborted) throw new InstallPausedError();
      if (attempt === 3) throw new DownloadError(`The browser did not open ${path} in its storage: ${describe(error)}, three times. Pause the install and resume it; if it stops again, restart the browser.`);
      await sleep(1000 * attempt, signal);
    }
  }
}

/** Written bytes are made durable this often, so a closed tab loses at most this much. */
const FLUSH_EVERY = 2 ** 20;
const READ_CHUNK = 4 * 2 ** 20;
/**
 * Bytes taken in before the worker's other tasks get a turn. From a fast host the body's
 * next piece is always ready, so the read loop runs on microtasks alone: the other files'
 * OPFS handles, fetches and progress saves then waited 18–45 s in chromium.
 */
const YIELD_EVERY = 8 * 2 ** 20;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * How long a request may deliver nothing (or the browser take to open a file) before it is
 * given up and tried again. In headless chromium, one of a few hundred OPFS opens and fetches
 * of an 11 GB install sometimes never answered, and the install waited for ever.
 */
const STALL_MS = 60_000;

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
  /** Rate limits and server errors pass; a missing or forbidden file does not. */
  get retryable(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new InstallPausedError())), { once: true });
  });

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Downloads one bundle file into OPFS and checks its SHA-256. It continues from the bytes a
 * previous (interrupted) attempt left, with an HTTP range request, retries network failures
 * with back-off, and on a wrong hash drops the file and fetches it once more before failing.
 */
export async function downloadVerified(options: VerifiedDownloadOptions): Promise<void> {
  const { file } = options;
  const handle = await openWithin(options.folder, file.path, options.stallMs ?? STALL_MS, options.signal);
  try {
    for (let attempt = 1; ; ) {
      const hash = sha256.create();
      hashExisting(handle, file.bytes, hash, options.onBytes);
      if ((await fetchRest(handle, hash, options)) === 'restart') continue;
      handle.flush();
      const actual = bytesToHex(hash.digest());
      if (actual === file.sha256) return;
      options.onBytes(-handle.getSize());
      handle.truncate(0);
      handle.flush();
      if (attempt++ === 2) {
        throw new DownloadError(
          `${file.path} from ${options.url} failed verification twice (SHA-256 ${actual.slice(0, 12)}…, the manifest says ${file.sha256.slice(0, 12)}…). ` +
            'The host serves a different file than the manifest lists: rebuild or re-upload the bundle.',
        );
      }
    }
  } finally {
    handle.close();
  }
}

/** Hashes what is already stored; a file longer than the manifest says is dropped. */
function hashExisting(handle: SyncAccessHandle, expected: number, hash: ReturnType<typeof sha256.create>, onBytes: (delta: number) => void): void {
  const size = handle.getSize();
  if (size > expected) {
    onBytes(-expected);
    handle.truncate(0);
    return;
  }
  const buffer = new Uint8Array(Math.min(READ_CHUNK, size));
  for (let at = 0; at < size; ) {
    const read = handle.read(buffer.subarray(0, Math.min(buffer.length, size - at)), { at });
    if (read <= 0) throw new DownloadError(`could not read back the stored part of a model file (${at} of ${size} bytes)`);
    hash.update(buffer.subarray(0, read));
    at += read;
  }
}

/** Fetches the bytes after those stored; 'restart' when the host ignored the range and the file was emptied. */
async function fetchRest(handle: SyncAccessHandle, hash: ReturnType<typeof sha256.create>, options: VerifiedDownloadOptions): Promise<'complete' | 'restart'> {
  const { file, signal } = options;
  const retries = options.retries ?? 5;
  const stallMs = options.stallMs ?? STALL_MS;
  let failures = 0;
  let offset = handle.getSize();
  while (offset < file.bytes) {
    let delivered = false;
    // One request: given up when the user pauses, or when it stalls.
    const request = new AbortController();
    const giveUp = () => request.abort();
    signal?.addEventListener('abort', giveUp, { once: true });
    try {
      const response = await within(
        options.fetch(options.url, { signal: request.signal, cache: 'no-store', headers: offset > 0 ? { Range: `bytes=${offset}-` } : {} }),
        stallMs,
        `the request for ${file.path}`,
        giveUp,
      );
      if (!response.ok) throw new HttpStatusError(response.status);
      if (offset > 0 && response.status !== 206) {
        await response.body?.cancel();
        options.onBytes(-offset);
        handle.truncate(0);
        return 'restart';
      }
      const reader = response.body!.getReader();
      let unflushed = 0;
      let sinceYield = 0;
      for (;;) {
        const { done, value } = await within(reader.read(), stallMs, `the download of ${file.path}`, giveUp);
        if (done) break;
        if (offset + value.byteLength > file.bytes) throw new DownloadError(`${file.path} from ${options.url} is longer than the manifest's ${file.bytes} bytes`);
        handle.write(value, { at: offset });
        hash.update(value);
        offset += value.byteLength;
        unflushed += value.byteLength;
        delivered = true;
        options.onBytes(value.byteLength);
        if (unflushed >= FLUSH_EVERY) {
          handle.flush();
          unflushed = 0;
        }
        sinceYield += value.byteLength;
        if (sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          await nextTask();
        }
      }
      if (offset < file.bytes) throw new Error(`the connection closed after ${offset} of ${file.bytes} bytes`);
    } catch (error) {
      if (signal?.aborted) throw new InstallPausedError();
      if (error instanceof DownloadError || (error instanceof HttpStatusError && !error.retryable)) {
        throw error instanceof DownloadError ? error : new DownloadError(`${file.path}: ${options.url} answered ${error.message}. Check that the bundle URL is right and public.`);
      }
      handle.flush();
      failures = delivered ? 1 : failures + 1;
      if (failures > retries) throw new DownloadError(`${file.path} could not be downloaded from ${options.url} after ${retries} retries: ${describe(error)}. Check the connection and resume the install.`);
      await sleep((options.backoffMs ?? 1000) * 2 ** (failures - 1), signal);
    } finally {
      signal?.removeEventListener('abort', giveUp);
    }
  }
  return 'complete';
}
