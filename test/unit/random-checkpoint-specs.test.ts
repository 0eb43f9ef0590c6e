import { describe, expect, test } from 'vitest';
import { ConvertError } from '../../src/errors.ts';
import {
  ditTensorSpecs,
  parameterCount,
  planComponentFiles,
  planRandomCheckpoint,
  umt5TensorSpecs,
  vaeTensorSpecs,
  WAN22_TI2V_5B_CONFIGS as FULL,
  WAN22_TI2V_5B_SHARD_BYTES,
} from '../../src/convert/random-checkpoint/index.ts';
import type { RandomTensorSpec } from '../../src/convert/random-checkpoint/index.ts';

const shapeOf = (specs: readonly RandomTensorSpec[], name: string) => specs.find((s) => s.name === name)?.shape;
const withPrefix = (specs: readonly RandomTensorSpec[], prefix: string) => specs.filter((s) => s.name.startsWith(prefix));

describe('full Wan2.2 TI2V-5B tensor tables', () => {
  test('DiT: 825 tensors, 4,999,787,712 parameters, diffusers names', () => {
    const specs = ditTensorSpecs(FULL.transformer);
    expect(specs).toHaveLength(825);
    expect(parameterCount(specs)).toBe(4_999_787_712);
    expect(parameterCount(withPrefix(specs, 'blocks.7.'))).toBe(163_656_704);
    expect(shapeOf(specs, 'patch_embedding.weight')).toEqual([3072, 48, 1, 2, 2]);
    expect(shapeOf(specs, 'condition_embedder.time_proj.weight')).toEqual([18432, 3072]);
    expect(shapeOf(specs, 'condition_embedder.text_embedder.linear_1.weight')).toEqual([3072, 4096]);
    expect(shapeOf(specs, 'blocks.29.ffn.net.0.proj.weight')).toEqual([14336, 3072]);
    expect(shapeOf(specs, 'blocks.0.scale_shift_table')).toEqual([1, 6, 3072]);
    expect(shapeOf(specs, 'scale_shift_table')).toEqual([1, 2, 3072]);
    expect(shapeOf(specs, 'proj_out.weight')).toEqual([192, 3072]);
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
  });

  test('VAE: 704,688,668 parameters = 2.82 GB in fp32 (encoder + quant convs + decoder)', () => {
    const specs = vaeTensorSpecs(FULL.vae);
    expect(parameterCount(specs)).toBe(704_688_668);
    expect(parameterCount(specs) * 4).toBe(2_818_754_672);
    expect(parameterCount(withPrefix(specs, 'encoder.'))).toBe(149_627_776);
    expect(parameterCount(withPrefix(specs, 'decoder.'))).toBe(555_049_228);
    expect(shapeOf(specs, 'quant_conv.weight')).toEqual([96, 96, 1, 1, 1]);
    expect(shapeOf(specs, 'post_quant_conv.weight')).toEqual([48, 48, 1, 1, 1]);
    expect(shapeOf(specs, 'encoder.conv_in.weight')).toEqual([160, 12, 3, 3, 3]);
    expect(shapeOf(specs, 'decoder.conv_in.weight')).toEqual([1024, 48, 3, 3, 3]);
    expect(shapeOf(specs, 'decoder.up_blocks.0.upsampler.time_conv.weight')).toEqual([2048, 1024, 3, 1, 1]);
    expect(shapeOf(specs, 'decoder.up_blocks.2.upsampler.time_conv.weight')).toBeUndefined();
    expect(shapeOf(specs, 'decoder.up_blocks.3.resnets.0.conv_shortcut.weight')).toEqual([256, 512, 1, 1, 1]);
    expect(shapeOf(specs, 'encoder.down_blocks.0.downsampler.time_conv.weight')).toBeUndefined();
    expect(shapeOf(specs, 'encoder.down_blocks.2.downsampler.time_conv.weight')).toEqual([640, 640, 3, 1, 1]);
    expect(shapeOf(specs, 'decoder.conv_out.weight')).toEqual([12, 256, 3, 3, 3]);
  });

  test('UMT5-XXL encoder: 5,680,910,336 parameters, shared.weight only, a relative bias in every layer', () => {
    const specs = umt5TensorSpecs(FULL.textEncoder);
    expect(specs).toHaveLength(1 + 24 * 10 + 1);
    expect(parameterCount(specs)).toBe(5_680_910_336);
    expect(shapeOf(specs, 'shared.weight')).toEqual([256384, 4096]);
    expect(shapeOf(specs, 'encoder.embed_tokens.weight')).toBeUndefined();
    expect(specs.filter((s) => s.name.endsWith('relative_attention_bias.weight')).map((s) => s.shape)).toEqual(
      Array.from({ length: 24 }, () => [32, 64]),
    );
    expect(shapeOf(specs, 'encoder.block.23.layer.1.DenseReluDense.wo.weight')).toEqual([4096, 10240]);
  });
});

