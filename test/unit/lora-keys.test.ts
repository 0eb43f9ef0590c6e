import { describe, expect, test } from 'vitest';
import { parseLoraKey } from '../../src/convert/lora/lora-key.ts';
import { loraModuleTargets } from '../../src/convert/lora/lora-target.ts';
import { addLowRank } from '../../src/convert/lora/lora-merged-source.ts';
import { parseLoraArgument } from '../../src/convert/lora/lora-file.ts';
import { seededRandom, uniformArray } from '../../src/seeded-random.ts';

/** A few tensors of the real transformer's names (diffusers). */
const TENSORS = new Set([
  'blocks.12.attn1.to_q.weight',
  'blocks.12.attn2.to_out.0.weight',
  'blocks.3.ffn.net.0.proj.weight',
  'blocks.3.norm2.weight',
  'blocks.3.scale_shift_table',
  'condition_embedder.time_proj.weight',
  'condition_embedder.text_embedder.linear_1.weight',
  'proj_out.weight',
  'scale_shift_table',
]);
const target = (key: string) => {
  const parsed = parseLoraKey(key)!;
  return loraModuleTargets(parsed.module, parsed.underscored, (name) => TENSORS.has(name));
};

describe('LoRA keys of the shared formats map to the transformer', () => {
  test.each([
    ['transformer.blocks.12.attn1.to_q.lora_A.weight', 'blocks.12.attn1.to_q'],
    ['base_model.model.blocks.12.attn2.to_out.0.lora_B.weight', 'blocks.12.attn2.to_out.0'],
    ['diffusion_model.blocks.12.self_attn.q.lora_down.weight', 'blocks.12.attn1.to_q'],
    ['model.diffusion_model.blocks.12.cross_attn.o.lora_up.weight', 'blocks.12.attn2.to_out.0'],
    ['lora_unet_blocks_12_self_attn_q.alpha', 'blocks.12.attn1.to_q'],
    ['lora_unet_blocks_3_ffn_0.lora_down.weight', 'blocks.3.ffn.net.0.proj'],
    ['lora_unet_blocks_12_attn2_to_out_0.lora_up.weight', 'blocks.12.attn2.to_out.0'],
    ['lora_unet_time_projection_1.lora_down.weight', 'condition_embedder.time_proj'],
    ['lora_unet_condition_embedder_text_embedder_linear_1.lora_down.weight', 'condition_embedder.text_embedder.linear_1'],
    ['diffusion_model.head.head.diff_b', 'proj_out'],
    ['diffusion_model.blocks.3.norm3.diff', 'blocks.3.norm2'],
    ['diffusion_model.blocks.3.modulation.diff', 'blocks.3.scale_shift_table'],
    ['diffusion_model.head.modulation.diff', 'scale_shift_table'],
  ])('%s → %s', (key, module) => {
    expect(target(key)).toEqual([module]);
  });

  test('keys of other models or other LoRA kinds map to nothing', () => {
    expect(target('lora_unet_blocks_40_self_attn_q.lora_down.weight')).toEqual([]);
    expect(target('diffusion_model.blocks.3.cross_attn.k_img.lora_down.weight')).toEqual([]);
    expect(parseLoraKey('lora_unet_blocks_3_ffn_0.hada_w1_a')).toBeUndefined();
    expect(parseLoraKey('diffusion_model.blocks.3.ffn.0.dora_scale')).toBeUndefined();
  });

  test('--lora file:strength', () => {
    expect(parseLoraArgument('style.safetensors:0.8')).toEqual({ path: 'style.safetensors', strength: 0.8 });
    expect(parseLoraArgument('a/b.safetensors')).toEqual({ path: 'a/b.safetensors', strength: 1 });
    expect(parseLoraArgument('c:\\x.safetensors:-0.5')).toEqual({ path: 'c:\\x.safetensors', strength: -0.5 });
  });
});

test('the low-rank product, rows in blocks of four and the rest, matches a float64 product', () => {
  const random = seededRandom(5);
  for (const [rows, columns, rank] of [
    [7, 5, 3],
    [9, 13, 1],
    [4, 8, 16],
  ] as const) {
    const base = uniformArray(random, rows * columns);
    const up = uniformArray(random, rows * rank);
    const down = uniformArray(random, rank * columns);
    const ours = new Float32Array(base);
    addLowRank(ours, rows, columns, up, down, rank, 0.7);
    let error = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        let sum = 0;
        for (let k = 0; k < rank; k++) sum += up[r * rank + k]! * down[k * columns + c]!;
        error = Math.max(error, Math.abs(ours[r * columns + c]! - (base[r * columns + c]! + 0.7 * sum)));
      }
    }
    expect(error).toBeLessThan(1e-6);
  }
});
