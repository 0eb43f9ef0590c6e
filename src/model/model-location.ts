import { ModelStore } from './model-store.ts';
import { openInstalledBundle } from './opfs-bundle.ts';
import { openUrlBundle } from './url-bundle.ts';
import type { WebBundle } from './web-bundle-access.ts';

const INSTALLED = 'installed:';

/** Where a generation's model is: an installed model (`installed:<id>`) or a bundle URL read directly. */
export type ModelLocation = string;

export const installedModelLocation = (id: string): ModelLocation => `${INSTALLED}${id}`;

export async function openModel(location: ModelLocation): Promise<WebBundle> {
  if (location.startsWith(INSTALLED)) return openInstalledBundle(await ModelStore.open(), location.slice(INSTALLED.length));
  return openUrlBundle(location);
}
