// Writes the tiny-a checkpoint in the layouts people have on disk: ComfyUI's single files (Wan's
// original names, fp16, a scaled-fp8 text encoder; ComfyUI-GGUF's Q8_0 and Q4_0 diffusion models)
// and Wan's original repository layout. The
// name maps here are written from the official module structure independently of
// src/convert/source-layout, so the two check each other.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { encodeSafetensors, float32ToBfloat16Bits, float32ToFloat16Bits, openCheckpoint, toFloat32 } from '../../src/safetensors/index.ts';
import type { SafetensorsDtype, TensorWithData } from '../../src/safetensors/index.ts';
import { nodeCheckpointFiles } from '../../src/node/file-source.ts';
import { float8E4m3Table } from '../../src/safetensors/float8.ts';
import { TINY } from './golden-cases.ts';
import { encodeGguf } from './gguf-writer.ts';

export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** Every tensor of one tiny-a component folder, as float32. */
export async function readTinyComponent(component: 'transformer' | 'vae' | 'text_encoder'): Promise<NamedTensor[]> {
  const files = nodeCheckpointFiles(TINY);
  try {
    const checkpoint = await openCheckpoint(files, component);
    const out: NamedTensor[] = [];
    for (const info of checkpoint.tensors.values()) out.push({ name: info.name, shape: info.shape, values: toFloat32(info, (await checkpoint.readTensor(info.name)).bytes).slice() });
    return out;
  } finally {
    await files.close();
  }
}

/** diffusers WanTransformer3DModel → Wan's WanModel. */
export function ditOriginalName(name: string): string {
  const top: [RegExp, string][] = [
    [/^scale_shift_table$/, 'head.modulation'],
    [/^proj_out\./, 'head.head.'],
    [/^condition_embedder\.text_embedder\.linear_1\./, 'text_embedding.0.'],
    [/^condition_embedder\.text_embedder\.linear_2\./, 'text_embedding.2.'],
    [/^condition_embedder\.time_embedder\.linear_1\./, 'time_embedding.0.'],
    [/^condition_embedder\.time_embedder\.linear_2\./, 'time_embedding.2.'],
    [/^condition_embedder\.time_proj\./, 'time_projection.1.'],
    [/\.scale_shift_table$/, '.modulation'],
    [/\.attn1\.to_out\.0\./, '.self_attn.o.'],
    [/\.attn2\.to_out\.0\./, '.cross_attn.o.'],
    [/\.attn1\.to_([qkv])\./, '.self_attn.$1.'],
    [/\.attn2\.to_([qkv])\./, '.cross_attn.$1.'],
    [/\.attn1\.norm_/, '.self_attn.norm_'],
    [/\.attn2\.norm_/, '.cross_attn.norm_'],
    [/\.norm2\./, '.norm3.'],
    [/\.ffn\.net\.0\.proj\./, '.ffn.0.'],
    [/\.ffn\.net\.2\./, '.ffn.2.'],
  ];
  for (const [pattern, replacement] of top) if (pattern.test(name)) return name.replace(pattern, replacement);
  return name;
}

