import { useShallow } from 'zustand/react/shallow';
import { estimateQuery } from '../pipeline/estimate/generation-estimate.ts';
import type { GenerationEstimate } from '../pipeline/estimate/generation-estimate.ts';
import { estimateFor, useEstimateStore } from './estimate-store.ts';
import { useSettingsStore } from './settings-store.ts';
import { useStartImageStore } from './start-image-store.ts';
import { useModelLocation } from './use-model-location.ts';
import { effectiveDecoder } from './decoder-availability.ts';
import { useDecoderAvailability } from './use-decoder-availability.ts';

/** The estimate for the current settings and decoder (at the start image's crop size when there is one), or null. */
export function useGenerationEstimate(): GenerationEstimate | null {
  // Only what the estimate depends on: typing a prompt does not refit it.
  const settings = useSettingsStore(
    useShallow(({ width, height, frames, steps, guidance, shift, sampler }) => ({ width, height, frames, steps, guidance, shift, sampler })),
  );
  const location = useModelLocation();
  const image = useStartImageStore((state) => state.image?.rgb ?? null);
  const profiles = useEstimateStore((state) => state.profiles);
  const decoder = effectiveDecoder(useSettingsStore((state) => state.decoder), useDecoderAvailability());
  return estimateFor(profiles, location, estimateQuery({ ...settings, decoder }, image));
}
