import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveQuantConfig } from '../src/bundle/quant-config.ts';
import { WAN22_TI2V_5B_CONFIGS } from '../src/convert/random-checkpoint/index.ts';
import { writeRandomBundleDir } from '../src/node/write-random-bundle.ts';

/** Where the benches keep what is slow to make: WAN_WEB_BENCH_CACHE, or .cache/bench in the repo (ignored by git). */
export const BENCH_CACHE = process.env.WAN_WEB_BENCH_CACHE ?? join(import.meta.dirname, '..', '.cache', 'bench');

/**
 * A bundle with the real Wan2.2 TI2V-5B, UMT5-XXL and VAE shapes and random weights (int4,
 * `activations`), made once and reused: written straight from the random generator into the
 * builder (`wan-web random-bundle`; no checkpoint, no quantization pass).
 */
export async function fullSizeBundle(activations: 'fp16' | 'fp32', log: (line: string) => void = console.log): Promise<string> {
  const bundle = join(BENCH_CACHE, `full-size-random-int4-${activations}`);
  if (existsSync(join(bundle, 'manifest.json'))) return bundle;
  log(`writing a full-size random bundle to ${bundle} (int4 weights, ${activations} activations) …`);
  await writeRandomBundleDir(bundle, { configs: WAN22_TI2V_5B_CONFIGS, seed: 0, quant: resolveQuantConfig({ weights: 'int4', activations }) });
  return bundle;
}