/** diffusers AutoencoderKLWan → Wan2.2's original VAE, for `numResBlocks` residual blocks per stage. */
export function vaeOriginalName(name: string, numResBlocks: number): string {
  const residual = (part: string) =>
    part.replace('norm1.gamma', 'residual.0.gamma').replace('conv1.', 'residual.2.').replace('norm2.gamma', 'residual.3.gamma').replace('conv2.', 'residual.6.').replace('conv_shortcut.', 'shortcut.');
  const fixed: Record<string, string> = { quant_conv: 'conv1', post_quant_conv: 'conv2' };
  let m = /^(quant_conv|post_quant_conv)\.(\w+)$/.exec(name);
  if (m) return `${fixed[m[1]!]}.${m[2]}`;
  m = /^(encoder|decoder)\.conv_in\.(\w+)$/.exec(name);
  if (m) return `${m[1]}.conv1.${m[2]}`;
  m = /^(encoder|decoder)\.norm_out\.gamma$/.exec(name);
  if (m) return `${m[1]}.head.0.gamma`;
  m = /^(encoder|decoder)\.conv_out\.(\w+)$/.exec(name);
  if (m) return `${m[1]}.head.2.${m[2]}`;
  m = /^(encoder|decoder)\.mid_block\.attentions\.0\.(.+)$/.exec(name);
  if (m) return `${m[1]}.middle.1.${m[2]}`;
  m = /^(encoder|decoder)\.mid_block\.resnets\.(\d)\.(.+)$/.exec(name);
  if (m) return `${m[1]}.middle.${Number(m[2]) * 2}.${residual(m[3]!)}`;
  m = /^encoder\.down_blocks\.(\d+)\.resnets\.(\d+)\.(.+)$/.exec(name);
  if (m) return `encoder.downsamples.${m[1]}.downsamples.${m[2]}.${residual(m[3]!)}`;
  m = /^encoder\.down_blocks\.(\d+)\.downsampler\.(.+)$/.exec(name);
  if (m) return `encoder.downsamples.${m[1]}.downsamples.${numResBlocks}.${m[2]}`;
  m = /^decoder\.up_blocks\.(\d+)\.resnets\.(\d+)\.(.+)$/.exec(name);
  if (m) return `decoder.upsamples.${m[1]}.upsamples.${m[2]}.${residual(m[3]!)}`;
  m = /^decoder\.up_blocks\.(\d+)\.upsampler\.(.+)$/.exec(name);
  if (m) return `decoder.upsamples.${m[1]}.upsamples.${numResBlocks + 1}.${m[2]}`;
  throw new Error(`no original name for VAE tensor ${name}`);
}

/** transformers UMT5EncoderModel → Wan's T5Encoder. */
export function t5OriginalName(name: string): string {
  if (name === 'shared.weight') return 'token_embedding.weight';
  if (name === 'encoder.final_layer_norm.weight') return 'norm.weight';
  const parts: Record<string, string> = {
    'layer.0.layer_norm.weight': 'norm1.weight',
    'layer.0.SelfAttention.q.weight': 'attn.q.weight',
    'layer.0.SelfAttention.k.weight': 'attn.k.weight',
    'layer.0.SelfAttention.v.weight': 'attn.v.weight',
    'layer.0.SelfAttention.o.weight': 'attn.o.weight',
    'layer.0.SelfAttention.relative_attention_bias.weight': 'pos_embedding.embedding.weight',
    'layer.1.layer_norm.weight': 'norm2.weight',
    'layer.1.DenseReluDense.wi_0.weight': 'ffn.gate.0.weight',
    'layer.1.DenseReluDense.wi_1.weight': 'ffn.fc1.weight',
    'layer.1.DenseReluDense.wo.weight': 'ffn.fc2.weight',
  };
  const m = /^encoder\.block\.(\d+)\.(.+)$/.exec(name);
  const part = m ? parts[m[2]!] : undefined;
  if (!m || !part) throw new Error(`no original name for T5 tensor ${name}`);
  return `blocks.${m[1]}.${part}`;
}

/** Encodes float32 values in a float dtype (round to nearest even). */
export function encodeFloats(values: Float32Array, dtype: 'F32' | 'F16' | 'BF16'): TensorWithData['data'] {
  if (dtype === 'F32') return values;
  const bits = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) bits[i] = dtype === 'F16' ? float32ToFloat16Bits(values[i]!) : float32ToBfloat16Bits(values[i]!);
  return bits;
}

/** float32 → float8_e4m3fn bytes, nearest value (ties to the even code), saturating at ±448. */
export function encodeE4m3(values: Float32Array): Uint8Array {
  const table = float8E4m3Table();
  const positives = [...Array(127).keys()].map((code) => ({ code, value: table[code]! })); // 0x00…0x7E, no NaN
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const magnitude = Math.min(Math.abs(v), 448);
    let best = positives[0]!;
    for (const p of positives) {
      const d = Math.abs(p.value - magnitude) - Math.abs(best.value - magnitude);
      if (d < 0 || (d === 0 && p.code % 2 === 0)) best = p;
    }
    out[i] = (v < 0 ? 0x80 : 0) | best.code;
  }
  return out;
}

