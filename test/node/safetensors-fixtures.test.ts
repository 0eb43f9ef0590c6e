import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { openSafetensors, shapeElementCount, toBigInt64, toFloat32 } from '../../src/safetensors/index.ts';
import type { SafetensorsFile } from '../../src/safetensors/index.ts';
import { fileByteSource } from '../../src/node/file-source.ts';
import type { FileByteSource } from '../../src/node/file-source.ts';
import { TINY } from '../helpers/golden-cases.ts';

const opened: FileByteSource[] = [];

async function open(relPath: string): Promise<SafetensorsFile> {
  const source = fileByteSource(join(TINY, relPath));
  opened.push(source);
  return openSafetensors(source);
}

afterAll(async () => {
  await Promise.all(opened.map((source) => source.close()));
});

/** Reads every tensor, checking sizes and that float data is finite. */
async function readAll(file: SafetensorsFile): Promise<void> {
  for (const info of file.tensors.values()) {
    const { bytes } = await file.readTensor(info.name);
    expect(bytes.byteLength).toBe(info.byteLength);
    if (info.dtype === 'F32') {
      const values = toFloat32(info, bytes);
      expect(values.length).toBe(shapeElementCount(info.shape));
      expect(values.every(Number.isFinite)).toBe(true);
    } else {
      expect(toBigInt64(info, bytes).length).toBe(shapeElementCount(info.shape));
    }
  }
}

const shapesOf = (file: SafetensorsFile) => Object.fromEntries([...file.tensors].map(([name, info]) => [name, info.shape]));

describe('tiny-a fixtures', () => {
  test('transformer checkpoint: 69 F32 tensors with the tiny shapes', async () => {
    const file = await open('transformer/diffusion_pytorch_model.safetensors');
    expect(file.tensors.size).toBe(69);
    expect(file.metadata).toEqual({ format: 'pt' });
    expect([...file.tensors.values()].every((info) => info.dtype === 'F32')).toBe(true);
    expect(shapesOf(file)).toMatchObject({
      'patch_embedding.weight': [64, 48, 1, 2, 2],
      'proj_out.weight': [192, 64],
      scale_shift_table: [1, 2, 64],
      'blocks.1.scale_shift_table': [1, 6, 64],
      'blocks.0.ffn.net.0.proj.weight': [128, 64],
      'condition_embedder.text_embedder.linear_1.weight': [64, 32],
      'condition_embedder.time_embedder.linear_1.weight': [64, 256],
      'condition_embedder.time_proj.weight': [384, 64],
    });
    await readAll(file);
  });

  test('cases/dit_t2v: shapes from the README, metadata and values', async () => {
    const file = await open('cases/dit_t2v.safetensors');
    expect(shapesOf(file)).toEqual({
      context: [1, 512, 32],
      t: [1, 36],
      v: [1, 48, 3, 6, 8],
      x: [1, 48, 3, 6, 8],
      'inter.block0': [1, 36, 64],
      'inter.block1': [1, 36, 64],
      'inter.head': [1, 36, 192],
      'inter.patch_tokens': [1, 36, 64],
      'inter.text_ctx': [1, 512, 64],
      'inter.time_e': [1, 36, 64],
      'inter.time_e0': [1, 36, 6, 64],
    });
    expect(file.metadata).toMatchObject({ case: 'dit_t2v', context_len: '20', grid: '[3, 3, 4]', seq_len: '36' });
    await readAll(file);

    const t = await file.readTensor('t');
    expect([...toFloat32(t.info, t.bytes)]).toEqual(new Array(36).fill(937));
    // Rows from context_len on are exactly zero, the rows before are not.
    const context = await file.readTensor('context');
    const values = toFloat32(context.info, context.bytes);
    const contextLen = Number(file.metadata['context_len']);
    expect(values.subarray(contextLen * 32).every((v) => v === 0)).toBe(true);
    expect(values.subarray((contextLen - 1) * 32, contextLen * 32).some((v) => v !== 0)).toBe(true);
  });

  test('cases/text_encoder: I64 ids and masks', async () => {
    const file = await open('cases/text_encoder.safetensors');
    expect(shapesOf(file)).toEqual({
      ids: [1, 512],
      'long.ids': [1, 512],
      'long.mask': [1, 512],
      mask: [1, 512],
      'long.output': [1, 512, 32],
      'long.output_raw': [1, 512, 32],
      output: [1, 512, 32],
      output_raw: [1, 512, 32],
    });
    expect(file.tensors.get('ids')?.dtype).toBe('I64');
    await readAll(file);

    const n = Number(file.metadata['seq_len']);
    const mask = await file.readTensor('mask');
    expect(toBigInt64(mask.info, mask.bytes).reduce((sum, v) => sum + v, 0n)).toBe(BigInt(n));
    const ids = await file.readTensor('ids');
    const idValues = toBigInt64(ids.info, ids.bytes);
    expect(idValues[n - 1]).toBe(1n); // EOS
    expect(idValues.subarray(n).every((v) => v === 0n)).toBe(true);
  });

  test('text_encoder and vae checkpoints', async () => {
    const textEncoder = await open('text_encoder/model.safetensors');
    expect(textEncoder.tensors.size).toBe(22);
    expect(textEncoder.tensors.get('shared.weight')?.shape).toEqual([384, 32]);
    await readAll(textEncoder);
    const vae = await open('vae/diffusion_pytorch_model.safetensors');
    expect(vae.tensors.size).toBe(196);
    await readAll(vae);
  });
});
