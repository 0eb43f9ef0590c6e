// Node-only: writes a random-weight Wan2.2 TI2V checkpoint folder (tests, benchmarks, CLI).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRandomCheckpointTo } from '../convert/random-checkpoint/random-checkpoint-writer.ts';
import type { RandomCheckpointOptions, WrittenFile } from '../convert/random-checkpoint/random-checkpoint-writer.ts';
import type { WanCheckpointConfigs } from '../convert/random-checkpoint/wan22-ti2v-5b-configs.ts';
import { ConvertError } from '../errors.ts';
import { dirBundleSink } from './dir-bundle-sink.ts';

/**
 * Writes a random-weight checkpoint in the diffusers layout of Wan-AI/Wan2.2-TI2V-5B-Diffusers
 * to `outDir`, which must not exist yet. Files go to a staging folder next to it that is
 * renamed to `outDir` at the end, so an interrupted run never leaves a folder that looks
 * complete. Returns the files written (paths relative to `outDir`).
 */
export async function writeRandomCheckpoint(outDir: string, options: RandomCheckpointOptions): Promise<WrittenFile[]> {
  const sink = await dirBundleSink(outDir);
  try {
    const written = await writeRandomCheckpointTo(sink, options);
    await sink.commit();
    return written;
  } catch (error) {
    await sink.abort();
    throw error;
  }
}

/**
 * Reads the five config files of a diffusers Wan2.2 TI2V checkpoint folder (e.g.
 * test/fixtures/tiny-a), to generate another checkpoint with the same shapes.
 */
export async function readCheckpointConfigs(root: string): Promise<WanCheckpointConfigs> {
  const read = async (relPath: string) => {
    const path = join(root, relPath);
    const text = await readFile(path, 'utf8').catch((error: unknown) => {
      throw new ConvertError(`Cannot read ${path} (${String(error)}). Point at a diffusers checkpoint folder.`, relPath);
    });
    try {
      return JSON.parse(text) as Readonly<Record<string, unknown>>;
    } catch (error) {
      throw new ConvertError(`${path} is not valid JSON (${String(error)}).`, relPath);
    }
  };
  const [modelIndex, transformer, vae, textEncoder, scheduler] = await Promise.all([
    read('model_index.json'),
    read('transformer/config.json'),
    read('vae/config.json'),
    read('text_encoder/config.json'),
    read('scheduler/scheduler_config.json'),
  ]);
  return { modelIndex, transformer, vae, textEncoder, scheduler };
}