/** One tensor in a dtype, named `name`. */
export function tensorIn(tensor: NamedTensor, name: string, dtype: 'F32' | 'F16' | 'BF16'): TensorWithData {
  return { name, dtype, shape: tensor.shape, data: encodeFloats(tensor.values, dtype) };
}

/**
 * The text encoder as ComfyUI's umt5_xxl_fp8_e4m3fn_scaled.safetensors stores it: each linear
 * weight as float8_e4m3fn with a float32 `scale_weight` (max |w| / 448, so the largest value
 * uses the whole range), the `scaled_fp8` marker, the embedding and norms in fp16.
 */
export function scaledFp8TextEncoder(tensors: readonly NamedTensor[]): TensorWithData[] {
  const out: TensorWithData[] = [{ name: 'scaled_fp8', dtype: 'F8_E4M3' as SafetensorsDtype, shape: [0], data: new Uint8Array(0) }];
  for (const t of tensors) {
    const linear = /(SelfAttention\.[qkvo]|DenseReluDense\.w\w+)\.weight$/.test(t.name);
    if (!linear) {
      out.push(tensorIn(t, t.name, 'F16'));
      continue;
    }
    const scale = t.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 448;
    out.push({ name: t.name, dtype: 'F8_E4M3', shape: t.shape, data: encodeE4m3(t.values.map((v) => v / scale)) });
    out.push({ name: t.name.replace(/\.weight$/, '.scale_weight'), dtype: 'F32', shape: [], data: new Float32Array([scale]) });
  }
  return out;
}

/** Writes a safetensors file (and its folders). */
export async function writeSafetensorsFile(path: string, tensors: readonly TensorWithData[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodeSafetensors(tensors));
}

export const joinPath = join;

/** Where {@link writeTinyLayouts} put each layout: what to give `wan-web convert`. */
export interface TinyLayouts {
  /** A ComfyUI models folder: fp16, the diffusion model behind `model.diffusion_model.`, plus an unrelated LoRA. */
  readonly comfyFolder: string;
  /** ComfyUI's three files, with the scaled-fp8 text encoder. */
  readonly comfyFp8Files: readonly string[];
  /** Wan's original repository folder (float32 shards, .pth files, google/umt5-xxl/tokenizer.json) with a Wan-named T5 and VAE as safetensors. */
  readonly originalFolder: string;
  /** A ComfyUI models folder whose diffusion model is a GGUF (unet/, Wan's names, linear weights Q8_0, the rest F32), with the fp16 text encoder and VAE. */
  readonly ggufQ8Folder: string;
  /** The three files, the diffusion model a Q4_0 GGUF. */
  readonly ggufQ4Files: readonly string[];
}

/** The tiny DiT as ComfyUI-GGUF writes it: Wan's names without a prefix, linear weights in `type`, everything else F32. */
function ditGguf(dit: readonly NamedTensor[], type: 'Q8_0' | 'Q4_0'): Uint8Array {
  const tensors = dit.map((t) => ({ name: ditOriginalName(t.name), shape: t.shape, type: t.shape.length === 2 && t.name.endsWith('.weight') ? type : ('F32' as const), values: t.values }));
  return encodeGguf(tensors, { 'general.architecture': 'wan' });
}

const TINY_NUM_RES_BLOCKS = 2;

