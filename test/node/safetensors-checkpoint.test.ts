import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encodeSafetensors, openCheckpoint, SafetensorsError, toFloat32 } from '../../src/safetensors/index.ts';
import type { TensorWithData } from '../../src/safetensors/index.ts';
import { fileByteSource, nodeCheckpointFiles } from '../../src/node/file-source.ts';

const FIXTURES = new URL('../fixtures/tiny-a/', import.meta.url).pathname;
let root: string;

const tensor = (name: string, values: number[]): TensorWithData => ({
  name,
  dtype: 'F32',
  shape: [values.length],
  data: new Float32Array(values),
});

/** Writes `<component>/` with two shards and an index (plus extra `weight_map` entries). */
async function writeSharded(component: string, extraMap: Record<string, string> = {}): Promise<void> {
  const dir = join(root, component);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'shard-1.safetensors'), encodeSafetensors([tensor('a', [1, 2]), tensor('b', [3])]));
  await writeFile(join(dir, 'shard-2.safetensors'), encodeSafetensors([tensor('c', [4, 5, 6])]));
  const weightMap = { a: 'shard-1.safetensors', b: 'shard-1.safetensors', c: 'shard-2.safetensors', ...extraMap };
  await writeFile(
    join(dir, 'diffusion_pytorch_model.safetensors.index.json'),
    JSON.stringify({ metadata: { total_size: 24 }, weight_map: weightMap }),
  );
  await writeFile(join(dir, 'config.json'), JSON.stringify({ _class_name: 'WanTransformer3DModel', num_layers: 2 }));
}

async function checkpointError(component: string): Promise<SafetensorsError> {
  const files = nodeCheckpointFiles(root);
  try {
    const error: unknown = await openCheckpoint(files, component).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SafetensorsError);
    return error as SafetensorsError;
  } finally {
    await files.close();
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'safetensors-test-'));
  await writeSharded('transformer');
  await writeSharded('missing-shard', { d: 'shard-3.safetensors' });
  await writeSharded('missing-tensor', { e: 'shard-2.safetensors' });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('openCheckpoint', () => {
  test('reads a sharded component through its index', async () => {
    const files = nodeCheckpointFiles(root);
    const checkpoint = await openCheckpoint(files, 'transformer');
    expect(checkpoint.shards).toHaveLength(2);
    expect([...checkpoint.tensors.keys()]).toEqual(['a', 'b', 'c']);
    expect(checkpoint.tensors.get('c')?.file).toBe(join(root, 'transformer/shard-2.safetensors'));
    const c = await checkpoint.readTensor('c');
    expect([...toFloat32(c.info, c.bytes)]).toEqual([4, 5, 6]);
    const b = await checkpoint.readTensor('b');
    expect([...toFloat32(b.info, b.bytes)]).toEqual([3]);
    expect(await checkpoint.readJson('config.json')).toEqual({ _class_name: 'WanTransformer3DModel', num_layers: 2 });
    await expect(checkpoint.readTensor('zzz')).rejects.toThrow('Component "transformer" has no tensor "zzz".');
    await files.close();
  });

  test('falls back to the single-file layout (fixture), without an exists() helper', async () => {
    const dirFiles = nodeCheckpointFiles(FIXTURES);
    const files = { open: (relPath: string) => dirFiles.open(relPath) };
    const transformer = await openCheckpoint(files, 'transformer');
    expect(transformer.tensors.size).toBe(69);
    const textEncoder = await openCheckpoint(files, 'text_encoder');
    expect(textEncoder.tensors.get('shared.weight')?.shape).toEqual([384, 32]);
    expect(await textEncoder.readJson('config.json')).toMatchObject({ d_model: 32 });
    await dirFiles.close();
  });

  test('a missing shard names the shard and the index', async () => {
    const error = await checkpointError('missing-shard');
    expect(error.message).toBe(
      'Shard missing-shard/shard-3.safetensors is missing (missing-shard/diffusion_pytorch_model.safetensors.index.json lists it). ' +
        'Download every file of the checkpoint folder.',
    );
    expect(error.reason).toBe('not-found');
  });

  test('a tensor listed in the index but absent from its shard', async () => {
    const error = await checkpointError('missing-tensor');
    expect(error.message).toBe(
      `${join(root, 'missing-tensor/shard-2.safetensors')} has no tensor "e", but ` +
        'missing-tensor/diffusion_pytorch_model.safetensors.index.json says it is there. ' +
        'The index and the shards do not match; re-download the checkpoint folder.',
    );
    expect(error.tensor).toBe('e');
  });

  test('a component without weights', async () => {
    const error = await checkpointError('vae');
    expect(error.message).toMatch(/^No weights found for "vae": none of vae\/diffusion_pytorch_model\.safetensors\.index\.json, /);
  });
});

describe('fileByteSource', () => {
  test('reads ranges and reports missing files', async () => {
    const source = fileByteSource(join(root, 'transformer/shard-2.safetensors'));
    const size = await source.size();
    expect((await source.read(size - 4, 4)).byteLength).toBe(4);
    await expect(source.read(size - 2, 4)).rejects.toThrow(/is truncated: reading bytes .* Re-download the file\./);
    await source.close();

    const missing = fileByteSource(join(root, 'nope.safetensors'));
    await expect(missing.size()).rejects.toThrow(`${join(root, 'nope.safetensors')} does not exist. Check the path.`);
    await missing.close();
  });
});
