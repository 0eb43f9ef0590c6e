import { assert } from '../../assert.ts';
import { toFloat32 } from '../../safetensors/index.ts';
import type { WeightSource } from '../weights/weight-source.ts';
import type { LoraPatch } from './lora-plan.ts';

/** A weight source whose patched tensors come out with their LoRAs merged; `unapplied` names the patched tensors not read yet. */
export interface LoraMergedSource extends WeightSource {
  unapplied(): string[];
}

/**
 * The transformer's weights with LoRAs merged in, tensor by tensor as the builders read them, so
 * the merge happens before quantisation and memory holds one tensor (and one LoRA pair) at a time.
 * A GGUF source's blocks are not used for a patched tensor: it is read as float32 and merged.
 */
export function loraMergedSource(base: WeightSource, plan: ReadonlyMap<string, readonly LoraPatch[]>): LoraMergedSource {
  const pending = new Set(plan.keys());
  const { ggml } = base;
  return {
    ...base,
    async read(name) {
      const patches = plan.get(name);
      const values = await base.read(name);
      if (!patches) return values;
      // A copy: the base read may view bytes that something else holds.
      const merged = new Float32Array(values);
      for (const patch of patches) await applyPatch(merged, base.info(name).shape, patch);
      pending.delete(name);
      return merged;
    },
    ...(ggml ? { ggml: { type: (name: string) => (plan.has(name) ? undefined : ggml.type(name)), read: (name: string) => ggml.read(name) } } : {}),
    unapplied: () => [...pending],
  };
}

async function applyPatch(weight: Float32Array, shape: readonly number[], patch: LoraPatch): Promise<void> {
  const read = async (key: string) => {
    const { info, bytes } = await patch.lora.readTensor(key);
    return toFloat32(info, bytes);
  };
  if (patch.kind === 'delta') {
    const delta = await read(patch.key);
    assert(delta.length === weight.length, 'a LoRA delta has its tensor size (checked by planLoras)');
    for (let i = 0; i < weight.length; i++) weight[i] = weight[i]! + patch.scale * delta[i]!;
    return;
  }
  const rows = shape[0]!;
  const columns = weight.length / rows;
  addLowRank(weight, rows, columns, await read(patch.up), await read(patch.down), patch.rank, patch.scale);
}

/**
 * weight[rows × columns] += scale · up[rows × rank] · down[rank × columns], each row summed in
 * float64 (JavaScript numbers) and rounded to float32 once.
 */
export function addLowRank(weight: Float32Array, rows: number, columns: number, up: Float32Array, down: Float32Array, rank: number, scale: number): void {
  const row = new Float64Array(columns);
  for (let r = 0; r < rows; r++) {
    row.fill(0);
    for (let k = 0; k < rank; k++) {
      const u = up[r * rank + k]!;
      if (u === 0) continue;
      const offset = k * columns;
      for (let c = 0; c < columns; c++) row[c] = row[c]! + u * down[offset + c]!;
    }
    const offset = r * columns;
    for (let c = 0; c < columns; c++) weight[offset + c] = weight[offset + c]! + scale * row[c]!;
  }
}
