import { useShallow } from 'zustand/react/shallow';
import { estimateQuery } from '../../pipeline/estimate/generation-estimate.ts';
import type { GenerationEstimate } from '../../pipeline/estimate/generation-estimate.ts';
import { estimateFor, useEstimateStore } from '../../state/estimate-store.ts';
import { modelLocation, useSettingsStore } from '../../state/settings-store.ts';
import { useStartImageStore } from '../../state/start-image-store.ts';

/** The estimate for the current settings (at the start image's crop size when there is one), or null. */
export function useGenerationEstimate(): GenerationEstimate | null {
  // Only what the estimate depends on: typing a prompt does not refit it.
  const settings = useSettingsStore(
    useShallow(({ width, height, frames, steps, guidance, shift, sampler, modelSource, installedModelId, bundleUrl }) => ({
      width,
      height,
      frames,
      steps,
      guidance,
      shift,
      sampler,
      model: modelLocation({ modelSource, installedModelId, bundleUrl }),
    })),
  );
  const image = useStartImageStore((state) => state.image?.rgb ?? null);
  const profiles = useEstimateStore((state) => state.profiles);
  return estimateFor(profiles, settings.model, estimateQuery(settings, image));
}
