import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../src/errors.ts';
import { FP32_CONFIG, resolveQuantConfig, weightFormatOf } from '../../src/bundle/quant-config.ts';
import { TENSOR_FAMILIES, linearFamily } from '../../src/bundle/tensor-families.ts';
import { describeWeights, familyFormats } from '../../src/bundle/precision-summary.ts';
import { WAN22_TI2V_5B_CONFIGS, ditTensorSpecs, umt5TensorSpecs } from '../../src/convert/random-checkpoint/index.ts';

/** Matrices that are not linear layers: modulation tables, the token table, relative position biases. */
const NOT_LINEAR = /scale_shift_table$|^shared\.weight$|relative_attention_bias\.weight$/;

describe('tensor families', () => {
  test('every linear weight of the full-size DiT and UMT5-XXL belongs to a family, and every family has weights', () => {
    const specs = [...ditTensorSpecs(WAN22_TI2V_5B_CONFIGS.transformer), ...umt5TensorSpecs(WAN22_TI2V_5B_CONFIGS.textEncoder)];
    const matrices = specs.filter((s) => s.shape.length >= 2 && !NOT_LINEAR.test(s.name));
    const unnamed = matrices.filter((s) => linearFamily(s.name) === undefined).map((s) => s.name);
    expect(unnamed).toEqual([]);
    expect(new Set(matrices.map((s) => linearFamily(s.name)))).toEqual(new Set(TENSOR_FAMILIES));
    expect(specs.filter((s) => s.shape.length < 2 || NOT_LINEAR.test(s.name)).map((s) => linearFamily(s.name)).every((f) => f === undefined)).toBe(true);
  });

  test('names pick the right family', () => {
    expect(linearFamily('proj_out.weight')).toBe('head');
    expect(linearFamily('blocks.29.attn1.to_v.weight')).toBe('self-attn-v');
    expect(linearFamily('blocks.3.attn2.to_k.weight')).toBe('cross-attn-kv');
    expect(linearFamily('blocks.3.ffn.net.2.weight')).toBe('ffn-down');
    expect(linearFamily('encoder.block.23.layer.1.DenseReluDense.wo.weight')).toBe('umt5-ffn');
    expect(linearFamily('blocks.3.ffn.net.2.bias')).toBeUndefined();
  });
});

describe('per-family precision in the quant config', () => {
  test('a uniform preset names every family with its one format', () => {
    const quant = resolveQuantConfig({ weights: 'int8' });
    expect(quant.weights).toBe('int8');
    expect(TENSOR_FAMILIES.map((f) => weightFormatOf(quant, f))).toEqual(TENSOR_FAMILIES.map(() => 'int8'));
    expect(describeWeights(quant)).toBe('int8');
  });

  test('overrides change single families and are described', () => {
    const quant = resolveQuantConfig({ weights: 'int4', families: { head: 'int8', 'time-proj': 'fp16' } });
    expect(weightFormatOf(quant, 'head')).toBe('int8');
    expect(weightFormatOf(quant, 'time-proj')).toBe('fp16');
    expect(weightFormatOf(quant, 'ffn-up')).toBe('int4');
    expect(weightFormatOf(quant, undefined)).toBe('int4');
    expect(describeWeights(quant)).toBe('int4, fp16 for time-proj, int8 for head');
  });

  test('a config without families (an older bundle) means its one format for every family', () => {
    expect(familyFormats(FP32_CONFIG).every(({ format }) => format === 'fp32')).toBe(true);
    expect(describeWeights({ ...FP32_CONFIG, weights: 'int4' })).toBe('int4');
  });

  test('unknown presets, families and formats are refused with what is allowed', () => {
    expect(() => resolveQuantConfig({ weights: 'int3' })).toThrow(InvalidInputError);
    expect(() => resolveQuantConfig({ families: { 'lm-head': 'int8' } })).toThrow(/"lm-head" is not a tensor family; the families are patch-embedding/);
    expect(() => resolveQuantConfig({ families: { head: 'int2' } })).toThrow(/family "head" must be one of int4, int8, fp16, fp32/);
  });
});
