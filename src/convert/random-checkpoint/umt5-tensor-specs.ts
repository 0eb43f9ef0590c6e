import { ConvertError } from '../../errors.ts';
import { configObject, fanInWeight, gain, normalTensor, positiveIntField } from './random-tensor-spec.ts';
import type { RandomTensorSpec } from './random-tensor-spec.ts';

const FILE = 'text_encoder/config.json';

/**
 * Every tensor of a transformers `UMT5EncoderModel` as `save_pretrained` writes it, in
 * `state_dict()` order: `shared.weight` (the tied `encoder.embed_tokens.weight` is not stored),
 * then per layer the self-attention (q, k, v, o and its own relative position bias: UMT5 has
 * one in every layer), its RMSNorm, the gated-GELU FFN (wi_0, wi_1, wo) and its RMSNorm, then
 * `encoder.final_layer_norm.weight`.
 *
 * Scales: embedding N(0, 1), relative bias N(0, 0.5²), q N(0, 1/(d_model·d_kv)) (T5 does not
 * divide attention logits by √d_kv), other projections N(0, 1/fan_in), gains 1 + N(0, 0.1²).
 */
export function umt5TensorSpecs(textEncoderConfig: unknown): RandomTensorSpec[] {
  const c = configObject(textEncoderConfig, FILE);
  const vocab = positiveIntField(c, 'vocab_size', FILE);
  const dModel = positiveIntField(c, 'd_model', FILE);
  const dKv = positiveIntField(c, 'd_kv', FILE);
  const heads = positiveIntField(c, 'num_heads', FILE);
  const dFf = positiveIntField(c, 'd_ff', FILE);
  const layers = positiveIntField(c, 'num_layers', FILE);
  const buckets = positiveIntField(c, 'relative_attention_num_buckets', FILE);
  const gated = c.is_gated_act ?? String(c.feed_forward_proj ?? '').startsWith('gated-');
  if (gated !== true) {
    throw new ConvertError(`${FILE}: only the gated FFN of UMT5 ("feed_forward_proj": "gated-gelu") is supported.`, FILE);
  }
  const inner = heads * dKv;

  const specs: RandomTensorSpec[] = [normalTensor('shared.weight', [vocab, dModel], 1)];
  for (let i = 0; i < layers; i++) {
    const attention = `encoder.block.${i}.layer.0`;
    const ffn = `encoder.block.${i}.layer.1`;
    specs.push(
      normalTensor(`${attention}.SelfAttention.q.weight`, [inner, dModel], 1 / Math.sqrt(dModel * dKv)),
      fanInWeight(`${attention}.SelfAttention.k.weight`, [inner, dModel]),
      fanInWeight(`${attention}.SelfAttention.v.weight`, [inner, dModel]),
      fanInWeight(`${attention}.SelfAttention.o.weight`, [dModel, inner]),
      normalTensor(`${attention}.SelfAttention.relative_attention_bias.weight`, [buckets, heads], 0.5),
      gain(`${attention}.layer_norm.weight`, [dModel]),
      fanInWeight(`${ffn}.DenseReluDense.wi_0.weight`, [dFf, dModel]),
      fanInWeight(`${ffn}.DenseReluDense.wi_1.weight`, [dFf, dModel]),
      fanInWeight(`${ffn}.DenseReluDense.wo.weight`, [dModel, dFf]),
      gain(`${ffn}.layer_norm.weight`, [dModel]),
    );
  }
  specs.push(gain('encoder.final_layer_norm.weight', [dModel]));
  return specs;
}
