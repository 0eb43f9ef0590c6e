import { assert } from '../../assert.ts';
import type { WeightSource } from '../weights/weight-source.ts';
import type { LoraEntry } from '../../bundle/manifest.ts';
import type { LoraFile } from './lora-file.ts';
import { loraRecord } from './lora-file.ts';
import { planLoras } from './lora-plan.ts';
import { loraMergedSource } from './lora-merged-source.ts';
import type { LoraMergedSource, LowRankProduct } from './lora-merged-source.ts';

/** LoRAs checked against a transformer and ready to merge into its weights as a conversion reads them. */
export interface LoraMerge {
  readonly records: readonly LoraEntry[];
  /** The transformer's weight source with the LoRAs merged in (use one per conversion). */
  wrap(weights: WeightSource): WeightSource;
  /** After the transformer's graphs are built: every patched tensor was read. */
  assertApplied(): void;
}

/** Maps every LoRA key to the transformer (refusing what does not map) before anything is written. */
export async function prepareLoraMerge(loras: readonly LoraFile[], transformer: WeightSource, product?: LowRankProduct): Promise<LoraMerge> {
  const plan = await planLoras(loras, transformer);
  const wrapped: LoraMergedSource[] = [];
  return {
    records: loras.map(loraRecord),
    wrap(weights) {
      const merged = loraMergedSource(weights, plan, product);
      wrapped.push(merged);
      return merged;
    },
    assertApplied() {
      const left = wrapped.flatMap((source) => source.unapplied());
      assert(wrapped.length > 0 && left.length === 0, `every LoRA-patched tensor is read by the DiT builders (not read: ${left.join(', ')})`);
    },
  };
}
