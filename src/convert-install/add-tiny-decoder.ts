import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { BUNDLE_FORMAT_VERSION, validateManifest } from '../bundle/manifest.ts';
import type { BundleManifest } from '../bundle/manifest.ts';
import type { ComponentShelf, ConvertedComponent } from '../bundle/component-shelf.ts';
import type { ModelSource } from '../bundle/model-source.ts';
import type { QuantConfig } from '../bundle/quant-config.ts';
import { parseVaeConfig } from '../bundle/vae-config.ts';
import { TAEW2_2, checkTinyDecoderFits, withTinyDecoder, writeTinyDecoder } from '../convert/tiny-vae/index.ts';
import { checkpointWeightSource } from '../convert/weights/weight-source.ts';
import { ConvertError, ModelNotInstalledError } from '../errors.ts';
import { downloadPinnedGitFile, gitBlobId } from '../model/git-blob-download.ts';
import type { PinnedGitFile } from '../model/git-blob-download.ts';
import { MODEL_FILES } from '../model/model-store.ts';
import type { InstalledModel, ModelStore } from '../model/model-store.ts';
import { opfsComponentShelf } from '../model/shared-components.ts';
import { readJson, writeJson } from '../opfs-files.ts';
import { blobByteSource, openSafetensors } from '../safetensors/index.ts';
import type { BlobLike } from '../safetensors/index.ts';

/** madebyollin/taehv's tiny decoder for Wan2.2, at the commit the builder was checked against. */
export const TAEW2_2_FILE: PinnedGitFile = {
  repo: 'madebyollin/taehv',
  commit: '1f14a568f24bf8811e0a0ac601613e04fc1581e8',
  path: 'safetensors/taew2_2.safetensors',
  blob: '9d0ef19504c0b918eb6a8efea1ed8596cf666400',
};

/** Where the tiny decoder to add comes from: its upstream file (downloaded and verified), or a file picked on this computer. */
export type TinyDecoderOrigin = { readonly kind: 'upstream' } | { readonly kind: 'file'; readonly file: BlobLike; readonly name: string };

export interface AddTinyDecoderOptions {
  readonly store: ModelStore;
  readonly id: string;
  readonly origin: TinyDecoderOrigin;
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
}

/** Bump when the tiny decoder's builder writes other bytes for the same weights and precision. */
const TINY_BUILDER_REVISION = 1;

/** The shelf key of a tiny decoder: its file's git blob id (the same file picked or downloaded is the same key) and the model's precision. */
function tinyDecoderKey(blob: string, precision: BundleManifest['precision']): string {
  const identity = JSON.stringify({ kind: 'tinyDecoder', blob, precision, format: BUNDLE_FORMAT_VERSION, builder: TINY_BUILDER_REVISION });
  return `tiny-${bytesToHex(sha256(new TextEncoder().encode(identity))).slice(0, 32)}`;
}

/**
 * Adds the tiny decoder to an installed model without installing it again. It is a shared
 * component (components/<key>/ in OPFS, keyed by the file's blob id and the model's precision):
 * built once, at the model's precision, from the picked or downloaded file, and taken as it is
 * by every other model at that precision (nothing downloaded then). The manifest and the
 * installed record are then replaced (each in one step). On failure the model is as it was.
 */
export async function addTinyDecoderToInstalled(options: AddTinyDecoderOptions): Promise<InstalledModel> {
  const { store, id, origin, signal } = options;
  const installed = await store.installed(id);
  if (!installed) throw new ModelNotInstalledError(`The model ${id} is not installed: install it first, then add the fast decoder.`);
  const folder = await store.folder(id, false);
  const manifest = validateManifest(await readJson(folder, MODEL_FILES.manifest));
  if (manifest.tinyDecoder) return installed;
  const picked = origin.kind === 'file' ? new Uint8Array(await origin.file.slice(0, origin.file.size).arrayBuffer()) : null;
  const source: ModelSource = origin.kind === 'file' ? { repo: origin.name, revision: 'local' } : { repo: TAEW2_2_FILE.repo, revision: TAEW2_2_FILE.commit };
  const key = tinyDecoderKey(picked ? gitBlobId(picked) : TAEW2_2_FILE.blob, manifest.precision);
  const shelf = opfsComponentShelf(store.components, folder);
  const tiny = (await shelf.find(key)) ?? (await buildShared(shelf, key, manifest, picked ?? (await downloadPinnedGitFile(TAEW2_2_FILE, options.fetch ?? fetch.bind(globalThis), signal)), origin, signal));
  if (signal?.aborted) throw new ConvertError('Adding the fast decoder was stopped; the model is as it was.');
  await shelf.use('tinyDecoder', key);
  const updated = withTinyDecoder(manifest, tiny, source);
  await writeJson(folder, MODEL_FILES.manifest, updated);
  return store.recordInstalled(id, updated, installed.source);
}

/** Builds the tiny decoder from `bytes` (a taew2_2.safetensors) into the shelf under `key`; on failure nothing is left there. */
async function buildShared(shelf: ComponentShelf, key: string, manifest: BundleManifest, bytes: Uint8Array, origin: TinyDecoderOrigin, signal?: AbortSignal): Promise<ConvertedComponent> {
  const name = origin.kind === 'file' ? origin.name : TAEW2_2_FILE.path.split('/').pop()!;
  const safetensors = await openSafetensors(blobByteSource(new Blob([bytes as Uint8Array<ArrayBuffer>]), name));
  const weights = checkpointWeightSource({ component: name, tensors: safetensors.tensors, readTensor: (tensor) => safetensors.readTensor(tensor) });
  checkTinyDecoderFits({ weights, source: { repo: name, revision: 'local' }, config: TAEW2_2 }, parseVaeConfig(manifest.configs.vae).zDim);
  // Written in place, with no journal: an interrupted build is removed, not resumed.
  const { create, commit, abort } = await shelf.sink(key);
  try {
    const tiny = await writeTinyDecoder({ create, commit, abort }, weights, { ...manifest.precision } as QuantConfig);
    if (signal?.aborted) throw new ConvertError('Adding the fast decoder was stopped; the model is as it was.');
    await commit();
    await shelf.record(key, tiny);
    return tiny;
  } catch (error) {
    await abort();
    throw error;
  }
}
