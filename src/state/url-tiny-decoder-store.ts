import { create } from 'zustand';
import { readUrlManifest } from '../model/url-manifest.ts';
import type { UrlTinyDecoder } from './decoder-availability.ts';

interface UrlTinyDecoderState {
  /** By bundle URL (as ModelLocation has it): whether its manifest lists a tiny decoder. */
  readonly known: Readonly<Record<string, UrlTinyDecoder>>;
  /** Reads the manifest at `url` once, unless it has been read or is being read. */
  learn(url: string): void;
}

/** What the page knows of the tiny decoders of bundles used from a URL (the worker reads them again to generate). */
export const useUrlTinyDecoderStore = create<UrlTinyDecoderState>()((set, get) => ({
  known: {},
  learn(url) {
    if (get().known[url]) return;
    const settle = (state: UrlTinyDecoder) => set((s) => ({ known: { ...s.known, [url]: state } }));
    settle('reading');
    readUrlManifest(url).then(
      (manifest) => settle(manifest.tinyDecoder ? 'yes' : 'no'),
      () => settle('unreadable'),
    );
  },
}));
