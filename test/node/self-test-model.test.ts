import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { convertCheckpoint } from '../../src/convert/convert-checkpoint.ts';
import { FP32_CONFIG } from '../../src/bundle/quant-config.ts';
import type { CheckpointFiles } from '../../src/safetensors/index.ts';
import { SELF_TEST_CONFIGS, selfTestCheckpoint } from '../../src/convert-install/self-test-model.ts';
import { dirBundleSink } from '../../src/node/dir-bundle-sink.ts';
import { nodeCheckpointFiles } from '../../src/node/file-source.ts';
import { readCheckpointConfigs, writeRandomCheckpoint } from '../../src/node/write-random-checkpoint.ts';
import { TINY } from '../helpers/golden-cases.ts';

const work = await mkdtemp(join(tmpdir(), 'wan-self-test-'));
afterAll(() => rm(work, { recursive: true, force: true }));

const SHAPE_KEYS = {
  transformer: ['attention_head_dim', 'ffn_dim', 'freq_dim', 'in_channels', 'num_attention_heads', 'num_layers', 'out_channels', 'patch_size', 'text_dim'],
  vae: ['base_dim', 'decoder_base_dim', 'dim_mult', 'num_res_blocks', 'z_dim', 'patch_size', 'temperal_downsample'],
  textEncoder: ['d_ff', 'd_kv', 'd_model', 'num_heads', 'num_layers', 'vocab_size'],
} as const;

async function convert(files: CheckpointFiles, name: string) {
  return convertCheckpoint(files, await dirBundleSink(join(work, name)), { quant: FP32_CONFIG, source: { repo: name, revision: 'test' }, name });
}

describe('the built-in self-test model', () => {
  test('has the golden tiny checkpoint’s shapes', async () => {
    const tiny = await readCheckpointConfigs(TINY);
    for (const [component, keys] of Object.entries(SHAPE_KEYS) as [keyof typeof SHAPE_KEYS, readonly string[]][]) {
      for (const key of keys) expect(SELF_TEST_CONFIGS[component][key], `${component}.${key}`).toEqual(tiny[component][key]);
    }
  });

  test('converts to the same graphs and weights as the e2e tests’ tiny bundle (random tiny-a, seed 7)', async () => {
    const self = await convert(await selfTestCheckpoint(), 'self-test');
    await writeRandomCheckpoint(join(work, 'tiny-checkpoint'), { configs: await readCheckpointConfigs(TINY), seed: 7 });
    const local = nodeCheckpointFiles(join(work, 'tiny-checkpoint'));
    try {
      const reference = await convert(local, 'tiny');
      expect(self.files).toEqual(reference.files);
    } finally {
      await local.close();
    }
  });
});
