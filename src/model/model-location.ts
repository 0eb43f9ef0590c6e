/** Where a generation's model is: a model installed in this browser, or a bundle read straight from a URL. */
export type ModelLocation =
  | { readonly kind: 'installed'; readonly id: string }
  | { readonly kind: 'url'; readonly url: string };

export const installedModel = (id: string): ModelLocation => ({ kind: 'installed', id });

export const bundleAtUrl = (url: string): ModelLocation => ({ kind: 'url', url });

const INSTALLED_PREFIX = 'installed:';

/**
 * The location as one string, for keying caches and stored measurements. It is the string
 * earlier versions used as the location itself, so measurements stored then still match.
 */
export function modelLocationKey(location: ModelLocation): string {
  return location.kind === 'installed' ? `${INSTALLED_PREFIX}${location.id}` : location.url;
}

