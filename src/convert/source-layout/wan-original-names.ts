// Wan's original tensor names (the official Wan2.2 code; ComfyUI keeps them) → the diffusers names
// the builder reads. The rules follow diffusers' scripts/convert_wan_to_diffusers.py and Wan2.2's
// wan/modules/{model,vae2_2,t5}.py; a name no rule covers is kept as it is.

const DIT_TOP: Readonly<Record<string, string>> = {
  'text_embedding.0': 'condition_embedder.text_embedder.linear_1',
  'text_embedding.2': 'condition_embedder.text_embedder.linear_2',
  'time_embedding.0': 'condition_embedder.time_embedder.linear_1',
  'time_embedding.2': 'condition_embedder.time_embedder.linear_2',
  'time_projection.1': 'condition_embedder.time_proj',
  'head.head': 'proj_out',
};

/** Inside `blocks.<i>.`: the original calls the cross-attention norm norm3 and the unused one norm2. */
const DIT_BLOCK: Readonly<Record<string, string>> = {
  'self_attn.q': 'attn1.to_q',
  'self_attn.k': 'attn1.to_k',
  'self_attn.v': 'attn1.to_v',
  'self_attn.o': 'attn1.to_out.0',
  'self_attn.norm_q': 'attn1.norm_q',
  'self_attn.norm_k': 'attn1.norm_k',
  'cross_attn.q': 'attn2.to_q',
  'cross_attn.k': 'attn2.to_k',
  'cross_attn.v': 'attn2.to_v',
  'cross_attn.o': 'attn2.to_out.0',
  'cross_attn.norm_q': 'attn2.norm_q',
  'cross_attn.norm_k': 'attn2.norm_k',
  norm3: 'norm2',
  norm2: 'norm3',
  'ffn.0': 'ffn.net.0.proj',
  'ffn.2': 'ffn.net.2',
};

/** `<module>.<param>` → [module, param] for the last dot. */
function splitParam(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? ['', name] : [name.slice(0, dot), name.slice(dot + 1)];
}

/** The diffusers `WanTransformer3DModel` name of a tensor of Wan's `WanModel`. */
export function ditDiffusersName(name: string): string {
  if (name === 'head.modulation') return 'scale_shift_table';
  const block = /^blocks\.(\d+)\.(.+)$/.exec(name);
  if (block) {
    const [, index, rest] = block as unknown as [string, string, string];
    if (rest === 'modulation') return `blocks.${index}.scale_shift_table`;
    const [module, param] = splitParam(rest);
    const renamed = DIT_BLOCK[module];
    return renamed === undefined ? name : `blocks.${index}.${renamed}.${param}`;
  }
  const [module, param] = splitParam(name);
  const renamed = DIT_TOP[module];
  return renamed === undefined ? name : `${renamed}.${param}`;
}

/** A residual block's parts: RMS_norm, conv, RMS_norm, conv (SiLU and dropout have no weights). */
const VAE_RESIDUAL: Readonly<Record<string, string>> = {
  'residual.0.gamma': 'norm1.gamma',
  'residual.2.weight': 'conv1.weight',
  'residual.2.bias': 'conv1.bias',
  'residual.3.gamma': 'norm2.gamma',
  'residual.6.weight': 'conv2.weight',
  'residual.6.bias': 'conv2.bias',
  'shortcut.weight': 'conv_shortcut.weight',
  'shortcut.bias': 'conv_shortcut.bias',
};

const VAE_FIXED: Readonly<Record<string, string>> = {
  'conv1.weight': 'quant_conv.weight',
  'conv1.bias': 'quant_conv.bias',
  'conv2.weight': 'post_quant_conv.weight',
  'conv2.bias': 'post_quant_conv.bias',
  'encoder.conv1.weight': 'encoder.conv_in.weight',
  'encoder.conv1.bias': 'encoder.conv_in.bias',
  'decoder.conv1.weight': 'decoder.conv_in.weight',
  'decoder.conv1.bias': 'decoder.conv_in.bias',
  'encoder.head.0.gamma': 'encoder.norm_out.gamma',
  'encoder.head.2.weight': 'encoder.conv_out.weight',
  'encoder.head.2.bias': 'encoder.conv_out.bias',
  'decoder.head.0.gamma': 'decoder.norm_out.gamma',
  'decoder.head.2.weight': 'decoder.conv_out.weight',
  'decoder.head.2.bias': 'decoder.conv_out.bias',
};

