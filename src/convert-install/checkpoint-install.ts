import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { convertCheckpoint } from '../convert/convert-checkpoint.ts';
import type { ConvertOptions } from '../convert/convert-checkpoint.ts';
import type { BundleSink } from '../bundle/bundle-sink.ts';
import type { BundleManifest } from '../bundle/manifest.ts';
import type { TinyDecoderInput } from '../convert/tiny-vae/index.ts';
import type { ConvertProgress } from '../bundle/convert-progress.ts';
import type { CheckpointPolicy } from '../convert/bundle/conversion-journal.ts';
import type { QuantConfig } from '../bundle/quant-config.ts';
import { httpCheckpointFiles } from '../safetensors/index.ts';
import type { CheckpointFiles } from '../safetensors/index.ts';
import { ConvertError, InstallPausedError } from '../errors.ts';
import { MODEL_FILES, ModelStore } from '../model/model-store.ts';
import type { InstalledModel, PartialInstall, ResumeRequest } from '../model/model-store.ts';
import type { ModelSource } from '../bundle/model-source.ts';
import { isQuotaError, writeJson } from '../opfs-files.ts';
import { opfsBundleSink } from '../model/opfs-bundle-sink.ts';
import { opfsComponentShelf } from '../model/shared-components.ts';
import { ensureSpace, storageFull } from '../model/storage-space.ts';
import { loraRecord } from '../convert/lora/lora-file.ts';
import type { LoraFile } from '../convert/lora/lora-file.ts';
import type { StorageQuota } from '../model/storage-space.ts';

export interface CheckpointInstallOptions {
  readonly store: ModelStore;
  /** The diffusers checkpoint's root URL, e.g. https://huggingface.co/<repo>/resolve/<revision>, or where local files came from. */
  readonly url: string;
  /** The checkpoint's files; by default read from `url` with range requests. */
  readonly files?: CheckpointFiles;
  readonly source: ModelSource;
  readonly name?: string;
  /** The model's folder name; by default a hash of the URL, source and precision. */
  readonly id?: string;
  readonly quant: QuantConfig;
  /** How the list offers to take this install up again; by default from `url`. */
  readonly resume?: ResumeRequest;
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ConvertProgress) => void;
  readonly storage?: StorageQuota;
  readonly checkpointPolicy?: CheckpointPolicy;
  /** Also build this tiny decoder into the bundle. */
  readonly tinyDecoder?: TinyDecoderInput;
  /** How the files are converted; by default as a diffusers checkpoint ({@link convertCheckpoint}). */
  readonly convert?: (files: CheckpointFiles, sink: BundleSink, options: ConvertOptions) => Promise<BundleManifest>;
  /** LoRAs merged into the transformer; they are part of the model's id. */
  readonly loras?: readonly LoraFile[];
}

const KEPT = 'the conversion so far is kept.';

/** A merged model's name says which LoRAs it carries: `Wan2.2 TI2V-5B + style (0.8)`. */
function withLoraNames(name: string, loras: readonly LoraFile[] = []): string {
  return [name, ...loras.map((l) => `${l.name.replace(/\.safetensors$/i, '')} (${l.strength})`)].join(' + ');
}

/** The folder name of a conversion: the same checkpoint at the same precision is the same install, so it resumes. */
export function conversionId(url: string, source: ModelSource, quant: QuantConfig, loras: readonly LoraFile[] = []): string {
  const merged = loras.map(loraRecord);
  const identity = JSON.stringify({ url, source, quant, ...(merged.length ? { loras: merged } : {}) });
  return `convert-${bytesToHex(sha256(new TextEncoder().encode(identity))).slice(0, 16)}`;
}

/**
 * Installs a model from the official diffusers weights: the model builder runs here, reading
 * tensors with HTTP range requests and writing the bundle straight into OPFS, so the source
 * is never stored whole. The conversion journals its progress in the model's folder: after a
 * pause, a closed tab or a full disk, installing the same checkpoint again continues from the
 * last tensors saved. The model is marked installed only after the manifest is written.
 */
export async function installFromCheckpoint(options: CheckpointInstallOptions): Promise<InstalledModel> {
  const { store, quant, signal } = options;
  const id = options.id ?? conversionId(options.url, options.source, quant, options.loras);
  const already = await store.installed(id);
  if (already) return already;
  const baseName = options.name ?? options.source.repo;
  const name = withLoraNames(baseName, options.loras);
  const folder = await store.folder(id, true);
  const bundle = await store.bundleFolder(id, true);
  const fetchFn = options.fetch ?? fetch.bind(globalThis);
  try {
    const files = options.files ?? httpCheckpointFiles(options.url, { fetch: fetchFn });
    const manifest = await (options.convert ?? convertCheckpoint)(files, opfsBundleSink(folder, bundle, () => store.remove(id)), {
      quant,
      source: options.source,
      name,
      shelf: opfsComponentShelf(store.components, folder),
      ...(signal ? { signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.checkpointPolicy ? { checkpointPolicy: options.checkpointPolicy } : {}),
      ...(options.tinyDecoder ? { tinyDecoder: options.tinyDecoder } : {}),
      ...(options.loras?.length ? { loras: options.loras } : {}),
      beforeWriting: async (bytesToWrite) => {
        const loras = options.loras?.length ? { loras: options.loras.map(loraRecord) } : {};
        const resume = options.resume ?? { kind: 'checkpoint-url', url: options.url, source: options.source, quant, name: baseName, ...loras };
        await ensureSpace(options.storage ?? (navigator.storage as StorageQuota), bytesToWrite, `Converting ${name}`, KEPT);
        const partial: PartialInstall = { id, name, source: options.url, bytes: bytesToWrite, verifiedPaths: [], work: 'conversion', resume };
        await writeJson(folder, MODEL_FILES.progress, partial);
      },
    });
    await writeJson(folder, MODEL_FILES.manifest, manifest);
    return await store.recordInstalled(id, manifest, options.url);
  } catch (error) {
    // A source that cannot be converted leaves nothing behind; anything else can be resumed.
    if (error instanceof ConvertError) await store.remove(id).catch(() => undefined);
    if (isQuotaError(error)) throw storageFull(`for the converted ${name}`, KEPT);
    if (signal?.aborted) throw new InstallPausedError('The conversion was paused. Resume it to continue from the last tensors saved.');
    throw error;
  }
}
