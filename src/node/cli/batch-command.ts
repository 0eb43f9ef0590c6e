import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { GenerationCanceledError, InvalidInputError, WanError } from '../../errors.ts';
import { WanPipeline } from '../../pipeline/generate/wan-pipeline.ts';
import type { PipelineEvent } from '../../pipeline/generate/pipeline-events.ts';
import { openDirBundle } from '../dir-bundle.ts';
import { ffmpegWriter, hasFfmpeg, pngWriter } from '../frame-writer.ts';
import { FPS } from '../../pipeline/generate/generation-settings.ts';
import { readImageFile } from '../image-file.ts';
import { clearPartial, commitOutput, ensureOutDir } from './batch-outputs.ts';
import type { BatchOutput } from './batch-outputs.ts';
import { planBatch } from './batch-plan.ts';
import type { BatchPlan, PlannedJob } from './batch-plan.ts';
import { BatchProgress } from './batch-progress.ts';
import { describeShard, shardOption } from './batch-shard.ts';
import type { Shard } from './batch-shard.ts';
import { GENERATION_OPTIONS_USAGE, parsePipelineOptions, PIPELINE_OPTIONS, PIPELINE_OPTIONS_USAGE } from './generation-options.ts';
import { formatSeconds } from './progress-bar.ts';
import { openDevice } from './device-option.ts';
import { choiceOption } from './cli-options.ts';
import { generateVideoToFile } from './video-to-file.ts';

const USAGE = `wan-web batch <jobs.jsonl> --bundle <dir> --out <dir> [--shard i/n] [options]

Makes one video per line of <jobs.jsonl>: each line is a JSON object with the settings of
wan-web generate, named without the dashes, e.g.
  {"prompt": "a red fox in fresh snow", "size": "832x480", "frames": 49, "seed": 1}
  {"prompt": "a lighthouse at dusk", "image": "start.png", "sampler": "dmd"}
Settings a line may have (image paths are relative to the file's folder):
${GENERATION_OPTIONS_USAGE}
A line without a seed gets one derived from its settings: running the file again makes the same video.

Options for the whole batch:
  --bundle <dir>              the model bundle, loaded once for all lines
  --out <dir>                 where the videos go: line-NNNNN-<hash>.mp4 (or a folder of PNG
                              frames) and line-NNNNN-<hash>.json with the settings used
  --format mp4|png            H.264 MP4 through ffmpeg (the default when ffmpeg is installed)
                              or a folder of numbered PNG frames per video
  --shard i/n                 make only the lines L with (L − 1) mod n = i (lines counted from 1,
                              blank ones included), so n machines split one file with no
                              coordination: Kubernetes $JOB_COMPLETION_INDEX/n, Slurm
                              $SLURM_ARRAY_TASK_ID/n with --array=0-(n-1)
${PIPELINE_OPTIONS_USAGE}

Resumable: a video whose name is in --out (the hash covers the model, the settings, the seed,
the decoder and the start image) is skipped, so the same command continues an interrupted
batch. Frames are written under a .partial name and renamed when complete: a half-written
video never counts. A bad line is named with its number and the others go on; the exit code
is 1 when any line failed, 130 when interrupted (Ctrl+C, SIGTERM), 0 otherwise.`;

/** Ways in for tests and embedding: stop the batch, see each video start and the pipeline's events. */
export interface BatchHooks {
  readonly signal?: AbortSignal;
  readonly onJobStart?: (line: number, output: BatchOutput) => void;
  readonly onEvent?: (line: number, event: PipelineEvent) => void;
}

interface BatchRun {
  made: number;
  interrupted: boolean;
  readonly failures: { line: number; problem: string }[];
}

/** What a batch command line asks for; `usage` when it asks for help or lacks a required part. */
export type BatchArgs =
  | { readonly usage: true; readonly help: boolean }
  | {
      readonly usage: false;
      readonly jobsFile: string;
      readonly bundle: string;
      readonly out: string;
      readonly shard: Shard;
      /** MP4 files through ffmpeg, or folders of PNG frames. */
      readonly video: boolean;
      readonly pipeline: ReturnType<typeof parsePipelineOptions>;
    };

