import { copyFile, mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../../src/bundle/manifest.ts';
import { randomTaehvDecoderTensors, randomTaehvWeightSource } from '../../src/convert-install/random-tiny-decoder.ts';
import { TAEW2_2 } from '../../src/convert/tiny-vae/index.ts';
import { addTinyDecoderToDir } from '../../src/node/tiny-decoder-dir.ts';

/**
 * A bundle folder at `dir` holding both decoders at full size: the full-size bundle's files
 * linked (nothing copied but its manifest), plus a seeded random taew2_2 tiny decoder added
 * the way `wan-web convert --add-to` adds one, at the bundle's precision.
 */
export async function bundleWithBothDecoders(fullSize: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(fullSize)) {
    if (name === MANIFEST_FILE) await copyFile(join(fullSize, name), join(dir, name));
    else await symlink(join(fullSize, name), join(dir, name));
  }
  await addTinyDecoderToDir(dir, randomTaehvWeightSource(randomTaehvDecoderTensors(TAEW2_2, 1)), { repo: 'random taew2_2 (bench:decode)', revision: 'seed 1' });
  return dir;
}
