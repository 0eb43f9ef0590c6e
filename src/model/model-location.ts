import type { BundleAccess } from '../pipeline/bundle-access.ts';
import type { OrtModule } from '../pipeline/ort-types.ts';
import { ModelStore } from './model-store.ts';
import { openInstalledBundle } from './opfs-bundle.ts';
import { openUrlBundle } from './url-bundle.ts';

const INSTALLED = 'installed:';

/** Where a generation's model is: an installed model (`installed:<id>`) or a bundle URL read directly. */
export type ModelLocation = string;

export const installedModelLocation = (id: string): ModelLocation => `${INSTALLED}${id}`;

export async function openModel(ort: OrtModule, location: ModelLocation): Promise<BundleAccess> {
  if (location.startsWith(INSTALLED)) return openInstalledBundle(ort, await ModelStore.open(), location.slice(INSTALLED.length));
  return openUrlBundle(ort, location);
}
