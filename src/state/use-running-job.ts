import { useMemo } from 'react';
import { estimateQuery } from '../pipeline/estimate/generation-estimate.ts';
import { estimateFor, useEstimateStore } from './estimate-store.ts';
import { useGenerationStore } from './generation-store.ts';
import { measuredDurations } from './job-progress.ts';
import type { PhaseDurations } from './job-progress.ts';

/** How long each stage of the running job takes on this machine, where measured; null while nothing is. */
export function useRunningJobDurations(): PhaseDurations | null {
  const running = useGenerationStore((state) => state.running);
  const profiles = useEstimateStore((state) => state.profiles);
  return useMemo(() => {
    if (!running?.location) return null;
    return measuredDurations(estimateFor(profiles, running.location, estimateQuery({ ...running.settings, decoder: running.decoder }, running.image?.rgb ?? null)));
  }, [running, profiles]);
}
