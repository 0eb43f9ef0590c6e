import { ConvertError } from '../../errors.ts';
import { describeJson } from '../../json-value.ts';
import {
  configObject,
  gain,
  layerWithBias,
  normalTensor,
  positiveIntField,
  positiveIntListField,
} from './random-tensor-spec.ts';
import type { RandomTensorSpec } from './random-tensor-spec.ts';

const FILE = 'transformer/config.json';
const BIAS_STD = 0.1;
const SCALE_SHIFT_STD = 0.2;

/**
 * Every tensor of a diffusers `WanTransformer3DModel` (Wan2.2 TI2V layout) with its shape, in
 * `state_dict()` order (a module's own parameters before its children's, children in
 * registration order), which is the order `save_pretrained` fills shards in.
 *
 * Supported: `qk_norm` "rms_norm_across_heads" (or null), `cross_attn_norm` true or false, no
 * image branch (`image_dim` and `added_kv_proj_dim` null).
 */
export function ditTensorSpecs(transformerConfig: unknown): RandomTensorSpec[] {
  const c = configObject(transformerConfig, FILE);
  const heads = positiveIntField(c, 'num_attention_heads', FILE);
  const dim = heads * positiveIntField(c, 'attention_head_dim', FILE);
  const layers = positiveIntField(c, 'num_layers', FILE);
  const ffnDim = positiveIntField(c, 'ffn_dim', FILE);
  const inChannels = positiveIntField(c, 'in_channels', FILE);
  const outChannels =
    c.out_channels === null || c.out_channels === undefined ? inChannels : positiveIntField(c, 'out_channels', FILE);
  const textDim = positiveIntField(c, 'text_dim', FILE);
  const freqDim = positiveIntField(c, 'freq_dim', FILE);
  const patch = positiveIntListField(c, 'patch_size', FILE);
  if (patch.length !== 3) throw new ConvertError(`${FILE}: "patch_size" must have 3 entries (t, h, w), got ${describeJson(patch)}.`, FILE);
  for (const key of ['image_dim', 'added_kv_proj_dim']) {
    if (c[key] !== null && c[key] !== undefined) {
      throw new ConvertError(`${FILE}: "${key}" is ${describeJson(c[key])}; only the TI2V layout without an image branch (null) is supported.`, FILE);
    }
  }
  const qkNorm = c.qk_norm ?? null;
  if (qkNorm !== null && qkNorm !== 'rms_norm_across_heads') {
    throw new ConvertError(`${FILE}: "qk_norm" ${describeJson(qkNorm)} is not supported; use "rms_norm_across_heads" or null.`, FILE);
  }
  const crossAttnNorm = c.cross_attn_norm ?? true;
  if (typeof crossAttnNorm !== 'boolean') throw new ConvertError(`${FILE}: "cross_attn_norm" must be true or false.`, FILE);
  const patchVolume = patch.reduce((n, d) => n * d, 1);

  const specs: RandomTensorSpec[] = [
    normalTensor('scale_shift_table', [1, 2, dim], SCALE_SHIFT_STD),
    ...layerWithBias('patch_embedding', [dim, inChannels, ...patch], BIAS_STD),
    ...layerWithBias('condition_embedder.time_embedder.linear_1', [dim, freqDim], BIAS_STD),
    ...layerWithBias('condition_embedder.time_embedder.linear_2', [dim, dim], BIAS_STD),
    ...layerWithBias('condition_embedder.time_proj', [6 * dim, dim], BIAS_STD),
    ...layerWithBias('condition_embedder.text_embedder.linear_1', [dim, textDim], BIAS_STD),
    ...layerWithBias('condition_embedder.text_embedder.linear_2', [dim, dim], BIAS_STD),
  ];
  for (let i = 0; i < layers; i++) {
    const block = `blocks.${i}`;
    specs.push(normalTensor(`${block}.scale_shift_table`, [1, 6, dim], SCALE_SHIFT_STD));
    specs.push(...attentionSpecs(`${block}.attn1`, dim, qkNorm !== null));
    specs.push(...attentionSpecs(`${block}.attn2`, dim, qkNorm !== null));
    if (crossAttnNorm) {
      specs.push(gain(`${block}.norm2.weight`, [dim]), normalTensor(`${block}.norm2.bias`, [dim], BIAS_STD));
    }
    specs.push(...layerWithBias(`${block}.ffn.net.0.proj`, [ffnDim, dim], BIAS_STD));
    specs.push(...layerWithBias(`${block}.ffn.net.2`, [dim, ffnDim], BIAS_STD));
  }
  specs.push(...layerWithBias('proj_out', [outChannels * patchVolume, dim], BIAS_STD));
  return specs;
}

/** WanAttention: q/k/v/out projections, then the RMSNorm gains over all heads of q and k. */
function attentionSpecs(prefix: string, dim: number, qkNorm: boolean): RandomTensorSpec[] {
  const specs = ['to_q', 'to_k', 'to_v', 'to_out.0'].flatMap((proj) => layerWithBias(`${prefix}.${proj}`, [dim, dim], BIAS_STD));
  if (qkNorm) specs.push(gain(`${prefix}.norm_q.weight`, [dim]), gain(`${prefix}.norm_k.weight`, [dim]));
  return specs;
}
