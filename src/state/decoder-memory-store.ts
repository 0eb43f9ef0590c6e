import { create } from 'zustand';
import { modelLocationKey } from '../model/model-location.ts';
import type { ModelLocation } from '../model/model-location.ts';
import type { DecoderMemoryForecast } from '../runtime/model-host-api.ts';
import { wanWorker } from './worker-client.ts';

interface DecoderMemoryState {
  /** By model location key: its decoders' predicted memory, once the worker has read the graphs. */
  readonly forecasts: Readonly<Record<string, DecoderMemoryForecast>>;
  /** Asks the worker once per model (a failed read is asked again next time). */
  learn(location: ModelLocation): void;
}

const asked = new Set<string>();

/** Each model's decoder memory as predicted from its graphs: what the low-memory offer goes on before anything is measured. */
export const useDecoderMemoryStore = create<DecoderMemoryState>()((set) => ({
  forecasts: {},
  learn(location) {
    const key = modelLocationKey(location);
    if (asked.has(key)) return;
    asked.add(key);
    wanWorker()
      .decoderMemory(location)
      .then(
        (forecast) => set((state) => ({ forecasts: { ...state.forecasts, [key]: forecast } })),
        () => asked.delete(key),
      );
  },
}));
