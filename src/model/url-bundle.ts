import { MANIFEST_FILE, validateManifest } from '../bundle/manifest.ts';
import { ModelNotInstalledError } from '../errors.ts';
import { streamRange } from './byte-stream.ts';
import type { WebBundle } from './web-bundle-access.ts';

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
  const manifest = validateManifest(await (await get(MANIFEST_FILE)).json());
  const title = `The bundle at ${base}`;
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
