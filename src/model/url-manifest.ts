import { MANIFEST_FILE } from '../bundle/manifest.ts';
import type { BundleManifest } from '../bundle/manifest.ts';
import { ModelNotInstalledError } from '../errors.ts';
import { manifestFromText } from './manifest-text.ts';

/** The manifest of the bundle at `baseUrl` (its folder), checked; only manifest.json is read. */
export async function readUrlManifest(baseUrl: string, fetchFn: typeof fetch = fetch): Promise<BundleManifest> {
  const url = new URL(MANIFEST_FILE, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href;
  const response = await fetchFn(url);
  if (!response.ok) throw new ModelNotInstalledError(`${url} answered ${response.status}: check the bundle URL; it should be the folder that holds manifest.json.`);
  return manifestFromText(await response.text(), url);
}
