/** Names of the text encoder graph's inputs and output: the contract between builder and runner. */
export const UMT5_IO = {
  /** [1, tokens, d_model] float32: the token embeddings, gathered on the host. */
  inputsEmbeds: 'inputs_embeds',
  /** [tokens, tokens] int64: relative-position bucket of (query i, key j), computed on the host. */
  relativeBuckets: 'relative_buckets',
  /** [1, tokens, d_model] float32 */
  lastHiddenState: 'last_hidden_state',
} as const;

/** Most tokens one prompt may have, EOS included (Wan's text_len, the tokenizer's max_length). */
export const MAX_TEXT_TOKENS = 512;

/** The safetensors names the token embedding table goes by, in order of preference. */
export const EMBEDDING_TENSOR_NAMES = ['shared.weight', 'encoder.embed_tokens.weight'] as const;

/** HF weight names of encoder block `i`. */
export function umt5BlockNames(i: number) {
  const attention = `encoder.block.${i}.layer.0`;
  const ffn = `encoder.block.${i}.layer.1`;
  return {
    attentionNorm: `${attention}.layer_norm.weight`,
    q: `${attention}.SelfAttention.q`,
    k: `${attention}.SelfAttention.k`,
    v: `${attention}.SelfAttention.v`,
    o: `${attention}.SelfAttention.o`,
    relativeBias: `${attention}.SelfAttention.relative_attention_bias.weight`,
    ffnNorm: `${ffn}.layer_norm.weight`,
    /** The GELU branch (Wan's `ffn.gate.0`). */
    wi0: `${ffn}.DenseReluDense.wi_0`,
    /** The linear branch (Wan's `ffn.fc1`). */
    wi1: `${ffn}.DenseReluDense.wi_1`,
    wo: `${ffn}.DenseReluDense.wo`,
  };
}

/** HF name of the final RMSNorm gain. */
export const UMT5_FINAL_NORM = 'encoder.final_layer_norm.weight';
