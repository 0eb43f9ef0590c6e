import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, validateManifest } from '../../bundle/manifest.ts';
import type { BundleManifest } from '../../bundle/manifest.ts';
import { WanError } from '../../errors.ts';
import { readManifest } from '../dir-bundle.ts';
import { readBatchJobs } from './batch-jobs.ts';
import { batchOutput, finishedHashes, jobHash } from './batch-outputs.ts';
import type { BatchOutput } from './batch-outputs.ts';
import type { Shard } from './batch-shard.ts';
import { requireDecoder } from './generation-options.ts';
import type { GenerationJob } from './generation-options.ts';

/** A video still to make. */
export interface PlannedJob {
  readonly line: number;
  readonly job: GenerationJob;
  readonly output: BatchOutput;
}

/** What this shard of a batch file asks for, sorted before the model is loaded. */
export interface BatchPlan {
  readonly manifest: BundleManifest;
  readonly modelDigest: string;
  /** Lines of this shard that hold a job (bad ones included). */
  readonly lines: number;
  readonly todo: readonly PlannedJob[];
  /** Lines whose video is already in the output folder. */
  readonly done: number;
  readonly problems: readonly { readonly line: number; readonly problem: string }[];
}

export interface PlanOptions {
  readonly jobsFile: string;
  readonly bundleDir: string;
  readonly outDir: string;
  readonly shard: Shard;
  /** MP4 files (ffmpeg present) or PNG folders. */
  readonly video: boolean;
}

/** Reads the lines this shard owns, checks each, and leaves out those whose video is finished. */
export async function planBatch({ jobsFile, bundleDir, outDir, shard, video }: PlanOptions): Promise<BatchPlan> {
  const manifest = validateManifest(await readManifest(bundleDir));
  const modelDigest = createHash('sha256')
    .update(await readFile(join(bundleDir, MANIFEST_FILE)))
    .digest('hex');
  const [lines, finished] = await Promise.all([readBatchJobs(jobsFile, shard), finishedHashes(outDir)]);
  const todo: PlannedJob[] = [];
  const problems: { line: number; problem: string }[] = [];
  let done = 0;
  for (const entry of lines) {
    if (entry.problem !== undefined) {
      problems.push(entry);
      continue;
    }
    try {
      requireDecoder(entry.job.decoder, manifest, bundleDir);
    } catch (error) {
      if (!(error instanceof WanError)) throw error;
      problems.push({ line: entry.line, problem: error.message });
      continue;
    }
    const hash = jobHash(entry.job, entry.imageDigest, modelDigest);
    if (finished.has(hash)) done++;
    else todo.push({ line: entry.line, job: entry.job, output: batchOutput(outDir, entry.line, hash, video) });
  }
  return { manifest, modelDigest, lines: lines.length, todo, done, problems };
}
