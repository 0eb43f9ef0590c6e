import { checkBundleFiles } from '../bundle/bundle-files-check.ts';
import { MANIFEST_FILE } from '../bundle/manifest.ts';
import { manifestFromText } from './manifest-text.ts';
import { ModelNotInstalledError } from '../errors.ts';
import { streamRange } from './byte-stream.ts';
import type { WebBundle } from './web-bundle-access.ts';

/**
 * Whether a hosted file has its listed size, from a request for its last byte: a size from the
 * headers would be the compressed one on hosts that compress, and a range is never compressed.
 * 416 means the file is shorter; the total in Content-Range, when the host exposes it, is exact.
 */
async function probeSize(fetchFn: typeof fetch, href: string, expected: number): Promise<number | null | 'short' | undefined> {
  if (expected === 0) return undefined;
  const response = await fetchFn(href, { headers: { Range: `bytes=${expected - 1}-${expected - 1}` } });
  await response.body?.cancel();
  if (response.status === 404) return null;
  const total = /\/(\d+)$/.exec(response.headers.get('Content-Range') ?? '');
  if (total && (response.status === 206 || response.status === 416)) return Number(total[1]);
  return response.status === 416 ? 'short' : undefined;
}

/**
 * A bundle served over HTTP (a static host, or a local server in tests), read directly:
 * graphs are fetched, and weights and embedding rows are read with range requests.
 */
export async function openUrlBundle(baseUrl: string, fetchFn: typeof fetch = fetch): Promise<WebBundle> {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const url = (path: string) => new URL(path, base).href;
  const get = async (path: string, init?: RequestInit) => {
    const response = await fetchFn(url(path), init);
    if (!response.ok) throw new ModelNotInstalledError(`${url(path)} answered ${response.status}: the bundle at ${base} is missing or incomplete.`);
    return response;
  };
  const range = async (path: string, offset: number, length: number) => {
    const response = await get(path, { headers: { Range: `bytes=${offset}-${offset + length - 1}` } });
    const sent = /^bytes (\d+)-/.exec(response.headers.get('Content-Range') ?? '');
    if (response.status === 206 && sent && Number(sent[1]) !== offset) {
      throw new ModelNotInstalledError(`${url(path)} sent bytes from ${sent[1]} when asked for ${offset}: the host's range requests are broken.`);
    }
    // A host that ignores Range sends the whole file.
    return { response, skip: response.status === 206 ? 0 : offset };
  };
  const manifestText = await (await get(MANIFEST_FILE)).text();
  const manifest = manifestFromText(manifestText, url(MANIFEST_FILE));
  const title = `The bundle at ${base}`;
  await checkBundleFiles(manifest, (path, expected) => probeSize(fetchFn, url(path), expected), { title, advice: 'Upload the whole bundle folder again, or ask its host to.' });
  const incomplete = (path: string, end: number) => new ModelNotInstalledError(`${url(path)} ended before byte ${end}: ${title} is incomplete.`);
  return {
    manifest,
    files: {
      title,
      key: base,
      bytes: async (path) => new Uint8Array(await (await get(path)).arrayBuffer()),
      async *stream(path, offset, length) {
        const { response, skip } = await range(path, offset, length);
        if (!response.body) throw new ModelNotInstalledError(`${url(path)} sent no body.`);
        yield* streamRange(response.body, skip, length, () => incomplete(path, offset + length));
      },
      async readRange(path, offset, length) {
        const { response, skip } = await range(path, offset, length);
        const bytes = new Uint8Array(await response.arrayBuffer()).subarray(skip, skip + length);
        if (bytes.length !== length) throw incomplete(path, offset + length);
        return bytes;
      },
      readText: async (path) => (await get(path)).text(),
    },
  };
}
