import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertTinyA } from './convert-tiny-a.ts';

/**
 * The manifest.json text of a real bundle: tiny-a converted with `wan-web convert` (int4
 * weights, fp16 activations, int8 VAE weights, so that every precision field is written).
 */
export async function tinyManifestText(): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'wan-manifest-'));
  try {
    const bundle = await convertTinyA(join(work, 'bundle'), ['--weights', 'int4', '--activations', 'fp16', '--vae-weights', 'int8']);
    return await readFile(join(bundle, 'manifest.json'), 'utf8');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
