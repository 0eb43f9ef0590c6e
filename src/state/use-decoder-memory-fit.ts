import { useEffect } from 'react';
import { modelLocationKey } from '../model/model-location.ts';
import { decoderFit } from '../pipeline/estimate/decoder-memory.ts';
import type { DecoderFit } from '../pipeline/estimate/decoder-memory.ts';
import { useDecoderMemoryStore } from './decoder-memory-store.ts';
import { useEstimateStore } from './estimate-store.ts';
import { useSettingsStore } from './settings-store.ts';
import { useModelLocation } from './use-model-location.ts';

/**
 * Whether the full VAE decoder will fit this GPU at the chosen size, predicted from the
 * model's graphs, for when nothing has been measured here yet; null until the graphs are read.
 */
export function useFullDecoderFit(): DecoderFit | null {
  const location = useModelLocation();
  const learn = useDecoderMemoryStore((s) => s.learn);
  const forecasts = useDecoderMemoryStore((s) => s.forecasts);
  const profiles = useEstimateStore((s) => s.profiles);
  const width = useSettingsStore((s) => s.width);
  const height = useSettingsStore((s) => s.height);
  useEffect(() => {
    if (location) learn(location);
  }, [location, learn]);
  if (!location) return null;
  const key = modelLocationKey(location);
  const law = forecasts[key]?.laws.full;
  if (!law) return null;
  const profile = profiles[key];
  const bufferLimitBytes = forecasts[key]!.bufferLimitBytes ?? profile?.bufferLimitBytes ?? null;
  return decoderFit(law, { width, height }, { bufferLimitBytes, outOfMemoryAtBytes: profile?.outOfMemoryAtBytes ?? null });
}
