import { open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BundleSink } from '../bundle/bundle-sink.ts';
import { MANIFEST_FILE, validateManifest } from '../bundle/manifest.ts';
import type { BundleManifest } from '../bundle/manifest.ts';
import type { ModelSource } from '../bundle/model-source.ts';
import type { QuantConfig } from '../bundle/quant-config.ts';
import { TINY_DECODER_FILE_PREFIX } from '../bundle/tiny-vae-names.ts';
import { parseVaeConfig } from '../bundle/vae-config.ts';
import type { TaehvDecoderConfig } from '../convert/tiny-vae/index.ts';
import { TAEW2_2, checkTinyDecoderFits, withTinyDecoder, writeTinyDecoder } from '../convert/tiny-vae/index.ts';
import type { WeightSource } from '../convert/weights/weight-source.ts';
import { checkpointWeightSource } from '../convert/weights/weight-source.ts';
import { ConvertError } from '../errors.ts';
import { openSafetensors } from '../safetensors/index.ts';
import { readManifest } from './dir-bundle.ts';
import { fileByteSource } from './file-source.ts';

/** A TAEHV checkpoint file (taew2_2.safetensors) as decoder weights; close it when done. */
export async function openTinyDecoderWeights(path: string): Promise<{ weights: WeightSource; close(): Promise<void> }> {
  const source = fileByteSource(path);
  try {
    const file = await openSafetensors(source);
    const weights = checkpointWeightSource({ component: basename(path), tensors: file.tensors, readTensor: (name) => file.readTensor(name) });
    return { weights, close: () => source.close() };
  } catch (error) {
    await source.close();
    throw error;
  }
}

/** Writes straight into a finished bundle folder, remembering what it wrote so a failure can take it away. */
function additionSink(dir: string, written: string[]): BundleSink {
  return {
    async create(path) {
      const handle = await open(join(dir, path), 'wx');
      written.push(path);
      return {
        write: (bytes) => handle.writeFile(bytes),
        flush: () => handle.sync(),
        close: () => handle.close(),
      };
    },
    commit: async () => undefined,
    async abort() {
      await Promise.all(written.map((path) => rm(join(dir, path), { force: true })));
    },
  };
}

/**
 * Adds a tiny decoder to the bundle folder `dir` without rebuilding the rest: its graphs and
 * weight files (`tiny-vae-…`) are written next to the others, at the bundle's precision, then
 * manifest.json is replaced (written aside and renamed over, so it is never half written).
 * On failure the new files are removed and the bundle is as it was.
 */
export async function addTinyDecoderToDir(dir: string, weights: WeightSource, source: ModelSource, config: TaehvDecoderConfig = TAEW2_2): Promise<BundleManifest> {
  const manifest = validateManifest(await readManifest(dir));
  if (manifest.tinyDecoder || manifest.files.some((f) => f.path.startsWith(TINY_DECODER_FILE_PREFIX))) {
    throw new ConvertError(`The bundle in ${dir} already has a tiny decoder.`, dir);
  }
  checkTinyDecoderFits({ weights, source, config }, parseVaeConfig(manifest.configs.vae).zDim);
  const quant = { ...manifest.precision } as QuantConfig;
  const written: string[] = [];
  const sink = additionSink(dir, written);
  try {
    const updated = withTinyDecoder(manifest, await writeTinyDecoder(sink, weights, quant, config), source);
    const aside = join(dir, `${MANIFEST_FILE}.new`);
    written.push(`${MANIFEST_FILE}.new`);
    await writeFile(aside, `${JSON.stringify(updated, null, 2)}\n`);
    await rename(aside, join(dir, MANIFEST_FILE));
    return updated;
  } catch (error) {
    await sink.abort();
    throw error;
  }
}
