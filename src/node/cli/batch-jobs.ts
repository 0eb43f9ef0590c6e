import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InvalidInputError, WanError } from '../../errors.ts';
import { GENERATION_OPTION_NAMES, parseGenerationOptions } from './generation-options.ts';
import type { GenerationJob, GenerationOptionName } from './generation-options.ts';
import { shardOwnsLine } from './batch-shard.ts';
import type { Shard } from './batch-shard.ts';

/** One line of a batch file that this shard owns: a job to make, or what is wrong with it. */
export type BatchLine =
  | { readonly line: number; readonly job: GenerationJob; readonly imageDigest: string | null; readonly problem?: undefined }
  | { readonly line: number; readonly problem: string; readonly job?: undefined };

const EXAMPLE = '{"prompt": "a red fox in fresh snow", "size": "832x480", "seed": 1}';
/** Options of the command line that hold for the whole batch: named when a line sets them. */
const BATCH_WIDE = ['bundle', 'out', 'memory', 'vae-bands', 'shard', 'latents-out'];

/**
 * Reads a JSON Lines file of generation settings (one object a line, with the keys of
 * `wan-web generate`'s options) and parses the lines `shard` owns. Blank lines are skipped but
 * counted, so line numbers are the editor's. Image paths are relative to the file's folder.
 */
export async function readBatchJobs(path: string, shard: Shard): Promise<BatchLine[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new InvalidInputError(`The batch file ${path} cannot be read (${error.code ?? error.message}).`);
  });
  const lines: BatchLine[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = index + 1;
    if (!shardOwnsLine(shard, line) || raw.trim() === '') continue;
    lines.push(await parseLine(line, raw, dirname(resolve(path))));
  }
  return lines;
}

async function parseLine(line: number, raw: string, folder: string): Promise<BatchLine> {
  try {
    const options = lineOptions(raw);
    const job = parseGenerationOptions(options, () => contentSeed(options));
    if (job.image === undefined) return { line, job, imageDigest: null };
    const image = resolve(folder, job.image);
    return { line, job: { ...job, image }, imageDigest: await fileDigest(image) };
  } catch (error) {
    if (!(error instanceof WanError)) throw error;
    return { line, problem: error.message };
  }
}

/** A line's settings as the option texts `wan-web generate` would get. */
function lineOptions(raw: string): Partial<Record<GenerationOptionName, string>> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new InvalidInputError(`not JSON (${(error as Error).message}); each line is one object such as ${EXAMPLE}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidInputError(`each line must be one JSON object such as ${EXAMPLE}`);
  const options: Partial<Record<GenerationOptionName, string>> = {};
  for (const [key, setting] of Object.entries(value)) {
    if (BATCH_WIDE.includes(key)) throw new InvalidInputError(`"${key}" holds for the whole batch: give it on the command line (--${key}), not in a line.`);
    if (!(GENERATION_OPTION_NAMES as string[]).includes(key)) throw new InvalidInputError(`unknown setting "${key}"; a line may set ${GENERATION_OPTION_NAMES.join(', ')}.`);
    if (typeof setting !== 'string' && typeof setting !== 'number') throw new InvalidInputError(`"${key}" must be text or a number; got ${JSON.stringify(setting)}.`);
    options[key as GenerationOptionName] = String(setting);
  }
  if (options.prompt === undefined) throw new InvalidInputError(`a "prompt" is required, e.g. ${EXAMPLE}`);
  return options;
}

/** The seed of a line that names none: from its settings, so that running the file again makes the same video. */
function contentSeed(options: Partial<Record<GenerationOptionName, string>>): number {
  const canonical = JSON.stringify(Object.entries(options).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(canonical).digest().readUInt32BE(0);
}

async function fileDigest(path: string): Promise<string> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new InvalidInputError(error.code === 'ENOENT' ? `the image ${path} does not exist.` : `the image ${path} cannot be read (${error.code ?? error.message}).`);
  });
  return createHash('sha256').update(bytes).digest('hex');
}
