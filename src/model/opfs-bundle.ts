import { validateManifest } from '../convert/bundle/manifest.ts';
import type { BundleAccess } from '../pipeline/bundle-access.ts';
import type { OrtModule } from '../pipeline/ort-types.ts';
import { ModelNotInstalledError } from '../errors.ts';
import { MODEL_FILES } from './model-store.ts';
import type { ModelStore } from './model-store.ts';
import { existingFile, readJson } from './opfs-files.ts';
import { webBundleAccess } from './web-bundle-access.ts';

/**
 * An installed model read from OPFS. External weight files go to onnxruntime-web as File
 * objects, which its JSPI build streams to the GPU one initializer at a time, so multi-GB
 * weight files never sit whole in the JS heap.
 */
export async function openInstalledBundle(ort: OrtModule, store: ModelStore, id: string): Promise<BundleAccess> {
  const installed = await store.installed(id);
  if (!installed) throw new ModelNotInstalledError(`The model ${id} is not installed (or its install did not finish). Install it from the Models panel.`);
  const folder = await store.folder(id, false);
  const bundle = await store.bundleFolder(id, false);
  const manifest = validateManifest(await readJson(folder, MODEL_FILES.manifest));
  const file = async (path: string) => {
    const found = await existingFile(bundle, path);
    if (!found) throw new ModelNotInstalledError(`${installed.name} is missing ${path}. Delete the model and install it again.`);
    return found;
  };
  return webBundleAccess(ort, manifest, {
    title: installed.name,
    bytes: async (path) => new Uint8Array(await (await file(path)).arrayBuffer()),
    externalData: file,
    readRange: async (path, offset, length) => new Uint8Array(await (await file(path)).slice(offset, offset + length).arrayBuffer()),
    readText: async (path) => (await file(path)).text(),
  });
}
