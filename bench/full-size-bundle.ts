import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { WAN22_TI2V_5B_CONFIGS, WAN22_TI2V_5B_SHARD_BYTES } from '../src/convert/random-checkpoint/index.ts';
import { runCli } from '../src/node/cli/run-cli.ts';
import { writeRandomCheckpoint } from '../src/node/write-random-checkpoint.ts';

/** Where the benches keep what is slow to make: WAN_WEB_BENCH_CACHE, or .cache/bench in the repo (ignored by git). */
export const BENCH_CACHE = process.env.WAN_WEB_BENCH_CACHE ?? join(import.meta.dirname, '..', '.cache', 'bench');

/**
 * A bundle with the real Wan2.2 TI2V-5B, UMT5-XXL and VAE shapes and random weights (int4,
 * `activations`), made once and reused: a random checkpoint laid out like the Hub's (a bf16
 * text encoder, sharded; 34 GB of disk for a few minutes) is converted by the CLI, then deleted.
 */
export async function fullSizeBundle(activations: 'fp16' | 'fp32', log: (line: string) => void = console.log): Promise<string> {
  const bundle = join(BENCH_CACHE, `full-size-int4-${activations}`);
  if (existsSync(join(bundle, 'manifest.json'))) return bundle;
  const checkpoint = join(BENCH_CACHE, 'full-size-checkpoint');
  await rm(checkpoint, { recursive: true, force: true });
  log(`writing a full-size random checkpoint to ${checkpoint} …`);
  await writeRandomCheckpoint(checkpoint, {
    configs: WAN22_TI2V_5B_CONFIGS,
    seed: 0,
    dtypes: { text_encoder: 'BF16' },
    maxShardBytes: WAN22_TI2V_5B_SHARD_BYTES,
  });
  try {
    log(`converting it to ${bundle} (int4 weights, ${activations} activations) …`);
    const code = await runCli(['convert', checkpoint, bundle, '--weights', 'int4', '--activations', activations]);
    if (code !== 0) throw new Error(`wan-web convert exited with ${code}`);
  } finally {
    await rm(checkpoint, { recursive: true, force: true });
  }
  return bundle;
}
