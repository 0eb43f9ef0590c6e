import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { convertCheckpoint } from '../convert/convert-checkpoint.ts';
import type { ConvertProgress } from '../convert/convert-checkpoint.ts';
import type { QuantConfig } from '../convert/quant/quant-config.ts';
import { httpCheckpointFiles } from '../convert/safetensors/index.ts';
import type { CheckpointFiles } from '../convert/safetensors/index.ts';
import { InstallPausedError, StorageFullError } from '../errors.ts';
import { MODEL_FILES, ModelStore } from './model-store.ts';
import type { InstalledModel } from './model-store.ts';
import { isQuotaError, writeJson } from './opfs-files.ts';
import { opfsBundleSink } from './opfs-bundle-sink.ts';

export interface CheckpointInstallOptions {
  readonly store: ModelStore;
  /** The diffusers checkpoint's root URL, e.g. https://huggingface.co/<repo>/resolve/<revision>, or where local files came from. */
  readonly url: string;
  /** The checkpoint's files; by default read from `url` with range requests. */
  readonly files?: CheckpointFiles;
  readonly source: { readonly repo: string; readonly revision: string };
  readonly name?: string;
  /** The model's folder name; by default a hash of the URL, source and precision. */
  readonly id?: string;
  readonly quant: QuantConfig;
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ConvertProgress) => void;
}

/**
 * Installs a model from the official diffusers weights: the model builder runs here, reading
 * tensors with HTTP range requests and writing the bundle straight into OPFS, so the source
 * is never stored whole. The model is marked installed only after the manifest is written.
 */
export async function installFromCheckpoint(options: CheckpointInstallOptions): Promise<InstalledModel> {
  const { store, quant, signal } = options;
  const id = options.id ?? `convert-${bytesToHex(sha256(new TextEncoder().encode(JSON.stringify({ url: options.url, source: options.source, quant })))).slice(0, 16)}`;
  const already = await store.installed(id);
  if (already) return already;
  await store.remove(id);
  const folder = await store.folder(id, true);
  const bundle = await store.bundleFolder(id, true);
  const fetchFn = options.fetch ?? fetch.bind(globalThis);
  try {
    const files = options.files ?? httpCheckpointFiles(options.url, { fetch: fetchFn });
    const manifest = await convertCheckpoint(files, opfsBundleSink(bundle, () => store.remove(id)), {
      quant,
      source: options.source,
      ...(options.name ? { name: options.name } : {}),
      ...(signal ? { signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    await writeJson(folder, MODEL_FILES.manifest, manifest);
    const installed: InstalledModel = {
      id,
      name: manifest.name,
      source: options.url,
      precision: manifest.precision,
      bytes: manifest.files.reduce((sum, file) => sum + file.bytes, 0),
      installedAt: new Date().toISOString(),
    };
    await writeJson(folder, MODEL_FILES.installed, installed);
    return installed;
  } catch (error) {
    await store.remove(id).catch(() => undefined);
    if (isQuotaError(error)) {
      throw new StorageFullError("There is no room left in this browser's storage for the converted model. Free disk space or delete other models or videos, then install again.");
    }
    if (signal?.aborted) throw new InstallPausedError('The conversion was stopped; it starts over when installed again.');
    throw error;
  }
}
