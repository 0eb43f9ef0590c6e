// Recognising components and the model from tensor names and shapes alone, on headers with the
// real Wan2.2 TI2V-5B shapes (the data behind them is never read, so no 20 GB file is needed).
import { describe, expect, test } from 'vitest';
import { createSafetensorsWriter } from '../../src/safetensors/index.ts';
import type { ByteSource, CheckpointFiles, SafetensorsDtype } from '../../src/safetensors/index.ts';
import { ditTensorSpecs, umt5TensorSpecs, vaeTensorSpecs, WAN22_TI2V_5B_CONFIGS } from '../../src/convert/random-checkpoint/index.ts';
import { openComponentFiles } from '../../src/convert/source-layout/open-component-files.ts';
import { ConvertError } from '../../src/errors.ts';
import { ditOriginalName, t5OriginalName, vaeOriginalName } from '../helpers/tiny-layouts.ts';

interface HeaderTensor {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
}

/** A file whose header is real and whose data reads as zeros. */
function headerOnlyFile(name: string, tensors: readonly HeaderTensor[]): ByteSource {
  const layout = createSafetensorsWriter(tensors);
  return {
    name,
    size: async () => layout.totalSize,
    read: async (offset, length) => {
      const out = new Uint8Array(length);
      if (offset < layout.header.length) out.set(layout.header.subarray(offset, Math.min(layout.header.length, offset + length)));
      return out;
    },
  };
}

function folder(files: Record<string, readonly HeaderTensor[]>, others: readonly string[] = []): { files: CheckpointFiles; paths: string[] } {
  const sources = new Map(Object.entries(files).map(([path, tensors]) => [path, headerOnlyFile(path, tensors)]));
  return { files: { open: (path) => sources.get(path)!, exists: async (path) => sources.has(path) }, paths: [...sources.keys(), ...others] };
}

const C = WAN22_TI2V_5B_CONFIGS;
const comfyDit = (dtype: SafetensorsDtype): HeaderTensor[] => ditTensorSpecs(C.transformer).map((t) => ({ name: `model.diffusion_model.${ditOriginalName(t.name)}`, dtype, shape: t.shape }));
const comfyVae: HeaderTensor[] = vaeTensorSpecs(C.vae).map((t) => ({ name: vaeOriginalName(t.name, 2), dtype: 'F16' as const, shape: t.shape }));
const scaledTe: HeaderTensor[] = [
  { name: 'scaled_fp8', dtype: 'F8_E4M3', shape: [0] },
  ...umt5TensorSpecs(C.textEncoder).flatMap((t): HeaderTensor[] =>
    /SelfAttention\.[qkvo]\.|DenseReluDense/.test(t.name)
      ? [{ name: t.name, dtype: 'F8_E4M3' as const, shape: t.shape }, { name: t.name.replace('.weight', '.scale_weight'), dtype: 'F32' as const, shape: [] }]
      : [{ name: t.name, dtype: 'F16' as const, shape: t.shape }],
  ),
];

describe('recognising Wan2.2 TI2V-5B in ComfyUI files by tensors and shapes', () => {
  test('a ComfyUI models folder: each component found by its tensors, the 5B config taken from its shapes', async () => {
    const { files, paths } = folder({
      'diffusion_models/wan2.2_ti2v_5B_fp16.safetensors': comfyDit('F16'),
      'text_encoders/umt5_xxl_fp8_e4m3fn_scaled.safetensors': scaledTe,
      'vae/wan2.2_vae.safetensors': comfyVae,
    });
    const model = await openComponentFiles(files, paths);
    expect(model.picks.transformer).toMatchObject({ path: 'diffusion_models/wan2.2_ti2v_5B_fp16.safetensors', naming: "Wan's original names", model: 'Wan2.2 TI2V-5B' });
    expect(model.picks.textEncoder.dtype).toBe('F8_E4M3, 168 scaled float8 weights');
    expect(model.source.configs.transformer).toBe(C.transformer);
    expect(model.source.textEncoder.tensors.has('encoder.block.23.layer.1.DenseReluDense.wo.weight')).toBe(true);
    expect(model.source.textEncoder.tensors.has('encoder.block.0.layer.0.SelfAttention.q.scale_weight')).toBe(false);
    expect(model.tokenizer).toBeNull();
  });

  test('of several copies the most precise is taken; a file name means nothing', async () => {
    const teF16 = umt5TensorSpecs(C.textEncoder).map((t) => ({ name: t5OriginalName(t.name), dtype: 'BF16' as const, shape: t.shape }));
    const { files, paths } = folder({
      'a.safetensors': comfyVae,
      'b.safetensors': scaledTe,
      'c.safetensors': teF16,
      'd.safetensors': comfyDit('F16'),
    });
    const model = await openComponentFiles(files, paths);
    expect([model.picks.transformer.path, model.picks.textEncoder.path, model.picks.vae.path]).toEqual(['d.safetensors', 'c.safetensors', 'a.safetensors']);
  });

  test('shapes of another model are refused, naming what differs', async () => {
    const wide = ditTensorSpecs({ ...C.transformer, num_attention_heads: 40 }).map((t) => ({ name: ditOriginalName(t.name), dtype: 'BF16' as const, shape: t.shape }));
    const { files, paths } = folder({ 'wan2.2_t2v_14B.safetensors': wide, 'te.safetensors': scaledTe, 'vae.safetensors': comfyVae });
    const error = await openComponentFiles(files, paths).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConvertError);
    expect((error as Error).message).toMatch(/wan2\.2_t2v_14B\.safetensors holds a diffusion model .*not Wan2\.2 TI2V-5B's: "scale_shift_table" is \[1, 2, 5120\] where it has \[1, 2, 3072\]/);
  });

  test('a missing component is named, and the pickle beside it is said to be never opened', async () => {
    const { files, paths } = folder({ 'dit.safetensors': comfyDit('F16'), 'te.safetensors': scaledTe }, ['Wan2.2_VAE.pth']);
    await expect(openComponentFiles(files, paths)).rejects.toThrow(/holds a VAE\. Wan2\.2_VAE\.pth is a PyTorch pickle, which wan-web never opens/);
  });

  test('two different diffusion models of the same precision are not guessed between', async () => {
    const { files, paths } = folder({ 'wan.safetensors': comfyDit('F16'), 'fastwan.safetensors': comfyDit('F16'), 'te.safetensors': scaledTe, 'vae.safetensors': comfyVae });
    await expect(openComponentFiles(files, paths)).rejects.toThrow(/Several diffusion models fit \(fastwan\.safetensors, wan\.safetensors\)/);
  });
});