/** Parses and checks `wan-web batch`'s arguments without touching any file. */
export function parseBatchArgs(args: readonly string[]): BatchArgs {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      ...PIPELINE_OPTIONS,
      bundle: { type: 'string' },
      out: { type: 'string' },
      shard: { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [jobsFile] = positionals;
  if (values.help || !jobsFile || !values.bundle || !values.out || positionals.length > 1) return { usage: true, help: values.help ?? false };
  const shard = shardOption(values.shard);
  const pipeline = parsePipelineOptions(values, 'keep-loaded');
  const format = choiceOption('format', values.format, ['mp4', 'png'], hasFfmpeg() ? 'mp4' : 'png');
  if (format === 'mp4' && !hasFfmpeg()) throw new InvalidInputError('--format mp4 needs ffmpeg with libx264 on the PATH (apt-get install ffmpeg); --format png writes PNG frames without it.');
  return { usage: false, jobsFile, bundle: values.bundle, out: values.out, shard, video: format === 'mp4', pipeline };
}

export async function batchCommand(args: readonly string[], hooks: BatchHooks = {}): Promise<number> {
  const parsed = parseBatchArgs(args);
  if (parsed.usage) {
    process.stdout.write(`${USAGE}\n`);
    return parsed.help ? 0 : 1;
  }
  const { jobsFile, shard, out, video } = parsed;
  const plan = await planBatch({ jobsFile, bundleDir: parsed.bundle, outDir: out, shard, video });
  for (const { line, problem } of plan.problems) process.stderr.write(`line ${line}: ${problem}\n`);
  process.stderr.write(
    `${jobsFile}, ${describeShard(shard)}: ${plan.lines} lines, ${plan.done} already made, ${plan.todo.length} to make${video ? '' : ' (as folders of PNG frames)'}\n`,
  );
  const run: BatchRun = { made: 0, interrupted: false, failures: [...plan.problems] };
  if (plan.todo.length > 0) {
    await ensureOutDir(out);
    const bundle = await openDirBundle(parsed.bundle);
    const { memory, vaeRowBands, device } = parsed.pipeline;
    const where = await openDevice(device, bundle, (line) => process.stderr.write(`${line}\n`));
    const pipeline = new WanPipeline({ ...where.options, memory, ...(device === 'cpu' ? { vaeRowBands } : {}) });
    const controller = new AbortController();
    const stop = () => controller.abort();
    hooks.signal?.addEventListener('abort', stop);
    process.once('SIGINT', stop);
    // A scheduler's SIGTERM (preemption, scale-down) stops as Ctrl+C does: the partial video is removed.
    process.once('SIGTERM', stop);
    try {
      await makeVideos(pipeline, plan, { shard, signal: controller.signal, hooks, run });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      hooks.signal?.removeEventListener('abort', stop);
      await pipeline.dispose();
      await where.dispose();
    }
  }
  return summarize(plan, run, shard, out);
}

interface MakeOptions {
  readonly shard: Shard;
  readonly signal: AbortSignal;
  readonly hooks: BatchHooks;
  readonly run: BatchRun;
}

/** Makes the planned videos one after the other on one loaded pipeline; a failure is noted and the next goes on. */
async function makeVideos(pipeline: WanPipeline, plan: BatchPlan, { shard, signal, hooks, run }: MakeOptions): Promise<void> {
  const progress = new BatchProgress(plan.todo.length);
  for (const planned of plan.todo) {
    if (signal.aborted) {
      run.interrupted = true;
      return;
    }
    progress.jobStarted(planned.line);
    hooks.onJobStart?.(planned.line, planned.output);
    try {
      const onEvent = (event: PipelineEvent) => {
        progress.event(planned.line, event);
        hooks.onEvent?.(planned.line, event);
      };
      const seconds = await makeVideo(pipeline, planned, plan, { shard, signal, onEvent });
      run.made++;
      progress.jobEnded(`line ${planned.line} → ${planned.output.final} (${formatSeconds(seconds)})`);
    } catch (error) {
      await clearPartial(planned.output);
      if (error instanceof GenerationCanceledError || signal.aborted) {
        run.interrupted = true;
        return;
      }
      const problem = error instanceof WanError ? error.message : `an unexpected error, which is a bug in wan-web: ${String(error)}`;
      run.failures.push({ line: planned.line, problem });
      progress.jobEnded(`line ${planned.line} failed: ${problem}`);
    }
  }
}

async function makeVideo(
  pipeline: WanPipeline,
  { line, job, output }: PlannedJob,
  plan: BatchPlan,
  { shard, signal, onEvent }: { shard: Shard; signal: AbortSignal; onEvent: (event: PipelineEvent) => void },
): Promise<number> {
  const started = performance.now();
  await clearPartial(output);
  const image = job.image ? await readImageFile(job.image) : null;
  const open = (width: number, height: number) => (output.video ? ffmpegWriter(output.partial, width, height, FPS) : pngWriter(output.partial, width, height));
  const { result } = await generateVideoToFile(pipeline, job, image, open, { signal, onEvent });
  const seconds = (performance.now() - started) / 1000;
  await commitOutput(output, {
    line,
    name: output.name,
    settings: result.settings,
    decoder: result.decoder,
    image: job.image ?? null,
    frames: result.frames,
    size: `${result.width}x${result.height}`,
    model: { name: plan.manifest.name, manifestSha256: plan.modelDigest },
    seconds: Math.round(seconds * 10) / 10,
    shard: `${shard.index}/${shard.count}`,
    host: hostname(),
    madeAt: new Date().toISOString(),
  });
  return seconds;
}

function summarize(plan: BatchPlan, run: BatchRun, shard: Shard, outDir: string): number {
  const failed = run.failures.length;
  const counts = `${run.made} made, ${plan.done} already there, ${failed} failed (${plan.lines} lines in ${describeShard(shard)})`;
  process.stderr.write(`\nbatch: ${counts} → ${outDir}\n`);
  for (const { line, problem } of [...run.failures].sort((a, b) => a.line - b.line)) process.stderr.write(`  line ${line}: ${problem}\n`);
  if (run.interrupted) {
    process.stderr.write('Stopped. Run the same command again to continue: finished videos are skipped.\n');
    return 130;
  }
  if (failed > 0) process.stderr.write('Fix the lines named above and run the same command again: finished videos are skipped.\n');
  return failed > 0 ? 1 : 0;
}
