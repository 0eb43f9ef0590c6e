import type { BundleManifest } from '../convert/bundle/manifest.ts';
import { readJson } from './opfs-files.ts';

/** A model whose every file is present and verified against its manifest. */
export interface InstalledModel {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  readonly precision: BundleManifest['precision'];
  readonly bytes: number;
  readonly installedAt: string;
}

/** A started install that has not finished: what is verified so far. */
export interface PartialInstall {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  readonly bytes: number;
  readonly verifiedPaths: readonly string[];
}

/** The files that describe a model folder in OPFS (models/<id>/), beside its bundle/ folder. */
export const MODEL_FILES = {
  /** The bundle's manifest, written first. */
  manifest: 'manifest.json',
  /** PartialInstall, rewritten as files are verified. */
  progress: 'install.json',
  /** InstalledModel, written last: only a model with it is ready. */
  installed: 'installed.json',
} as const;

export const BUNDLE_FOLDER = 'bundle';

/**
 * Installed models in the origin private file system, one folder each under models/,
 * named by a hash of the manifest (the same bundle from any URL is the same model).
 */
export class ModelStore {
  private constructor(readonly root: FileSystemDirectoryHandle) {}

  static async open(storageRoot?: FileSystemDirectoryHandle): Promise<ModelStore> {
    const root = await (storageRoot ?? (await navigator.storage.getDirectory())).getDirectoryHandle('models', { create: true });
    return new ModelStore(root);
  }

  async list(): Promise<{ installed: InstalledModel[]; partial: PartialInstall[] }> {
    const installed: InstalledModel[] = [];
    const partial: PartialInstall[] = [];
    for await (const [id, handle] of this.root.entries()) {
      if (handle.kind !== 'directory') continue;
      const folder = handle as FileSystemDirectoryHandle;
      const done = await readJson<InstalledModel>(folder, MODEL_FILES.installed);
      if (done?.id === id) {
        installed.push(done);
        continue;
      }
      const progress = await readJson<PartialInstall>(folder, MODEL_FILES.progress);
      if (progress?.id === id) partial.push(progress);
    }
    return { installed: installed.sort((a, b) => a.name.localeCompare(b.name)), partial };
  }

  async installed(id: string): Promise<InstalledModel | null> {
    const folder = await this.folder(id, false).catch(() => null);
    return folder ? readJson<InstalledModel>(folder, MODEL_FILES.installed) : null;
  }

  folder(id: string, create: boolean): Promise<FileSystemDirectoryHandle> {
    return this.root.getDirectoryHandle(id, { create });
  }

  async bundleFolder(id: string, create: boolean): Promise<FileSystemDirectoryHandle> {
    return (await this.folder(id, create)).getDirectoryHandle(BUNDLE_FOLDER, { create });
  }

  /** Removes a model, installed or partial, and frees its space. */
  async remove(id: string): Promise<void> {
    await this.root.removeEntry(id, { recursive: true }).catch((error: unknown) => {
      if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
    });
  }
}