describe('sharding like save_pretrained', () => {
  const plans = planRandomCheckpoint({
    configs: FULL,
    maxShardBytes: WAN22_TI2V_5B_SHARD_BYTES,
    dtypes: { text_encoder: 'BF16' },
  });
  const plan = (component: string) => plans.find((p) => p.component === component)!.files;

  test('the transformer splits into 3 fp32 shards, the last one 179 MB (as on the Hub)', () => {
    const { files, index } = plan('transformer');
    expect(files.map((f) => f.fileName)).toEqual([1, 2, 3].map((i) => `diffusion_pytorch_model-0000${i}-of-00003.safetensors`));
    expect(files.every((f) => f.dataBytes <= 10e9)).toBe(true);
    expect(files[2]!.specs.map((s) => s.name)).toEqual([
      'blocks.29.ffn.net.2.bias',
      'blocks.29.ffn.net.2.weight',
      'proj_out.bias',
      'proj_out.weight',
    ]);
    expect(Math.round(files[2]!.dataBytes / 1e6)).toBe(179);
    expect(index?.fileName).toBe('diffusion_pytorch_model.safetensors.index.json');
    expect(index?.json.metadata.total_size).toBe(4_999_787_712 * 4);
    expect(Object.keys(index!.json.weight_map)).toHaveLength(825);
    expect(index!.json.weight_map['blocks.0.attn1.to_q.weight']).toBe('diffusion_pytorch_model-00001-of-00003.safetensors');
  });

  test('the VAE stays one file; the bf16 text encoder splits 4.94 + 4.98 + 1.44 GB', () => {
    expect(plan('vae').files.map((f) => f.fileName)).toEqual(['diffusion_pytorch_model.safetensors']);
    expect(plan('vae').index).toBeUndefined();
    const te = plan('text_encoder');
    expect(te.files.map((f) => f.fileName)).toEqual([1, 2, 3].map((i) => `model-0000${i}-of-00003.safetensors`));
    expect(te.files.map((f) => (f.dataBytes / 1e9).toFixed(2))).toEqual(['4.94', '4.98', '1.44']);
    expect(te.index?.json.metadata.total_size).toBe(5_680_910_336 * 2);
  });

  test('a tensor larger than the limit gets a shard of its own; files are sorted by name', () => {
    const specs: RandomTensorSpec[] = [
      { name: 'b', shape: [10], mean: 0, std: 1 },
      { name: 'a', shape: [10], mean: 0, std: 1 },
      { name: 'big', shape: [100], mean: 0, std: 1 },
      { name: 'c', shape: [5], mean: 0, std: 1 },
    ];
    const { files, index } = planComponentFiles(specs, 'F32', 'model', 80);
    expect(files.map((f) => f.specs.map((s) => s.name))).toEqual([['a', 'b'], ['big'], ['c']]);
    expect(files.map((f) => f.dataBytes)).toEqual([80, 400, 20]);
    expect(index?.json.weight_map).toEqual({
      a: 'model-00001-of-00003.safetensors',
      b: 'model-00001-of-00003.safetensors',
      big: 'model-00002-of-00003.safetensors',
      c: 'model-00003-of-00003.safetensors',
    });
  });
});

describe('config checks', () => {
  test('unsupported layouts are refused with the key named', () => {
    expect(() => vaeTensorSpecs({ ...FULL.vae, is_residual: false })).toThrow(/is_residual/);
    expect(() => vaeTensorSpecs({ ...FULL.vae, temperal_downsample: [false, true] })).toThrow(ConvertError);
    expect(() => ditTensorSpecs({ ...FULL.transformer, image_dim: 1280 })).toThrow(/image_dim/);
    expect(() => ditTensorSpecs({ ...FULL.transformer, num_layers: 0 })).toThrow(/num_layers/);
    expect(() => umt5TensorSpecs({ ...FULL.textEncoder, vocab_size: '256384' })).toThrow(/vocab_size/);
    expect(() => umt5TensorSpecs([])).toThrow(/JSON object/);
  });

  test('the tables follow the config: no cross-attention norm, fewer layers', () => {
    const small = ditTensorSpecs({ ...FULL.transformer, num_layers: 2, cross_attn_norm: false, qk_norm: null });
    expect(small).toHaveLength(10 + 2 + 3 + 2 * (1 + 16 + 4));
    expect(small.some((s) => s.name.includes('norm'))).toBe(false);
  });
});
