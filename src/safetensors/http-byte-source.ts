import type { AbortSignalLike, ByteSource } from './byte-source.ts';
import { checkReadArgs, expectLength, throwIfAborted } from './read-checks.ts';
import { SafetensorsError } from '../errors.ts';
import { CachedPromise } from '../promise-cache.ts';
import type { SafetensorsReason } from '../errors.ts';

/** The request options {@link httpByteSource} passes to `fetch`. */
export interface FetchInitLike {
  readonly method?: string;
  // `unknown` so that the DOM's `RequestInit` (with its `HeadersInit`) is compatible.
  readonly headers?: unknown;
  readonly signal?: AbortSignalLike | null;
}

/** The part of a fetch `Response` that {@link httpByteSource} uses. */
export interface FetchResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText?: string;
  readonly headers: { get(name: string): string | null };
  readonly body?: { cancel(reason?: unknown): Promise<void> } | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * A `fetch`-compatible function. Written as a method type so that the global `fetch` (whose
 * parameter types are wider DOM types) can be passed where the DOM lib is loaded.
 */
export type FetchLike = {
  fetch(url: string, init?: FetchInitLike): Promise<FetchResponseLike>;
}['fetch'];

/** Options of {@link httpByteSource}. */
export interface HttpByteSourceOptions {
  /** Defaults to the global `fetch`. */
  readonly fetch?: FetchLike;
  /** Sent with every request, e.g. `{ Authorization: 'Bearer …' }` for gated repositories. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Reads a remote file with HTTP Range requests, so only the requested bytes are downloaded.
 * The server must answer ranges with 206 (Hugging Face and most static hosts do); redirects are
 * followed as `fetch` does.
 */
export function httpByteSource(url: string, options: HttpByteSourceOptions = {}): ByteSource {
  const fetchFn = options.fetch ?? globalFetch();
  const headers = options.headers ?? {};
  // A failed attempt is forgotten, so that a later call can retry.
  const size = new CachedPromise<number>();

  async function request(method: string, extra: Record<string, string>, signal?: AbortSignalLike) {
    try {
      return await fetchFn(url, { method, headers: { ...headers, ...extra }, signal: signal ?? null });
    } catch (error) {
      throwIfAborted(signal);
      throw new SafetensorsError(
        `Could not download ${url}: ${String(error)}. Check the network connection and the URL.`,
        url,
        undefined,
        { reason: 'io', cause: error },
      );
    }
  }

  async function fetchSize(): Promise<number> {
    const head = await request('HEAD', {});
    const length = head.headers.get('content-length');
    // A compressed HEAD length is not the length of the bytes that ranges address.
    const encoded = (head.headers.get('content-encoding') ?? 'identity') !== 'identity';
    if (head.ok && length !== null && !encoded && /^\d+$/.test(length)) return Number(length);
    // Some hosts refuse HEAD (e.g. presigned CDN URLs); a one-byte range tells the size too.
    const probe = await request('GET', { Range: 'bytes=0-0' });
    await expectPartial(url, probe);
    await probe.arrayBuffer();
    return totalFromContentRange(url, probe.headers.get('content-range'));
  }

  return {
    name: url,
    size() {
      return size.get(fetchSize);
    },
    async read(offset, length, signal) {
      checkReadArgs(url, offset, length);
      if (length === 0) return new Uint8Array(0);
      const range = `bytes=${offset}-${offset + length - 1}`;
      const response = await request('GET', { Range: range }, signal);
      await expectPartial(url, response);
      return expectLength(url, new Uint8Array(await response.arrayBuffer()), length);
    },
  };
}

function globalFetch(): FetchLike {
  const fetchFn = (globalThis as unknown as { fetch?: FetchLike }).fetch;
  if (fetchFn === undefined) {
    throw new TypeError('No global fetch in this environment; pass options.fetch to httpByteSource.');
  }
  return fetchFn.bind(globalThis);
}

/** Accepts a 206 answer; anything else becomes an error (after dropping the body unread). */
async function expectPartial(url: string, response: FetchResponseLike): Promise<void> {
  if (response.status === 206) return;
  await response.body?.cancel().catch(() => undefined);
  if (response.ok) {
    throw httpError(
      url,
      `The host of ${url} does not support HTTP range requests (it answered ${response.status} with ` +
        'the whole file). Download the file and open it from disk, or use a host that supports ranges.',
      'no-range-support',
    );
  }
  if (response.status === 416) {
    throw httpError(url, `${url} is shorter than expected (HTTP 416). The file on the server may be incomplete.`, 'truncated');
  }
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const hint =
    response.status === 401 || response.status === 403
      ? ' The file may need an access token or accepted licence terms.'
      : response.status === 404
        ? ' Check the URL and the file name.'
        : ' Try again later.';
  const code = response.status === 404 || response.status === 410 ? 'not-found' : 'io';
  throw httpError(url, `Request for ${url} failed: ${status}.${hint}`, code);
}

function totalFromContentRange(url: string, header: string | null): number {
  const total = header === null ? undefined : /\/(\d+)\s*$/.exec(header)?.[1];
  if (total === undefined) {
    throw httpError(
      url,
      `Cannot tell the size of ${url}: the server sent no usable Content-Length or Content-Range ` +
        '(a cross-origin server must list Content-Range in Access-Control-Expose-Headers).',
      'io',
    );
  }
  return Number(total);
}

function httpError(url: string, message: string, code: SafetensorsReason): SafetensorsError {
  return new SafetensorsError(message, url, undefined, { reason: code });
}
