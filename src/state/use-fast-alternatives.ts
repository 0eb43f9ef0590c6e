import { estimateQuery } from '../pipeline/estimate/generation-estimate.ts';
import { estimateFor, useEstimateStore } from './estimate-store.ts';
import { fastAlternatives } from './fast-alternatives.ts';
import type { FastAlternative } from './fast-alternatives.ts';
import { useModelsStore } from './models-store.ts';
import { useSettingsStore } from './settings-store.ts';
import { useStartImageStore } from './start-image-store.ts';
import { useGenerationEstimate } from './use-generation-estimate.ts';

/** Faster alternatives to the current settings when their estimate is long (see fastAlternatives). */
export function useFastAlternatives(): FastAlternative[] {
  const estimate = useGenerationEstimate();
  const settings = useSettingsStore();
  const installed = useModelsStore((state) => state.installed);
  const profiles = useEstimateStore((state) => state.profiles);
  const image = useStartImageStore((state) => state.image?.rgb ?? null);
  return fastAlternatives(settings, estimate?.totalMs ?? null, installed, (location, changed) => estimateFor(profiles, location, estimateQuery(changed, image))?.totalMs ?? null);
}
