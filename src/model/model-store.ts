import type { BundleManifest, LoraEntry } from '../bundle/manifest.ts';
import type { ModelSource } from '../bundle/model-source.ts';
import type { QuantConfig } from '../bundle/quant-config.ts';
import { readJson, removeEntryIfPresent, writeJson } from '../opfs-files.ts';
import { COMPONENTS_FOLDER, componentRefs, componentUse } from './shared-components.ts';
import type { ComponentRefs } from './shared-components.ts';

/** A model whose every file is present and verified against its manifest. */
export interface InstalledModel {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  readonly precision: BundleManifest['precision'];
  readonly bytes: number;
  readonly installedAt: string;
  /** Of `bytes`, what it shares with other models (a text encoder or VAE stored once), when listed and not 0. */
  readonly sharedBytes?: number;
  /** Whether its bundle has the tiny decoder (absent in records written before it existed: no). */
  readonly hasTinyDecoder?: boolean;
}

/** How an unfinished install is taken up again. */
export type ResumeRequest =
  | { readonly kind: 'bundle-url'; readonly url: string }
  /** With `loras`, the same LoRA files must be picked again (the page cannot keep them). */
  | { readonly kind: 'checkpoint-url'; readonly url: string; readonly source: ModelSource; readonly quant: QuantConfig; readonly name: string; readonly loras?: readonly LoraEntry[] }
  /** Files the user picked: the same folder must be picked again. */
  | { readonly kind: 'local-folder'; readonly folderName: string }
  | { readonly kind: 'self-test' };

// Until src/runtime/model-host-api.ts imports ModelSource itself.
export type { ModelSource as ModelSourceRef } from '../bundle/model-source.ts';

/** A started install that has not finished: what is verified so far. */
export interface PartialInstall {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  /** The bundle's size (download), or about what a conversion still has to write. */
  readonly bytes: number;
  /** Bundle files downloaded and verified; a conversion keeps its progress in its journal instead. */
  readonly verifiedPaths: readonly string[];
  /** A bundle being downloaded (or copied), or a checkpoint being converted. */
  readonly work: 'download' | 'conversion';
  readonly resume: ResumeRequest;
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
  private constructor(
    readonly root: FileSystemDirectoryHandle,
    /** Components shared by models (see shared-components.ts). */
    readonly components: FileSystemDirectoryHandle,
  ) {}

  static async open(storageRoot?: FileSystemDirectoryHandle): Promise<ModelStore> {
    const storage = storageRoot ?? (await navigator.storage.getDirectory());
    return new ModelStore(await storage.getDirectoryHandle('models', { create: true }), await storage.getDirectoryHandle(COMPONENTS_FOLDER, { create: true }));
  }

  /** The shared components of every model folder, installed or not, by model id. */
  private async allRefs(): Promise<Map<string, ComponentRefs>> {
    const refs = new Map<string, ComponentRefs>();
    for await (const [id, handle] of this.root.entries()) if (handle.kind === 'directory') refs.set(id, await componentRefs(handle as FileSystemDirectoryHandle));
    return refs;
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
      // install.json written before installs recorded how to resume came from bundle downloads.
      const progress = await readJson<Partial<PartialInstall> & Omit<PartialInstall, 'work' | 'resume'>>(folder, MODEL_FILES.progress);
      if (progress?.id === id) partial.push({ work: 'download', resume: { kind: 'bundle-url', url: progress.source }, ...progress });
    }
    const refs = await this.allRefs();
    const use = await componentUse(this.components, [...refs.values()]);
    const shared = (id: string) => Object.values(refs.get(id) ?? {}).reduce((sum, key) => sum + ((use.get(key)?.users ?? 0) > 1 ? use.get(key)!.bytes : 0), 0);
    const listed = installed.map((model) => (shared(model.id) > 0 ? { ...model, sharedBytes: shared(model.id) } : model));
    return { installed: listed.sort((a, b) => a.name.localeCompare(b.name)), partial };
  }

  async installed(id: string): Promise<InstalledModel | null> {
    const folder = await this.folder(id, false).catch(() => null);
    return folder ? readJson<InstalledModel>(folder, MODEL_FILES.installed) : null;
  }

  /** Marks a model whose every file is verified as installed (installed.json, written last) and returns its record. */
  async recordInstalled(id: string, manifest: BundleManifest, source: string): Promise<InstalledModel> {
    const installed: InstalledModel = {
      id,
      name: manifest.name,
      source,
      precision: manifest.precision,
      bytes: manifest.files.reduce((sum, file) => sum + file.bytes, 0),
      installedAt: new Date().toISOString(),
      hasTinyDecoder: manifest.tinyDecoder !== undefined,
    };
    await writeJson(await this.folder(id, false), MODEL_FILES.installed, installed);
    return installed;
  }

  folder(id: string, create: boolean): Promise<FileSystemDirectoryHandle> {
    return this.root.getDirectoryHandle(id, { create });
  }

  async bundleFolder(id: string, create: boolean): Promise<FileSystemDirectoryHandle> {
    return (await this.folder(id, create)).getDirectoryHandle(BUNDLE_FOLDER, { create });
  }

  /** Removes a model, installed or partial, and the shared components no other model uses. */
  async remove(id: string): Promise<void> {
    const refs = await this.allRefs();
    const mine = new Set(Object.values(refs.get(id) ?? {}));
    refs.delete(id);
    await removeEntryIfPresent(this.root, id);
    for (const other of refs.values()) for (const key of Object.values(other)) mine.delete(key);
    for (const key of mine) await removeEntryIfPresent(this.components, key);
  }
}
