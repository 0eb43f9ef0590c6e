import { encodeSafetensors } from '../../src/safetensors/index.ts';
import type { TensorWithData } from '../../src/safetensors/index.ts';
import { seededRandom, uniformArray } from '../../src/seeded-random.ts';

/**
 * Random LoRAs for the tiny-a transformer (dim 64, 2 blocks, ffn 128, text_dim 32), in the two
 * shared formats, with what each key must change written down by hand here (diffusers tensor
 * names), independently of src/convert/lora, for a float64 reference merge.
 */
export type ReferencePatch =
  | { readonly kind: 'low-rank'; readonly target: string; readonly up: Float32Array; readonly down: Float32Array; readonly rank: number; readonly factor: number }
  | { readonly kind: 'delta'; readonly target: string; readonly values: Float32Array; readonly factor: number };

export interface RandomLora {
  readonly bytes: Uint8Array;
  /** The patches at strength 1; the merge multiplies each factor by the strength. */
  readonly patches: readonly ReferencePatch[];
}

/** [file module name, diffusers weight, out, in (flattened), rank, alpha or undefined]. */
type LowRankSpec = readonly [string, string, number, number, number, number | undefined];
/** [file key, diffusers tensor, shape]. */
type DeltaSpec = readonly [string, string, readonly number[]];

const DIFFUSERS_LOW_RANK: readonly LowRankSpec[] = [
  ...[0, 1].flatMap((b) =>
    ['attn1', 'attn2'].flatMap((attn) =>
      ['to_q', 'to_k', 'to_v', 'to_out.0'].map((p): LowRankSpec => [`transformer.blocks.${b}.${attn}.${p}`, `blocks.${b}.${attn}.${p}.weight`, 64, 64, 4, undefined]),
    ),
  ),
  ['transformer.blocks.0.ffn.net.0.proj', 'blocks.0.ffn.net.0.proj.weight', 128, 64, 4, undefined],
  ['transformer.blocks.1.ffn.net.2', 'blocks.1.ffn.net.2.weight', 64, 128, 4, undefined],
  ['transformer.condition_embedder.time_proj', 'condition_embedder.time_proj.weight', 384, 64, 2, undefined],
  ['transformer.condition_embedder.text_embedder.linear_1', 'condition_embedder.text_embedder.linear_1.weight', 64, 32, 4, undefined],
  ['transformer.proj_out', 'proj_out.weight', 192, 64, 4, undefined],
];

const KOHYA_LOW_RANK: readonly LowRankSpec[] = [
  ['lora_unet_blocks_0_self_attn_q', 'blocks.0.attn1.to_q.weight', 64, 64, 8, 4],
  ['lora_unet_blocks_1_cross_attn_o', 'blocks.1.attn2.to_out.0.weight', 64, 64, 8, 16],
  ['lora_unet_blocks_0_ffn_2', 'blocks.0.ffn.net.2.weight', 64, 128, 8, 8],
  ['lora_unet_time_projection_1', 'condition_embedder.time_proj.weight', 384, 64, 4, 2],
  ['lora_unet_head_head', 'proj_out.weight', 192, 64, 4, undefined],
  ['diffusion_model.blocks.1.self_attn.v', 'blocks.1.attn1.to_v.weight', 64, 64, 4, 1],
  ['diffusion_model.text_embedding.2', 'condition_embedder.text_embedder.linear_2.weight', 64, 64, 4, 4],
  ['diffusion_model.patch_embedding', 'patch_embedding.weight', 64, 48 * 4, 4, 2],
];

const KOHYA_DELTAS: readonly DeltaSpec[] = [
  ['diffusion_model.blocks.0.modulation.diff', 'blocks.0.scale_shift_table', [1, 6, 64]],
  ['diffusion_model.head.head.diff_b', 'proj_out.bias', [192]],
  // Wan's norm3 is diffusers' norm2 (the cross-attention LayerNorm).
  ['diffusion_model.blocks.1.norm3.diff', 'blocks.1.norm2.weight', [64]],
  ['diffusion_model.blocks.0.self_attn.norm_q.diff', 'blocks.0.attn1.norm_q.weight', [64]],
];

