// A hostile bundle host: a manifest that names files outside the bundle or absurd sizes is
// refused before anything is written to the browser's storage, and a file body longer than
// the manifest says is refused before its extra bytes are stored.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { DownloadError, ManifestError } from '../../src/errors.ts';
import { ModelStore } from '../../src/model/model-store.ts';
import { installBundleFromUrl } from '../../src/model/url-bundle-install.ts';
import { downloadVerified } from '../../src/model/verified-download.ts';
import { tinyManifestText } from '../helpers/tiny-manifest.ts';

/**
 * The origin private file system in memory (the browser API, with the sync access handles of a
 * dedicated worker). `writes` records every folder or file created and every write, by path;
 * `largest` the largest size each file reached.
 */
function memoryOpfs() {
  const writes: string[] = [];
  const largest = new Map<string, number>();
  const notFound = () => new DOMException('not found', 'NotFoundError');
  const folder = (at: string): FileSystemDirectoryHandle => {
    const folders = new Map<string, FileSystemDirectoryHandle>();
    const files = new Map<string, { data: Uint8Array }>();
    const store = (path: string, file: { data: Uint8Array }, data: Uint8Array) => {
      file.data = data;
      largest.set(path, Math.max(largest.get(path) ?? 0, data.length));
    };
    const fileHandle = (name: string, file: { data: Uint8Array }) => ({
      kind: 'file',
      getFile: async () => new File([file.data as Uint8Array<ArrayBuffer>], name),
      createWritable: async () => ({
        write: async (bytes: Uint8Array) => (writes.push(`${at}${name}`), store(`${at}${name}`, file, bytes.slice())),
        close: async () => undefined,
        abort: async () => undefined,
      }),
      createSyncAccessHandle: async () => ({
        read: (buffer: Uint8Array, { at: offset }: { at: number }) => {
          const part = file.data.subarray(offset, offset + buffer.length);
          buffer.set(part);
          return part.length;
        },
        write: (buffer: Uint8Array, { at: offset }: { at: number }) => {
          writes.push(`${at}${name}`);
          const grown = new Uint8Array(Math.max(file.data.length, offset + buffer.length));
          grown.set(file.data);
          grown.set(buffer, offset);
          store(`${at}${name}`, file, grown);
          return buffer.length;
        },
        truncate: (size: number) => store(`${at}${name}`, file, file.data.slice(0, size)),
        getSize: () => file.data.length,
        flush: () => undefined,
        close: () => undefined,
      }),
    });
    const handle = {
      kind: 'directory',
      async getDirectoryHandle(name: string, options?: { create?: boolean }) {
        if (!folders.has(name)) {
          if (!options?.create) throw notFound();
          writes.push(`${at}${name}/`);
          folders.set(name, folder(`${at}${name}/`));
        }
        return folders.get(name)!;
      },
      async getFileHandle(name: string, options?: { create?: boolean }) {
        if (!files.has(name)) {
          if (!options?.create) throw notFound();
          writes.push(`${at}${name}`);
          files.set(name, { data: new Uint8Array(0) });
        }
        return fileHandle(name, files.get(name)!);
      },
      async removeEntry(name: string) {
        if (!folders.delete(name) && !files.delete(name)) throw notFound();
      },
      async *entries() {
        yield* folders.entries();
      },
    };
    return handle as unknown as FileSystemDirectoryHandle;
  };
  return { root: folder(''), writes, largest };
}

const BASE = 'https://bundles.example/tiny/';
const plenty = { estimate: async () => ({ quota: 2 ** 50, usage: 0 }) };

/** A host that serves `manifest` and answers 404 for every other file; `asked` lists what was fetched. */
function host(manifest: string) {
  const asked: string[] = [];
  const fetchFn = (async (input: RequestInfo | URL) => {
    const url = String(input);
    asked.push(url);
    return url === `${BASE}manifest.json` ? new Response(manifest) : new Response(null, { status: 404 });
  }) as typeof fetch;
  return { fetchFn, asked };
}

let text: string;
beforeAll(async () => {
  text = await tinyManifestText();
});