/** Writes tiny-a in every layout under `work`. */
export async function writeTinyLayouts(work: string): Promise<TinyLayouts> {
  const { writeFile: write, mkdir: makeDir } = await import('node:fs/promises');
  const [dit, vae, te] = await Promise.all([readTinyComponent('transformer'), readTinyComponent('vae'), readTinyComponent('text_encoder')]);
  const renamed = (tensors: readonly NamedTensor[], rename: (n: string) => string, dtype: 'F32' | 'F16' | 'BF16', prefix = '') =>
    tensors.map((t) => tensorIn(t, `${prefix}${rename(t.name)}`, dtype));
  const vaeName = (n: string) => vaeOriginalName(n, TINY_NUM_RES_BLOCKS);

  const comfy = join(work, 'comfy-models');
  await writeSafetensorsFile(join(comfy, 'diffusion_models/wan2.2_ti2v_tiny_fp16.safetensors'), renamed(dit, ditOriginalName, 'F16', 'model.diffusion_model.'));
  await writeSafetensorsFile(join(comfy, 'text_encoders/umt5_tiny_fp16.safetensors'), renamed(te, (n) => n, 'F16'));
  await writeSafetensorsFile(join(comfy, 'vae/wan2.2_vae_tiny.safetensors'), renamed(vae, vaeName, 'F16'));
  await writeSafetensorsFile(join(comfy, 'loras/unrelated.safetensors'), [tensorIn(dit[0]!, 'lora_unet_x.alpha', 'F16')]);
  const fp8 = join(work, 'fp8/umt5_tiny_fp8_e4m3fn_scaled.safetensors');
  await writeSafetensorsFile(fp8, scaledFp8TextEncoder(te));

  const original = join(work, 'Wan2.2-TI2V-tiny');
  const half = Math.ceil(dit.length / 2);
  const weightMap: Record<string, string> = {};
  for (const [i, part] of [dit.slice(0, half), dit.slice(half)].entries()) {
    const name = `diffusion_pytorch_model-0000${i + 1}-of-00002.safetensors`;
    await writeSafetensorsFile(join(original, name), renamed(part, ditOriginalName, 'F32'));
    for (const t of part) weightMap[ditOriginalName(t.name)] = name;
  }
  await write(join(original, 'diffusion_pytorch_model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
  await write(join(original, 'Wan2.2_VAE.pth'), 'not to be opened');
  await write(join(original, 'models_t5_umt5-xxl-enc-bf16.pth'), 'not to be opened');
  await makeDir(join(original, 'google/umt5-xxl'), { recursive: true });
  await write(join(original, 'google/umt5-xxl/tokenizer.json'), '{"version":"1.0"}');
  await writeSafetensorsFile(join(original, 'wan2.2_vae.safetensors'), renamed(vae, vaeName, 'F32'));
  await writeSafetensorsFile(join(original, 'umt5-xxl-enc-fp32.safetensors'), renamed(te, t5OriginalName, 'F32'));
  const ggufQ8 = join(work, 'comfy-gguf');
  await makeDir(join(ggufQ8, 'unet'), { recursive: true });
  await write(join(ggufQ8, 'unet/wan2.2-ti2v-tiny-Q8_0.gguf'), ditGguf(dit, 'Q8_0'));
  await writeSafetensorsFile(join(ggufQ8, 'text_encoders/umt5_tiny_fp16.safetensors'), renamed(te, (n) => n, 'F16'));
  await writeSafetensorsFile(join(ggufQ8, 'vae/wan2.2_vae_tiny.safetensors'), renamed(vae, vaeName, 'F16'));
  const q4 = join(work, 'gguf-q4/wan2.2-ti2v-tiny-Q4_0.gguf');
  await makeDir(dirname(q4), { recursive: true });
  await write(q4, ditGguf(dit, 'Q4_0'));
  return {
    ggufQ8Folder: ggufQ8,
    ggufQ4Files: [q4, join(comfy, 'text_encoders/umt5_tiny_fp16.safetensors'), join(comfy, 'vae/wan2.2_vae_tiny.safetensors')],
    comfyFolder: comfy,
    comfyFp8Files: [join(comfy, 'diffusion_models/wan2.2_ti2v_tiny_fp16.safetensors'), fp8, join(comfy, 'vae/wan2.2_vae_tiny.safetensors')],
    originalFolder: original,
  };
}
