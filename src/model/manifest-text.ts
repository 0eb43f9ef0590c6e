import { validateManifest } from '../bundle/manifest.ts';
import type { BundleManifest } from '../bundle/manifest.ts';
import { ModelNotInstalledError } from '../errors.ts';

/** A manifest.json fetched from `from`, parsed and checked; a page that is not JSON is named, not thrown as a SyntaxError. */
export function manifestFromText(text: string, from: string): BundleManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelNotInstalledError(`${from} is not a wan-web manifest (not JSON): check the bundle URL; it should be the folder that holds manifest.json.`);
  }
  return validateManifest(json);
}
