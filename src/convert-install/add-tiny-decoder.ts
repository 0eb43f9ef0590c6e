import { validateManifest } from '../bundle/manifest.ts';
import type { BundleSink } from '../bundle/bundle-sink.ts';
import type { ModelSource } from '../bundle/model-source.ts';
import type { QuantConfig } from '../bundle/quant-config.ts';
import { TINY_DECODER_FILE_PREFIX } from '../bundle/tiny-vae-names.ts';
import { parseVaeConfig } from '../bundle/vae-config.ts';
import { TAEW2_2, checkTinyDecoderFits, withTinyDecoder, writeTinyDecoder } from '../convert/tiny-vae/index.ts';
import { checkpointWeightSource } from '../convert/weights/weight-source.ts';
import { ConvertError, ModelNotInstalledError } from '../errors.ts';
import { downloadPinnedGitFile } from '../model/git-blob-download.ts';
import type { PinnedGitFile } from '../model/git-blob-download.ts';
import { MODEL_FILES } from '../model/model-store.ts';
import type { InstalledModel, ModelStore } from '../model/model-store.ts';
import { opfsBundleSink } from '../model/opfs-bundle-sink.ts';
import { readJson, removeEntryIfPresent, writeJson } from '../opfs-files.ts';
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

/**
 * Adds the tiny decoder to an installed model without installing it again: its graphs and
 * weight files (`tiny-vae-…`, built here at the model's precision) join the bundle folder,
 * then the manifest and the installed record are replaced (each in one step). On failure
 * the new files are removed and the model is as it was.
 */
export async function addTinyDecoderToInstalled(options: AddTinyDecoderOptions): Promise<InstalledModel> {
  const { store, id, origin, signal } = options;
  const installed = await store.installed(id);
  if (!installed) throw new ModelNotInstalledError(`The model ${id} is not installed: install it first, then add the fast decoder.`);
  const folder = await store.folder(id, false);
  const manifest = validateManifest(await readJson(folder, MODEL_FILES.manifest));
  if (manifest.tinyDecoder) return installed;
  const file = origin.kind === 'file' ? origin.file : new Blob([(await downloadPinnedGitFile(TAEW2_2_FILE, options.fetch ?? fetch.bind(globalThis), signal)) as Uint8Array<ArrayBuffer>]);
  const name = origin.kind === 'file' ? origin.name : TAEW2_2_FILE.path.split('/').pop()!;
  const source: ModelSource = origin.kind === 'file' ? { repo: origin.name, revision: 'local' } : { repo: TAEW2_2_FILE.repo, revision: TAEW2_2_FILE.commit };
  const safetensors = await openSafetensors(blobByteSource(file, name));
  const weights = checkpointWeightSource({ component: name, tensors: safetensors.tensors, readTensor: (tensor) => safetensors.readTensor(tensor) });
  checkTinyDecoderFits({ weights, source, config: TAEW2_2 }, parseVaeConfig(manifest.configs.vae).zDim);

  const bundle = await store.bundleFolder(id, false);
  const removeTinyFiles = async () => {
    for await (const entry of bundle.keys()) if (entry.startsWith(TINY_DECODER_FILE_PREFIX)) await removeEntryIfPresent(bundle, entry);
  };
  // Written in place, with no journal: an interrupted addition is removed, not resumed.
  const { create, commit, abort } = opfsBundleSink(folder, bundle, removeTinyFiles);
  const sink: BundleSink = { create, commit, abort };
  try {
    const updated = withTinyDecoder(manifest, await writeTinyDecoder(sink, weights, { ...manifest.precision } as QuantConfig), source);
    if (signal?.aborted) throw new ConvertError('Adding the fast decoder was stopped; the model is as it was.');
    await writeJson(folder, MODEL_FILES.manifest, updated);
    return await store.recordInstalled(id, updated, installed.source);
  } catch (error) {
    await removeTinyFiles();
    throw error;
  }
}
