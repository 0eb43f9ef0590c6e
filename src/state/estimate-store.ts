import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { GenerationCanceledError } from '../errors.ts';
import { modelLocationKey } from '../model/model-location.ts';
import type { ModelLocation } from '../model/model-location.ts';
import { calibrationRuns } from '../pipeline/estimate/calibration-plan.ts';
import { effectiveDecoder } from './decoder-availability.ts';
import { currentDecoderAvailability } from './use-decoder-availability.ts';
import { estimateGeneration } from '../pipeline/estimate/generation-estimate.ts';
import type { EstimateQuery, GenerationEstimate, MachineProfile } from '../pipeline/estimate/generation-estimate.ts';
import type { GenerationMeasurement } from '../pipeline/estimate/generation-measurement.ts';
import type { MachineInfo } from '../runtime/model-host-api.ts';
import { runGeneration } from './generation-client.ts';
import { generationSettings, modelLocation, useSettingsStore } from './settings-store.ts';
import { userMessage } from '../user-message.ts';

/** Measurements of one model on one GPU (a new GPU starts a new profile). */
export interface StoredProfile extends MachineProfile {
  readonly adapter: string;
}

/** The newest measurements kept per model: the fits only need a few sizes. */
const KEPT_MEASUREMENTS = 24;

interface EstimateState {
  /** By modelLocationKey (the key format of every version so far, so stored profiles keep matching). */
  readonly profiles: Readonly<Record<string, StoredProfile>>;
  /** The calibration run in progress (1-based), or null. */
  readonly calibrating: { readonly run: number; readonly runs: number } | null;
  readonly calibrationError: string | null;
  /** Adds what a finished generation measured. */
  record(location: ModelLocation, measurement: GenerationMeasurement, machine: MachineInfo | null): void;
  /** Remembers that settings with this estimated peak ran out of GPU memory. */
  recordOutOfMemory(location: ModelLocation, peakBytes: number): void;
  /** Runs the short calibration generations for the current model and size. */
  calibrate(): Promise<void>;
  cancelCalibration(): void;
}

let calibration: AbortController | null = null;

/** Time and GPU-memory estimates, from what generations measured on this machine; kept across reloads. */
export const useEstimateStore = create<EstimateState>()(
  persist(
    (set, get) => ({
      profiles: {},
      calibrating: null,
      calibrationError: null,

      record(location, measurement, machine) {
        if (!machine) return;
        const key = modelLocationKey(location);
        const previous = get().profiles[key];
        const same = previous?.adapter === machine.adapter ? previous : null;
        const profile: StoredProfile = {
          adapter: machine.adapter,
          bufferLimitBytes: machine.bufferLimitBytes,
          outOfMemoryAtBytes: same?.outOfMemoryAtBytes ?? null,
          measurements: [...(same?.measurements ?? []), measurement].slice(-KEPT_MEASUREMENTS),
        };
        set((state) => ({ profiles: { ...state.profiles, [key]: profile } }));
      },

      recordOutOfMemory(location, peakBytes) {
        const key = modelLocationKey(location);
        const profile = get().profiles[key];
        if (!profile) return;
        const outOfMemoryAtBytes = Math.min(profile.outOfMemoryAtBytes ?? Infinity, peakBytes);
        set((state) => ({ profiles: { ...state.profiles, [key]: { ...profile, outOfMemoryAtBytes } } }));
      },

      async calibrate() {
        if (get().calibrating) return;
        const settings = useSettingsStore.getState();
        const location = modelLocation(settings);
        if (!location) {
          set({ calibrationError: 'Choose an installed model first: estimates are measured with the model you will generate with.' });
          return;
        }
        const runs = calibrationRuns(generationSettings(settings));
        const decoder = effectiveDecoder(settings.decoder, currentDecoderAvailability());
        calibration = new AbortController();
        set({ calibrating: { run: 1, runs: runs.length }, calibrationError: null });
        try {
          for (const [index, run] of runs.entries()) {
            set({ calibrating: { run: index + 1, runs: runs.length } });
            const result = await runGeneration({ location, settings: run, preview: true, decoder, signal: calibration.signal });
            get().record(location, result.measurement, result.machine);
          }
        } catch (error) {
          if (!(error instanceof GenerationCanceledError)) set({ calibrationError: `Measuring stopped: ${userMessage(error)}` });
        } finally {
          calibration = null;
          set({ calibrating: null });
        }
      },

      cancelCalibration() {
        calibration?.abort();
      },
    }),
    {
      name: 'wan-web.estimates',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (state) => ({ profiles: state.profiles }),
    },
  ),
);

/** The estimate for `query` with the model at `location` on this machine, or null until enough has been measured. */
export function estimateFor(profiles: EstimateState['profiles'], location: ModelLocation | null, query: EstimateQuery): GenerationEstimate | null {
  const profile = location ? profiles[modelLocationKey(location)] : undefined;
  return profile ? estimateGeneration(profile, query) : null;
}
