/**
 * Wan's original DiT key names (the official Wan2.2 code, ComfyUI's single files and
 * ComfyUI-GGUF) → the diffusers names our builders read. Stand-in until the shared key-map layer
 * (issue 23, ComfyUI layouts) exists; it should replace this file.
 */
const RULES: readonly (readonly [RegExp, string])[] = [
  [/^text_embedding\.0\./, 'condition_embedder.text_embedder.linear_1.'],
  [/^text_embedding\.2\./, 'condition_embedder.text_embedder.linear_2.'],
  [/^time_embedding\.0\./, 'condition_embedder.time_embedder.linear_1.'],
  [/^time_embedding\.2\./, 'condition_embedder.time_embedder.linear_2.'],
  [/^time_projection\.1\./, 'condition_embedder.time_proj.'],
  [/^head\.head\./, 'proj_out.'],
  [/^head\.modulation$/, 'scale_shift_table'],
  [/^(blocks\.\d+)\.modulation$/, '$1.scale_shift_table'],
  [/^(blocks\.\d+)\.self_attn\./, '$1.attn1.'],
  [/^(blocks\.\d+)\.cross_attn\./, '$1.attn2.'],
  [/^(blocks\.\d+\.attn[12])\.([qkv])\./, '$1.to_$2.'],
  [/^(blocks\.\d+\.attn[12])\.o\./, '$1.to_out.0.'],
  [/^(blocks\.\d+)\.ffn\.0\./, '$1.ffn.net.0.proj.'],
  [/^(blocks\.\d+)\.ffn\.2\./, '$1.ffn.net.2.'],
  // Wan's norm3 is the cross-attention norm, which diffusers calls norm2 (Wan's norm2 has no weights).
  [/^(blocks\.\d+)\.norm3\./, '$1.norm2.'],
];

/** ComfyUI keeps diffusion-model weights behind this prefix in some files. */
const COMFY_PREFIX = 'model.diffusion_model.';

/** The diffusers name of a Wan original DiT tensor name (unchanged when no rule applies). */
export function diffusersDitName(original: string): string {
  let name = original.startsWith(COMFY_PREFIX) ? original.slice(COMFY_PREFIX.length) : original;
  for (const [pattern, replacement] of RULES) name = name.replace(pattern, replacement);
  return name;
}
