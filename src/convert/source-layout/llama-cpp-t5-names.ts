// llama.cpp's T5 tensor names (gguf-py's MODEL_TENSOR table for the "t5encoder" architecture),
// which the UMT5-XXL encoder GGUFs ComfyUI-GGUF users run carry (e.g. umt5-xxl-encoder-Q8_0.gguf;
// ComfyUI-GGUF's loader maps them back with its T5_SD_MAP) → the transformers names the builder reads.

/** Inside `enc.blk.<i>.`: llama.cpp's part → the `UMT5EncoderModel` module. */
const BLOCK_PARTS: Readonly<Record<string, string>> = {
  attn_norm: 'layer.0.layer_norm',
  attn_q: 'layer.0.SelfAttention.q',
  attn_k: 'layer.0.SelfAttention.k',
  attn_v: 'layer.0.SelfAttention.v',
  attn_o: 'layer.0.SelfAttention.o',
  attn_rel_b: 'layer.0.SelfAttention.relative_attention_bias',
  ffn_norm: 'layer.1.layer_norm',
  ffn_gate: 'layer.1.DenseReluDense.wi_0',
  ffn_up: 'layer.1.DenseReluDense.wi_1',
  ffn_down: 'layer.1.DenseReluDense.wo',
};

/** The transformers `UMT5EncoderModel` name of a tensor in llama.cpp's T5 naming; a name no rule covers is kept. */
export function t5LlamaCppName(name: string): string {
  if (name === 'token_embd.weight') return 'shared.weight';
  if (name === 'enc.output_norm.weight') return 'encoder.final_layer_norm.weight';
  const block = /^enc\.blk\.(\d+)\.(\w+)\.(weight|bias)$/.exec(name);
  const part = block ? BLOCK_PARTS[block[2] as string] : undefined;
  return block && part ? `encoder.block.${block[1]}.${part}.${block[3]}` : name;
}
