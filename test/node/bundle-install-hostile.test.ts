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
import { memoryOpfs } from '../helpers/memory-opfs.ts';

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
