import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ditTensorSpecs,
  randomTensorBytes,
  umt5TensorSpecs,
  vaeTensorSpecs,
} from '../../src/convert/random-checkpoint/index.ts';
import type { RandomTensorSpec, WanCheckpointConfigs } from '../../src/convert/random-checkpoint/index.ts';
import { openCheckpoint } from '../../src/safetensors/index.ts';
import type { Checkpoint } from '../../src/safetensors/index.ts';
import { nodeCheckpointFiles } from '../../src/node/file-source.ts';
import type { NodeCheckpointFiles } from '../../src/node/file-source.ts';
import { readCheckpointConfigs, writeRandomCheckpoint } from '../../src/node/write-random-checkpoint.ts';
import { TINY } from '../helpers/golden-cases.ts';

const COMPONENTS = [
  ['transformer', ditTensorSpecs, 'transformer'],
  ['vae', vaeTensorSpecs, 'vae'],
  ['text_encoder', umt5TensorSpecs, 'textEncoder'],
] as const;

let configs: WanCheckpointConfigs;
let work: string;
const opened: NodeCheckpointFiles[] = [];

async function open(root: string, component: string): Promise<Checkpoint> {
  const files = nodeCheckpointFiles(root);
  opened.push(files);
  return openCheckpoint(files, component);
}

/** Byte equality without vitest's element-by-element diffing of large arrays. */
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

const shapes = (entries: Iterable<readonly [string, { readonly shape: readonly number[] }]>) =>
  Object.fromEntries([...entries].map(([name, { shape }]) => [name, [...shape]]));

beforeAll(async () => {
  configs = await readCheckpointConfigs(TINY);
  work = await mkdtemp(join(tmpdir(), 'random-checkpoint-'));
});

afterAll(async () => {
  await Promise.all(opened.map((files) => files.close()));
  await rm(work, { recursive: true, force: true });
});

describe('tensor tables vs the tiny-a checkpoints', () => {
  for (const [component, specsOf, configKey] of COMPONENTS) {
    test(`${component}: exactly the names and shapes of the official tiny-a file`, async () => {
      const checkpoint = await open(TINY, component);
      const specs = specsOf(configs[configKey]);
      expect(specs.length).toBe(checkpoint.tensors.size);
      expect(shapes(specs.map((s) => [s.name, s] as const))).toEqual(shapes(checkpoint.tensors));
    });
  }
});