/** A diffusers/PEFT LoRA (lora_A/lora_B, no alpha, one lora_B bias). */
export function randomDiffusersLora(seed: number): RandomLora {
  const random = seededRandom(seed);
  const tensors: TensorWithData[] = [];
  const patches = DIFFUSERS_LOW_RANK.map((spec) => lowRank(random, spec, tensors, '.lora_A.weight', '.lora_B.weight'));
  const bias = uniformArray(random, 64, 0.2);
  tensors.push({ name: 'transformer.blocks.0.attn1.to_q.lora_B.bias', dtype: 'F32', shape: [64], data: bias });
  patches.push({ kind: 'delta', target: 'blocks.0.attn1.to_q.bias', values: bias, factor: 1 });
  return { bytes: encodeSafetensors(tensors), patches };
}

/** A Kohya/ComfyUI LoRA in Wan's names (lora_unet_… and diffusion_model.…, lora_down/lora_up, alpha, diff, diff_b). */
export function randomKohyaLora(seed: number): RandomLora {
  const random = seededRandom(seed);
  const tensors: TensorWithData[] = [];
  const patches: ReferencePatch[] = KOHYA_LOW_RANK.map((spec) => lowRank(random, spec, tensors, '.lora_down.weight', '.lora_up.weight'));
  for (const [key, target, shape] of KOHYA_DELTAS) {
    const values = uniformArray(random, shape.reduce((a, b) => a * b, 1), 0.2);
    tensors.push({ name: key, dtype: 'F32', shape: [...shape], data: values });
    patches.push({ kind: 'delta', target, values, factor: 1 });
  }
  return { bytes: encodeSafetensors(tensors, { ss_network_module: 'networks.lora' }), patches };
}

function lowRank(random: () => number, spec: LowRankSpec, tensors: TensorWithData[], downSuffix: string, upSuffix: string): ReferencePatch {
  const [module, target, out, inner, rank, alpha] = spec;
  const down = uniformArray(random, rank * inner, 0.3);
  const up = uniformArray(random, out * rank, 0.3);
  const conv = target === 'patch_embedding.weight';
  tensors.push({ name: `${module}${downSuffix}`, dtype: 'F32', shape: conv ? [rank, 48, 1, 2, 2] : [rank, inner], data: down });
  tensors.push({ name: `${module}${upSuffix}`, dtype: 'F32', shape: conv ? [out, rank, 1, 1, 1] : [out, rank], data: up });
  if (alpha !== undefined) tensors.push({ name: `${module}.alpha`, dtype: 'F32', shape: [], data: new Float32Array([alpha]) });
  return { kind: 'low-rank', target, up, down, rank, factor: (alpha ?? rank) / rank };
}

/** Reference merge in float64: base + Σ strength · factor · (up · down) or (delta). */
export function referenceMerge(base: Float32Array, patches: readonly { patch: ReferencePatch; strength: number }[]): Float64Array {
  const merged = Float64Array.from(base);
  for (const { patch, strength } of patches) {
    const s = strength * patch.factor;
    if (patch.kind === 'delta') {
      for (let i = 0; i < merged.length; i++) merged[i] = merged[i]! + s * patch.values[i]!;
      continue;
    }
    const columns = patch.down.length / patch.rank;
    for (let i = 0; i < merged.length; i++) {
      const [o, c] = [Math.floor(i / columns), i % columns];
      let sum = 0;
      for (let k = 0; k < patch.rank; k++) sum += patch.up[o * patch.rank + k]! * patch.down[k * columns + c]!;
      merged[i] = merged[i]! + s * sum;
    }
  }
  return merged;
}
