/**
 * The linear-layer families a precision preset chooses a weight format for. Each is a role in
 * the network (the DiT's output head, its FFN down-projections, …), so one choice covers every
 * block's copy of it and carries over between model sizes.
 */
export type TensorFamily =
  | 'patch-embedding'
  | 'time-embedder'
  | 'time-proj'
  | 'text-embedder'
  | 'self-attn-qk'
  | 'self-attn-v'
  | 'self-attn-out'
  | 'cross-attn-q'
  | 'cross-attn-kv'
  | 'cross-attn-out'
  | 'ffn-up'
  | 'ffn-down'
  | 'head'
  | 'umt5-attention'
  | 'umt5-ffn';

/** Which source weights (`<module>.weight`, diffusers/transformers names) belong to each family. */
const FAMILY_PATTERNS: readonly (readonly [TensorFamily, RegExp, string])[] = [
  ['patch-embedding', /^patch_embedding\.weight$/, 'DiT patch embedding'],
  ['time-embedder', /^condition_embedder\.time_embedder\.linear_[12]\.weight$/, 'DiT time embedder'],
  ['time-proj', /^condition_embedder\.time_proj\.weight$/, 'DiT time projection (time_proj)'],
  ['text-embedder', /^condition_embedder\.text_embedder\.linear_[12]\.weight$/, 'DiT text embedder'],
  ['self-attn-qk', /^blocks\.\d+\.attn1\.to_[qk]\.weight$/, 'DiT self-attention queries and keys'],
  ['self-attn-v', /^blocks\.\d+\.attn1\.to_v\.weight$/, 'DiT self-attention values'],
  ['self-attn-out', /^blocks\.\d+\.attn1\.to_out\.0\.weight$/, 'DiT self-attention output'],
  ['cross-attn-q', /^blocks\.\d+\.attn2\.to_q\.weight$/, 'DiT cross-attention queries'],
  ['cross-attn-kv', /^blocks\.\d+\.attn2\.to_[kv]\.weight$/, 'DiT cross-attention keys and values'],
  ['cross-attn-out', /^blocks\.\d+\.attn2\.to_out\.0\.weight$/, 'DiT cross-attention output'],
  ['ffn-up', /^blocks\.\d+\.ffn\.net\.0\.proj\.weight$/, 'DiT FFN up-projection'],
  ['ffn-down', /^blocks\.\d+\.ffn\.net\.2\.weight$/, 'DiT FFN down-projection'],
  ['head', /^proj_out\.weight$/, 'DiT output head (proj_out)'],
  ['umt5-attention', /^encoder\.block\.\d+\.layer\.0\.SelfAttention\.[qkvo]\.weight$/, 'text encoder attention'],
  ['umt5-ffn', /^encoder\.block\.\d+\.layer\.1\.DenseReluDense\.w(i_0|i_1|o)\.weight$/, 'text encoder FFN'],
];

export const TENSOR_FAMILIES: readonly TensorFamily[] = FAMILY_PATTERNS.map(([family]) => family);

/** What each family is, in words (the Models panel and `wan-web info` show it). */
export const TENSOR_FAMILY_LABELS = Object.fromEntries(FAMILY_PATTERNS.map(([family, , label]) => [family, label])) as Readonly<
  Record<TensorFamily, string>
>;

/** The family of a linear layer's source weight, or undefined for a weight no family names. */
export function linearFamily(weightName: string): TensorFamily | undefined {
  return FAMILY_PATTERNS.find(([, pattern]) => pattern.test(weightName))?.[0];
}

/**
 * The families whose layers compute in float32 whatever the activation type (the text encoder:
 * T5 overflows fp16; the DiT's time embedding), so their MatMulNBits scales are float32.
 */
export const FLOAT32_FAMILIES: ReadonlySet<TensorFamily> = new Set(['time-embedder', 'time-proj', 'umt5-attention', 'umt5-ffn']);
