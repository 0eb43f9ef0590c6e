import { MANIFEST_FILE, validateManifest } from '../convert/bundle/manifest.ts';
import type { BundleAccess } from '../pipeline/bundle-access.ts';
import type { OrtModule } from '../pipeline/ort-types.ts';
import { ModelNotInstalledError } from '../errors.ts';
import { webBundleAccess } from './web-bundle-access.ts';

/**
 * A bundle served over HTTP (a static host, or a local server in tests), read directly:
 * graphs are fetched, their external weight files handed to onnxruntime-web by URL, and
 * embedding rows read with range requests.
 */
export async function openUrlBundle(ort: OrtModule, baseUrl: string, fetchFn: typeof fetch = fetch): Promise<BundleAccess> {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const url = (path: string) => new URL(path, base).href;
  const get = async (path: string, init?: RequestInit) => {
    const response = await fetchFn(url(path), init);
    if (!response.ok) throw new ModelNotInstalledError(`${url(path)} answered ${response.status}: the bundle at ${base} is missing or incomplete.`);
    return response;
  };
  const manifest = validateManifest(await (await get(MANIFEST_FILE)).json());
  return webBundleAccess(ort, manifest, {
    title: `The bundle at ${base}`,
    bytes: async (path) => new Uint8Array(await (await get(path)).arrayBuffer()),
    externalData: async (path) => url(path),
    async readRange(path, offset, length) {
      const response = await get(path, { headers: { Range: `bytes=${offset}-${offset + length - 1}` } });
      const bytes = new Uint8Array(await response.arrayBuffer());
      // A host that ignores Range sends the whole file.
      return response.status === 206 ? bytes : bytes.subarray(offset, offset + length);
    },
    readText: async (path) => (await get(path)).text(),
  });
}
