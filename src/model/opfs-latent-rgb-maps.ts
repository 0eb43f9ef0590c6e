import { latentRgbMapFromJson, latentRgbMapToJson } from '../pipeline/preview/latent-rgb-map-store.ts';
import type { LatentRgbMapStore } from '../pipeline/preview/latent-rgb-map-store.ts';
import { readJson, writeJson } from '../opfs-files.ts';

const FOLDER = 'preview-maps';

/** Fitted preview maps in OPFS (`preview-maps/<key>.json`), shared by every model with the same VAE encoder. */
export function opfsLatentRgbMaps(storageRoot?: FileSystemDirectoryHandle): LatentRgbMapStore {
  const folder = async () => (storageRoot ?? (await navigator.storage.getDirectory())).getDirectoryHandle(FOLDER, { create: true });
  return {
    get: async (key) => latentRgbMapFromJson(await readJson(await folder(), `${key}.json`)),
    put: async (key, map) => writeJson(await folder(), `${key}.json`, latentRgbMapToJson(map)),
  };
}
