import { LOCAL_FOLDER_URL, localFilesFetch, localFolderKind } from '../model/local-folder.ts';
import type { LocalFiles } from '../model/local-folder.ts';
import { ModelStore } from '../model/model-store.ts';
import { installBundleFromUrl } from '../model/url-bundle-install.ts';
import type { ModelInstalls } from '../runtime/model-host-parts.ts';
import { blobCheckpointFiles } from '../safetensors/index.ts';
import { installFromCheckpoint } from './checkpoint-install.ts';
import { installSelfTestModel } from './self-test-model.ts';
import { componentFilesConverter } from './component-files-install.ts';
import { addTinyDecoderToInstalled } from './add-tiny-decoder.ts';
import { InvalidInputError } from '../errors.ts';
import { blobByteSource } from '../safetensors/index.ts';
import { openLoraFile } from '../convert/lora/lora-file.ts';
import type { LoraFile } from '../convert/lora/lora-file.ts';
import type { LoraRequest } from '../runtime/model-host-api.ts';

/** Picked LoRA files, opened (header read, whole file hashed) for the conversion. */
async function pickedLoras(loras: readonly LoraRequest[] | undefined, signal: AbortSignal): Promise<{ loras?: LoraFile[] }> {
  if (!loras?.length) return {};
  return { loras: await Promise.all(loras.map((l) => openLoraFile(blobByteSource(l.file, l.fileName), l.strength, signal))) };
}

/** Models installed into this browser's OPFS: downloaded bundles, and checkpoints converted here. */
export const opfsModelInstalls: ModelInstalls = {
  list: async () => (await ModelStore.open()).list(),

  fromUrl: async ({ url }, signal, onProgress) => installBundleFromUrl({ store: await ModelStore.open(), url, signal, onProgress }),

  fromCheckpoint: async ({ url, source, quant, name, loras }, signal, onProgress) =>
    installFromCheckpoint({ store: await ModelStore.open(), url, source, quant, ...(name ? { name } : {}), ...(await pickedLoras(loras, signal)), signal, onProgress }),

  async fromFolder({ folderName, entries, quant, loras }, signal, onProgress) {
    const files: LocalFiles = new Map(entries.map((entry) => [entry.path, entry.file]));
    const store = await ModelStore.open();
    const resume = { kind: 'local-folder', folderName } as const;
    if (localFolderKind(files) === 'bundle') {
      if (loras?.length) throw new InvalidInputError(`${folderName} is a finished bundle: LoRAs are merged while converting a diffusers checkpoint. Pick the checkpoint's folder, or install without LoRAs.`);
      return installBundleFromUrl({ store, url: LOCAL_FOLDER_URL, fetch: localFilesFetch(files), signal, onProgress, retries: 0, resume });
    }
    const source = { repo: folderName, revision: 'local' };
    const picked = await pickedLoras(loras, signal);
    const convert = localFolderKind(files) === 'component-files' ? componentFilesConverter([...files.keys()], signal, onProgress) : undefined;
    return installFromCheckpoint({
      store,
      url: `local:${folderName}`,
      files: blobCheckpointFiles(files),
      source,
      quant,
      ...picked,
      signal,
      onProgress,
      resume,
      name: folderName,
      ...(convert ? { convert } : {}),
    });
  },

  selfTest: async (signal) => installSelfTestModel(await ModelStore.open(), signal),

  addTinyDecoder: async ({ id, file, fileName }, signal) =>
    addTinyDecoderToInstalled({ store: await ModelStore.open(), id, origin: file ? { kind: 'file', file, name: fileName ?? 'taew2_2.safetensors' } : { kind: 'upstream' }, signal }),

  remove: async (id) => (await ModelStore.open()).remove(id),
};
