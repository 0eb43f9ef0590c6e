import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GenerationJob } from './generation-options.ts';

/**
 * Where a batch line's video goes. Its name is `line-NNNNN-<hash>` (`.mp4`, or a folder of
 * PNG frames without ffmpeg), the hash covering everything the video depends on: the model,
 * the settings with their seed, the decoder and the start image's bytes. Frames are written
 * under `.<name>.partial…` and renamed when complete: only a finished video has its name.
 */
export interface BatchOutput {
  readonly name: string;
  /** An MP4 file (through ffmpeg), else a folder of PNG frames. */
  readonly video: boolean;
  readonly hash: string;
  /** The finished video (file or folder). */
  readonly final: string;
  /** Where frames are written until the video is complete. */
  readonly partial: string;
  /** A JSON record of the settings beside the video. */
  readonly record: string;
}

const FINISHED = /^line-\d{5,}-([0-9a-f]{16})(\.mp4)?$/;

/** A hash of what the video depends on; `modelDigest` identifies the bundle (its manifest's SHA-256). */
export function jobHash(job: GenerationJob, imageDigest: string | null, modelDigest: string): string {
  const { settings } = job;
  const identity = {
    model: modelDigest,
    prompt: settings.prompt,
    negativePrompt: settings.negativePrompt ?? null,
    size: [settings.width, settings.height],
    frames: settings.frames,
    steps: settings.steps,
    guidance: settings.guidance,
    shift: settings.shift,
    sampler: settings.sampler,
    seed: settings.seed,
    decoder: job.decoder,
    image: imageDigest,
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
}

export function batchOutput(outDir: string, line: number, hash: string, video: boolean): BatchOutput {
  const name = `line-${String(line).padStart(5, '0')}-${hash}`;
  return {
    name,
    video,
    hash,
    final: join(outDir, video ? `${name}.mp4` : name),
    partial: join(outDir, video ? `.${name}.partial.mp4` : `.${name}.partial`),
    record: join(outDir, `${name}.json`),
  };
}

/**
 * The hashes of the finished videos in `outDir` (whatever their line number: a line that moved
 * is not made again). Partial outputs never count: their names start with a dot.
 */
export async function finishedHashes(outDir: string): Promise<Set<string>> {
  const names = await readdir(outDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return new Set(names.flatMap((name) => FINISHED.exec(name)?.[1] ?? []));
}

/** Removes what an interrupted run left of this output, before writing it again or after a failure. */
export async function clearPartial(output: BatchOutput): Promise<void> {
  await Promise.all([rm(output.partial, { recursive: true, force: true }), rm(`${output.record}.partial`, { force: true })]);
}

/** Writes the record, then gives the complete video its name: the rename is the moment it counts as done. */
export async function commitOutput(output: BatchOutput, record: unknown): Promise<void> {
  await writeFile(`${output.record}.partial`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${output.record}.partial`, output.record);
  await rename(output.partial, output.final);
}

export async function ensureOutDir(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
}
