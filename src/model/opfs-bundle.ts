import { checkBundleFiles } from '../bundle/bundle-files-check.ts';
import { validateManifest } from '../bundle/manifest.ts';
import { ModelNotInstalledError } from '../errors.ts';
import { MODEL_FILES } from './model-store.ts';
import { componentFiles, componentRecord, componentRefs } from './shared-components.ts';
import type { ModelStore } from './model-store.ts';
import { existingFile, readJson } from '../opfs-files.ts';
import { streamRange } from './byte-stream.ts';
import type { WebBundle } from './web-bundle-access.ts';

/** An installed model read from OPFS: weights are streamed from its files in slices, never read whole. */
export async function openInstalledBundle(store: ModelStore, id: string): Promise<WebBundle> {
  const installed = await store.installed(id);
  if (!installed) throw new ModelNotInstalledError(`The model ${id} is not installed (or its install did not finish). Install it from the Models panel.`);
  const folder = await store.folder(id, false);
  const bundle = await store.bundleFolder(id, false);
  const manifest = validateManifest(await readJson(folder, MODEL_FILES.manifest));
  const reinstall = 'Delete the model in the Models panel and install it again.';
  const shared = await sharedFileFolders(store, folder);
  await checkBundleFiles(manifest, async (path) => (await existingFile(shared.get(path) ?? bundle, path))?.size ?? null, { title: installed.name, advice: reinstall });
  const damaged = (path: string) => new ModelNotInstalledError(`${installed.name} is missing part of ${path}. ${reinstall}`);
  const file = async (path: string) => {
    const found = await existingFile(shared.get(path) ?? bundle, path);
    if (!found) throw new ModelNotInstalledError(`${installed.name} is missing ${path}. ${reinstall}`);
    return found;
  };
  return {
    manifest,
    files: {
      title: installed.name,
      key: `installed:${id}`,
      bytes: async (path) => new Uint8Array(await (await file(path)).arrayBuffer()),
      async *stream(path, offset, length) {
        yield* streamRange((await file(path)).slice(offset, offset + length).stream(), 0, length, () => damaged(path));
      },
      async readRange(path, offset, length) {
        const bytes = new Uint8Array(await (await file(path)).slice(offset, offset + length).arrayBuffer());
        if (bytes.length !== length) throw damaged(path);
        return bytes;
      },
      readText: async (path) => (await file(path)).text(),
    },
  };
}

/** Where each file of the shared components a model uses lies (its other files are in its bundle folder). */
async function sharedFileFolders(store: ModelStore, model: FileSystemDirectoryHandle): Promise<Map<string, FileSystemDirectoryHandle>> {
  const folders = new Map<string, FileSystemDirectoryHandle>();
  for (const key of Object.values(await componentRefs(model))) {
    const record = await componentRecord(store.components, key);
    if (!record) continue;
    const files = await componentFiles(store.components, key);
    for (const file of record.files) folders.set(file.path, files);
  }
  return folders;
}
