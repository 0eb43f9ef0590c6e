// Node-only: writes a random-weight bundle folder (benchmarks on machines without a checkpoint).
import type { BundleManifest } from '../bundle/manifest.ts';
import { writeRandomBundle } from '../convert/random-bundle/index.ts';
import type { RandomBundleOptions } from '../convert/random-bundle/index.ts';
import { dirBundleSink } from './dir-bundle-sink.ts';

/**
 * Writes a bundle with seeded random weights to `outDir`, which must not exist yet (it is
 * staged in `<outDir>.partial` and renamed at the end, like `wan-web convert`'s output).
 */
export async function writeRandomBundleDir(outDir: string, options: RandomBundleOptions): Promise<BundleManifest> {
  return writeRandomBundle(await dirBundleSink(outDir), options);
}