describe('writing', () => {
  test('tiny-a layout: same files, headers and sizes as the fixtures; values as generated', async () => {
    const out = join(work, 'tiny');
    const progress: number[] = [];
    const written = await writeRandomCheckpoint(out, { configs, seed: 11, onProgress: (p) => progress.push(p.bytesWritten / p.totalBytes) });
    expect(written.map((f) => f.path).sort()).toEqual([
      'model_index.json',
      'scheduler/scheduler_config.json',
      'text_encoder/config.json',
      'text_encoder/model.safetensors',
      'tokenizer/tokenizer.json',
      'transformer/config.json',
      'transformer/diffusion_pytorch_model.safetensors',
      'vae/config.json',
      'vae/diffusion_pytorch_model.safetensors',
    ]);
    expect(progress.at(-1)).toBe(1);
    for (const [component, specsOf, configKey] of COMPONENTS) {
      const file = written.find((f) => f.path.startsWith(`${component}/`) && f.path.endsWith('.safetensors'))!;
      const fixture = await readFile(join(TINY, file.path));
      const ours = await readFile(join(out, file.path));
      expect(ours.byteLength).toBe(fixture.byteLength);
      const headerLength = 8 + Number(fixture.readBigUint64LE(0));
      expect(ours.subarray(0, headerLength).toString()).toBe(fixture.subarray(0, headerLength).toString());

      const checkpoint = await open(out, component);
      for (const spec of specsOf(configs[configKey]).slice(0, 12)) {
        const { bytes } = await checkpoint.readTensor(spec.name);
        expect(sameBytes(bytes, randomTensorBytes(spec, 'F32', 11, component))).toBe(true);
      }
      expect(JSON.parse(await readFile(join(out, component, 'config.json'), 'utf8'))).toEqual(configs[configKey]);
    }
    expect(JSON.parse(await readFile(join(out, 'model_index.json'), 'utf8'))).toEqual(configs.modelIndex);
    const tokenizer = JSON.parse(await readFile(join(out, 'tokenizer', 'tokenizer.json'), 'utf8'));
    expect(tokenizer.model.type).toBe('Unigram');
    expect(tokenizer.model.vocab).toHaveLength(configs.textEncoder.vocab_size as number);
  });

  test('sharded: index with weight_map and total_size, every tensor readable through openCheckpoint', async () => {
    // A vocabulary of 140,000 makes the bf16 shared.weight 8.96 MB, more than one 8 MiB write
    // chunk and more than the text encoder's shard limit.
    const bigVocab = { ...configs, textEncoder: { ...configs.textEncoder, vocab_size: 140_000 } };
    const out = join(work, 'sharded');
    await writeRandomCheckpoint(out, {
      configs: bigVocab,
      seed: 3,
      maxShardBytes: { transformer: 200_000, vae: 2_000_000, text_encoder: 100_000 },
      dtypes: { text_encoder: 'BF16' },
      tokenizer: false,
    });

    const vaeFiles = (await readdir(join(out, 'vae'))).sort();
    expect(vaeFiles).toContain('diffusion_pytorch_model.safetensors.index.json');
    const shardNames = vaeFiles.filter((name) => /^diffusion_pytorch_model-\d{5}-of-\d{5}\.safetensors$/.test(name));
    expect(shardNames.length).toBe(Number(shardNames[0]!.slice(-17, -12)));
    expect(shardNames.length).toBeGreaterThan(7);

    for (const [component, specsOf, configKey] of COMPONENTS) {
      const specs: RandomTensorSpec[] = specsOf(bigVocab[configKey]);
      const base = component === 'text_encoder' ? 'model' : 'diffusion_pytorch_model';
      const index = JSON.parse(await readFile(join(out, component, `${base}.safetensors.index.json`), 'utf8')) as {
        metadata: { total_size: number };
        weight_map: Record<string, string>;
      };
      const dtype = component === 'text_encoder' ? 'BF16' : 'F32';
      const elementBytes = dtype === 'BF16' ? 2 : 4;
      expect(Object.keys(index.weight_map).sort()).toEqual(specs.map((s) => s.name).sort());
      expect(index.metadata.total_size).toBe(specs.reduce((n, s) => n + s.shape.reduce((m, d) => m * d, 1) * elementBytes, 0));

      const checkpoint = await open(out, component);
      expect(checkpoint.shards.length).toBe(new Set(Object.values(index.weight_map)).size);
      for (const spec of specs) {
        const info = checkpoint.tensors.get(spec.name)!;
        expect(info.dtype).toBe(dtype);
        expect(info.shape).toEqual(spec.shape);
        const { bytes } = await checkpoint.readTensor(spec.name);
        expect(sameBytes(bytes, randomTensorBytes(spec, dtype, 3, component))).toBe(true);
      }
    }
    const textConfig = JSON.parse(await readFile(join(out, 'text_encoder', 'config.json'), 'utf8'));
    expect(textConfig.torch_dtype).toBe('bfloat16');
  });

  test('deterministic: the same seed writes the same bytes, another seed other bytes', async () => {
    const write = async (name: string, seed: number) => {
      const out = join(work, name);
      await writeRandomCheckpoint(out, { configs, seed, components: ['transformer'] });
      expect(await readdir(out)).not.toContain('vae');
      return readFile(join(out, 'transformer', 'diffusion_pytorch_model.safetensors'));
    };
    const first = await write('seed5a', 5);
    const again = await write('seed5b', 5);
    const other = await write('seed6', 6);
    expect(again.equals(first)).toBe(true);
    expect(other.byteLength).toBe(first.byteLength);
    expect(other.equals(first)).toBe(false);
  });

  test('a vocabulary too small for a tokenizer is refused unless the tokenizer is left out', async () => {
    const tinyVocab = { ...configs, textEncoder: { ...configs.textEncoder, vocab_size: 50 } };
    await expect(writeRandomCheckpoint(join(work, 'vocab50'), { configs: tinyVocab })).rejects.toThrow(/vocab_size/);
    await expect(readdir(join(work, 'vocab50'))).rejects.toThrow();
    const written = await writeRandomCheckpoint(join(work, 'vocab50'), { configs: tinyVocab, tokenizer: false, components: ['text_encoder'] });
    expect(written.map((f) => f.path)).not.toContain('tokenizer/tokenizer.json');
  });

  test('an existing output folder is refused, not overwritten', async () => {
    await expect(writeRandomCheckpoint(work, { configs })).rejects.toThrow(/already exists/);
  });
});