/** ComfyUI keeps diffusion-model weights behind this prefix in some files (and ComfyUI-GGUF in its GGUFs). */
export const COMFY_DIFFUSION_PREFIX = 'model.diffusion_model.';

/** {@link ditDiffusersName} of a name that may carry ComfyUI's prefix (a GGUF's tensor names, say). */
export function ditDiffusersNameUnprefixed(name: string): string {
  return ditDiffusersName(name.startsWith(COMFY_DIFFUSION_PREFIX) ? name.slice(COMFY_DIFFUSION_PREFIX.length) : name);
}

/** The diffusers `AutoencoderKLWan` name of a tensor of Wan2.2's original VAE (`Wan2_2_VAE`). */
export function vaeDiffusersName(name: string): string {
  const fixed = VAE_FIXED[name];
  if (fixed !== undefined) return fixed;
  // middle.0 and middle.2 are residual blocks, middle.1 the attention block.
  const middle = /^(encoder|decoder)\.middle\.(\d+)\.(.+)$/.exec(name);
  if (middle) {
    const [, half, index, rest] = middle as unknown as [string, string, string, string];
    if (index === '1') return `${half}.mid_block.attentions.0.${rest}`;
    const part = VAE_RESIDUAL[rest];
    return part === undefined ? name : `${half}.mid_block.resnets.${Number(index) / 2}.${part}`;
  }
  // encoder.downsamples.<b>.downsamples.<j>.… and decoder.upsamples.<b>.upsamples.<j>.…: residual
  // blocks become resnets.<j>; the block's resampler (the last <j>) drops its index.
  const stage = /^(encoder\.down|decoder\.up)samples\.(\d+)\.(?:down|up)samples\.(\d+)\.(.+)$/.exec(name);
  if (stage) {
    const [, half, block, inner, rest] = stage as unknown as [string, string, string, string, string];
    const blocks = half === 'encoder.down' ? 'encoder.down_blocks' : 'decoder.up_blocks';
    const sampler = half === 'encoder.down' ? 'downsampler' : 'upsampler';
    if (rest.startsWith('resample.') || rest.startsWith('time_conv.')) return `${blocks}.${block}.${sampler}.${rest}`;
    const part = VAE_RESIDUAL[rest];
    return part === undefined ? name : `${blocks}.${block}.resnets.${inner}.${part}`;
  }
  return name;
}

const T5_BLOCK: Readonly<Record<string, string>> = {
  'norm1.weight': 'layer.0.layer_norm.weight',
  'attn.q.weight': 'layer.0.SelfAttention.q.weight',
  'attn.k.weight': 'layer.0.SelfAttention.k.weight',
  'attn.v.weight': 'layer.0.SelfAttention.v.weight',
  'attn.o.weight': 'layer.0.SelfAttention.o.weight',
  'pos_embedding.embedding.weight': 'layer.0.SelfAttention.relative_attention_bias.weight',
  'norm2.weight': 'layer.1.layer_norm.weight',
  'ffn.gate.0.weight': 'layer.1.DenseReluDense.wi_0.weight',
  'ffn.fc1.weight': 'layer.1.DenseReluDense.wi_1.weight',
  'ffn.fc2.weight': 'layer.1.DenseReluDense.wo.weight',
};

/** The transformers `UMT5EncoderModel` name of a tensor of Wan's own `T5Encoder` (umt5-xxl-enc). */
export function t5DiffusersName(name: string): string {
  if (name === 'token_embedding.weight') return 'shared.weight';
  if (name === 'norm.weight') return 'encoder.final_layer_norm.weight';
  const block = /^blocks\.(\d+)\.(.+)$/.exec(name);
  const part = block ? T5_BLOCK[block[2] as string] : undefined;
  return block && part ? `encoder.block.${block[1]}.${part}` : name;
}
