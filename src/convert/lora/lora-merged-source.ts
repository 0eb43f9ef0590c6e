import { assert } from '../../assert.ts';
import { toFloat32 } from '../../safetensors/index.ts';
import type { WeightSource } from '../weights/weight-source.ts';
import type { LoraPatch } from './lora-plan.ts';

/**
 * up[rows × rank] · down[rank × columns] computed elsewhere (onnxruntime's MatMul in Node, several
 * times faster than {@link addLowRank} at the 5B shapes); without one, addLowRank does it here.
 */
export type LowRankProduct = (up: Float32Array, down: Float32Array, rows: number, rank: number, columns: number) => Promise<Float32Array>;

/** A weight source whose patched tensors come out with their LoRAs merged; `unapplied` names the patched tensors not read yet. */
export interface LoraMergedSource extends WeightSource {
  unapplied(): string[];
}

/**
 * The transformer's weights with LoRAs merged in, tensor by tensor as the builders read them, so
 * the merge happens before quantisation and memory holds one tensor (and one LoRA pair) at a time.
 * A GGUF source's blocks are not used for a patched tensor: it is read as float32 and merged.
 */
export function loraMergedSource(base: WeightSource, plan: ReadonlyMap<string, readonly LoraPatch[]>, product?: LowRankProduct): LoraMergedSource {
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
      for (const patch of patches) await applyPatch(merged, base.info(name).shape, patch, product);
      pending.delete(name);
      return merged;
    },
    ...(ggml ? { ggml: { type: (name: string) => (plan.has(name) ? undefined : ggml.type(name)), read: (name: string) => ggml.read(name) } } : {}),
    unapplied: () => [...pending],
  };
}

async function applyPatch(weight: Float32Array, shape: readonly number[], patch: LoraPatch, product: LowRankProduct | undefined): Promise<void> {
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
  const [up, down] = [await read(patch.up), await read(patch.down)];
  if (!product) return addLowRank(weight, rows, columns, up, down, patch.rank, patch.scale);
  const delta = await product(up, down, rows, patch.rank, columns);
  assert(delta.length === weight.length, 'a low-rank product has its tensor size');
  for (let i = 0; i < weight.length; i++) weight[i] = weight[i]! + patch.scale * delta[i]!;
}

/**
 * weight[rows × columns] += scale · up[rows × rank] · down[rank × columns]. Each element's sum runs
 * over the rank in float64 (JavaScript numbers), k ascending, and is rounded to float32 once. Four
 * rows share each read of `down` (transposed so that the rank is contiguous): about twice as fast
 * as one row at a time.
 */
export function addLowRank(weight: Float32Array, rows: number, columns: number, up: Float32Array, down: Float32Array, rank: number, scale: number): void {
  const downT = new Float32Array(columns * rank);
  for (let k = 0; k < rank; k++) for (let c = 0; c < columns; c++) downT[c * rank + k] = down[k * columns + c]!;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const [u0, u1, u2, u3] = [r * rank, (r + 1) * rank, (r + 2) * rank, (r + 3) * rank];
    for (let c = 0; c < columns; c++) {
      let [s0, s1, s2, s3] = [0, 0, 0, 0];
      const d0 = c * rank;
      for (let k = 0; k < rank; k++) {
        const d = downT[d0 + k]!;
        s0 += up[u0 + k]! * d;
        s1 += up[u1 + k]! * d;
        s2 += up[u2 + k]! * d;
        s3 += up[u3 + k]! * d;
      }
      const w = r * columns + c;
      weight[w] = weight[w]! + scale * s0;
      weight[w + columns] = weight[w + columns]! + scale * s1;
      weight[w + 2 * columns] = weight[w + 2 * columns]! + scale * s2;
      weight[w + 3 * columns] = weight[w + 3 * columns]! + scale * s3;
    }
  }
  for (; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      let sum = 0;
      for (let k = 0; k < rank; k++) sum += up[r * rank + k]! * downT[c * rank + k]!;
      weight[r * columns + c] = weight[r * columns + c]! + scale * sum;
    }
  }
}
