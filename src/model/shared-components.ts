import type { ComponentShelf, ConvertedComponent, SharedComponentKind } from '../bundle/component-shelf.ts';
import { readJson, removeEntryIfPresent, writeJson } from '../opfs-files.ts';
import { opfsBundleSink } from './opfs-bundle-sink.ts';

/** Converted components shared by models, one folder each under components/ in OPFS, by key. */
export const COMPONENTS_FOLDER = 'components';
/** In a component's folder: its record (written last, once every file is there), beside files/. */
const RECORD = 'component.json';
const FILES = 'files';
/** In a model's folder: the keys of the shared components it uses. */
export const MODEL_COMPONENTS = 'components.json';

export type ComponentRefs = Partial<Record<SharedComponentKind, string>>;

/** The keys of the shared components a model folder uses (none for a downloaded bundle). */
export async function componentRefs(model: FileSystemDirectoryHandle): Promise<ComponentRefs> {
  return (await readJson<ComponentRefs>(model, MODEL_COMPONENTS)) ?? {};
}

/** A finished shared component, or null. */
export async function componentRecord(components: FileSystemDirectoryHandle, key: string): Promise<ConvertedComponent | null> {
  const folder = await components.getDirectoryHandle(key).catch(() => null);
  return folder ? readJson<ConvertedComponent>(folder, RECORD) : null;
}

/** The folder that holds a shared component's files. */
export async function componentFiles(components: FileSystemDirectoryHandle, key: string): Promise<FileSystemDirectoryHandle> {
  return (await components.getDirectoryHandle(key)).getDirectoryHandle(FILES);
}

/**
 * The shelf a conversion into `model` uses: a component is converted into components/<key>/
 * (with its own journal, so it resumes too) and recorded there; the model notes every key it
 * uses before the component is converted or taken, so deleting another model never removes it.
 */
export function opfsComponentShelf(components: FileSystemDirectoryHandle, model: FileSystemDirectoryHandle): ComponentShelf {
  return {
    async use(kind, key) {
      await writeJson(model, MODEL_COMPONENTS, { ...(await componentRefs(model)), [kind]: key });
    },
    noted: async (kind) => (await componentRefs(model))[kind],
    find: (key) => componentRecord(components, key),
    async staging(key) {
      const folder = await components.getDirectoryHandle(key).catch(() => null);
      const files = folder && (await folder.getDirectoryHandle(FILES).catch(() => null));
      return folder && files ? opfsBundleSink(folder, files, async () => undefined).resumable : undefined;
    },
    async sink(key) {
      const folder = await components.getDirectoryHandle(key, { create: true });
      return opfsBundleSink(folder, await folder.getDirectoryHandle(FILES, { create: true }), () => removeEntryIfPresent(components, key));
    },
    async record(key, component) {
      await writeJson(await components.getDirectoryHandle(key), RECORD, component);
    },
  };
}

/** The size of each shared component the models use, and how many models use it. */
export async function componentUse(components: FileSystemDirectoryHandle, refsByModel: readonly ComponentRefs[]): Promise<Map<string, { bytes: number; users: number }>> {
  const use = new Map<string, { bytes: number; users: number }>();
  for (const refs of refsByModel) {
    for (const key of new Set(Object.values(refs))) {
      const entry = use.get(key) ?? { bytes: ((await componentRecord(components, key))?.files ?? []).reduce((sum, f) => sum + f.bytes, 0), users: 0 };
      use.set(key, { ...entry, users: entry.users + 1 });
    }
  }
  return use;
}