async function install(manifest: string) {
  const opfs = memoryOpfs();
  const store = await ModelStore.open(opfs.root);
  const before = [...opfs.writes];
  const { fetchFn, asked } = host(manifest);
  const error: unknown = await installBundleFromUrl({ store, url: BASE, fetch: fetchFn, storage: plenty, retries: 0 }).then(() => undefined, (e: unknown) => e);
  return { error, written: opfs.writes.slice(before.length), asked };
}

/** The real manifest with its first file renamed (everywhere it is named) or resized. */
function hostile(change: { path?: string; bytes?: number }): string {
  const m = JSON.parse(text) as { files: { path: string; bytes: number }[]; graphs: Record<string, { file: string; externalData: string[] }> };
  const first = m.files.find((f) => f.path === 'dit-weights-000.bin')!;
  if (change.path !== undefined) {
    for (const graph of Object.values(m.graphs)) graph.externalData = graph.externalData.map((p) => (p === first.path ? change.path! : p));
    first.path = change.path;
  }
  if (change.bytes !== undefined) first.bytes = change.bytes;
  return JSON.stringify(m);
}

describe('installing a bundle from a hostile host', () => {
  test('a sound manifest is written and its files are asked for (the storage above records writes)', async () => {
    const { error, written, asked } = await install(text);
    expect(error).toBeInstanceOf(DownloadError);
    expect(written.some((path) => path.endsWith('/manifest.json'))).toBe(true);
    expect(asked.length).toBeGreaterThan(1);
    expect(asked.slice(1).every((url) => url.startsWith(BASE))).toBe(true);
  });

  test.each([
    ['a parent folder', { path: '../../escape.bin' }],
    ['an absolute path', { path: '/escape.bin' }],
    ['another host', { path: 'https://evil.example/escape.bin' }],
    ['a host-relative URL', { path: '//evil.example/escape.bin' }],
    ['a sub-folder', { path: 'sub/escape.bin' }],
    ['a backslash', { path: 'sub\\escape.bin' }],
    ['an empty name', { path: '' }],
    ['a negative size', { bytes: -1 }],
    ['a fractional size', { bytes: 0.5 }],
    ['a size beyond 2^53', { bytes: 2 ** 60 }],
    ['a size over 64 GiB', { bytes: 65 * 2 ** 30 }],
  ])('a manifest naming %s is refused before anything is written or fetched', async (_, change) => {
    const { error, written, asked } = await install(hostile(change));
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as Error).message).toMatch(/^manifest\.json .*Rebuild the bundle/);
    expect(written).toEqual([]);
    expect(asked).toEqual([`${BASE}manifest.json`]);
  });
});

describe('a host that sends more bytes than the manifest lists', () => {
  const content = Uint8Array.from({ length: 1000 }, (_, i) => (i * 13) % 256);
  const record = { path: 'weights-000.bin', bytes: content.length, sha256: bytesToHex(sha256(content)) };

  /** A host whose body is `body`, in pieces of `piece` bytes. */
  const sending = (body: Uint8Array, piece: number) =>
    (async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (let at = 0; at < body.length; at += piece) controller.enqueue(body.slice(at, at + piece));
            controller.close();
          },
        }),
      )) as typeof fetch;

  test.each([
    ['in one piece', 1100],
    ['after the announced bytes, in a piece of its own', 500],
    ['in pieces that straddle the announced end', 300],
  ])('extra bytes %s are refused, and never stored', async (_, piece) => {
    const opfs = memoryOpfs();
    const body = new Uint8Array(1100);
    body.set(content);
    const attempt = downloadVerified({ url: `${BASE}weights-000.bin`, file: record, folder: opfs.root, fetch: sending(body, piece), onBytes: () => undefined, retries: 0 });
    await expect(attempt).rejects.toThrow(DownloadError);
    await expect(attempt).rejects.toThrow(/weights-000\.bin from .* is longer than the manifest's 1000 bytes/);
    expect(opfs.largest.get('weights-000.bin') ?? 0).toBeLessThanOrEqual(1000);
  });
});
