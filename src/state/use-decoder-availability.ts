import { useEffect, useMemo } from 'react';
import { decoderAvailability } from './decoder-availability.ts';
import type { DecoderAvailability } from './decoder-availability.ts';
import { useModelsStore } from './models-store.ts';
import { modelLocation, useSettingsStore } from './settings-store.ts';
import { useModelLocation } from './use-model-location.ts';
import { useUrlTinyDecoderStore } from './url-tiny-decoder-store.ts';

/** Whether the chosen model has the tiny decoder; a bundle used from a URL has its manifest read to tell. */
export function useDecoderAvailability(): DecoderAvailability {
  const location = useModelLocation();
  const installed = useModelsStore((s) => s.installed);
  const known = useUrlTinyDecoderStore((s) => s.known);
  const learn = useUrlTinyDecoderStore((s) => s.learn);
  useEffect(() => {
    if (location?.kind === 'url') learn(location.url);
  }, [location, learn]);
  return useMemo(() => decoderAvailability(location, installed, known), [location, installed, known]);
}

/** The same, now, outside React (when a job is made). */
export function currentDecoderAvailability(): DecoderAvailability {
  return decoderAvailability(modelLocation(useSettingsStore.getState()), useModelsStore.getState().installed, useUrlTinyDecoderStore.getState().known);
}
