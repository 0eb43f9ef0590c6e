// tiny-a's UMT5 text encoder as the UMT5 encoder GGUFs people run store it (llama.cpp's
// "t5encoder" names, as in umt5-xxl-encoder-Q8_0.gguf). The name map is written here from
// llama.cpp's tensor table, independently of src/convert/source-layout/llama-cpp-t5-names.ts.
import type { GgufTensorToWrite } from './gguf-writer.ts';
import { encodeGguf } from './gguf-writer.ts';
import type { NamedTensor } from './tiny-layouts.ts';

const PARTS: readonly [string, string][] = [
  ['layer.0.layer_norm', 'attn_norm'],
  ['layer.0.SelfAttention.q', 'attn_q'],
  ['layer.0.SelfAttention.k', 'attn_k'],
  ['layer.0.SelfAttention.v', 'attn_v'],
  ['layer.0.SelfAttention.o', 'attn_o'],
  ['layer.0.SelfAttention.relative_attention_bias', 'attn_rel_b'],
  ['layer.1.layer_norm', 'ffn_norm'],
  ['layer.1.DenseReluDense.wi_0', 'ffn_gate'],
  ['layer.1.DenseReluDense.wi_1', 'ffn_up'],
  ['layer.1.DenseReluDense.wo', 'ffn_down'],
];

/** transformers UMT5EncoderModel → llama.cpp's T5 encoder names. */
export function t5LlamaCppOriginal(name: string): string {
  if (name === 'shared.weight') return 'token_embd.weight';
  if (name === 'encoder.final_layer_norm.weight') return 'enc.output_norm.weight';
  const m = /^encoder\.block\.(\d+)\.(.+)\.weight$/.exec(name);
  const part = m ? PARTS.find(([hf]) => hf === m[2])?.[1] : undefined;
  if (!m || !part) throw new Error(`no llama.cpp name for T5 tensor ${name}`);
  return `enc.blk.${m[1]}.${part}.weight`;
}

export type TensorTypeChooser = (name: string, shape: readonly number[]) => GgufTensorToWrite['type'];

/** The linear weights and the embedding table in `type`, norms and relative-attention biases F32 (as llama.cpp quantizes). */
export const allLinear =
  (type: GgufTensorToWrite['type']): TensorTypeChooser =>
  (name, shape) =>
    shape.length === 2 && !name.includes('relative_attention_bias') ? type : 'F32';

/** A UMT5 encoder GGUF of `tensors` (transformers names), each tensor in the type `choose` gives. */
export function umt5Gguf(tensors: readonly NamedTensor[], choose: TensorTypeChooser): Uint8Array {
  const written = tensors.map((t) => ({ name: t5LlamaCppOriginal(t.name), shape: t.shape, type: choose(t.name, t.shape), values: t.values }));
  return encodeGguf(written, { 'general.architecture': 't5encoder' });
}
