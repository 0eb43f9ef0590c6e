import type { ModelLocation } from './model-location.ts';
import { ModelStore } from './model-store.ts';
import { openInstalledBundle } from './opfs-bundle.ts';
import { openUrlBundle } from './url-bundle.ts';
import type { WebBundle } from './web-bundle-access.ts';

/** Opens the bundle of a model installed in OPFS or served at a URL. */
export async function openModel(location: ModelLocation): Promise<WebBundle> {
  switch (location.kind) {
    case 'installed':
      return openInstalledBundle(await ModelStore.open(), location.id);
    case 'url':
      return openUrlBundle(location.url);
  }
}
