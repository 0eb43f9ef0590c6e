import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { DownloadError, InstallPausedError } from '../errors.ts';
import type { FileRecord } from '../convert/bundle/hashing-writer.ts';
import { fileHandle, openSyncAccess } from './opfs-files.ts';
import type { SyncAccessHandle } from './opfs-files.ts';

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
}

/** Written bytes are made durable this often, so a closed tab loses at most this much. */
const FLUSH_EVERY = 2 ** 20;
const READ_CHUNK = 4 * 2 ** 20;

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
  const handle = await openSyncAccess(await fileHandle(options.folder, file.path, true));
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
  let failures = 0;
  let offset = handle.getSize();
  while (offset < file.bytes) {
    let delivered = false;
    try {
      const response = await options.fetch(options.url, { signal, cache: 'no-store', headers: offset > 0 ? { Range: `bytes=${offset}-` } : {} });
      if (!response.ok) throw new HttpStatusError(response.status);
      if (offset > 0 && response.status !== 206) {
        await response.body?.cancel();
        options.onBytes(-offset);
        handle.truncate(0);
        return 'restart';
      }
      const reader = response.body!.getReader();
      let unflushed = 0;
      for (;;) {
        const { done, value } = await reader.read();
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
    }
  }
  return 'complete';
}
