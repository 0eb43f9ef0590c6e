import { parseArgs } from 'node:util';
import { WanPipeline } from '../../pipeline/generate/wan-pipeline.ts';
import { FPS } from '../../pipeline/generate/generation-settings.ts';
import { openDirBundle } from '../dir-bundle.ts';
import { createFrameWriter } from '../frame-writer.ts';
import { readImageFile } from '../image-file.ts';
import {
  GENERATION_OPTIONS,
  GENERATION_OPTIONS_USAGE,
  parseGenerationOptions,
  parsePipelineOptions,
  PIPELINE_OPTIONS,
  PIPELINE_OPTIONS_USAGE,
  requireDecoder,
} from './generation-options.ts';
import { openDevice } from './device-option.ts';
import { ProgressBar } from './progress-bar.ts';
import { writeFloatTensors } from './tensor-files.ts';
import { generateVideoToFile } from './video-to-file.ts';

const USAGE = `wan-web generate --bundle <dir> --prompt "…" --out <file.mp4 | folder> [options]

Options:
${GENERATION_OPTIONS_USAGE}
${PIPELINE_OPTIONS_USAGE}
  --latents-out <file.safetensors>     also save the final latents

Writes an H.264 MP4 when the output ends in .mp4 and ffmpeg is installed, numbered PNG frames otherwise.
Many videos from a file of settings, resumable and split over machines: wan-web batch --help.`;

export async function generateCommand(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      ...GENERATION_OPTIONS,
      ...PIPELINE_OPTIONS,
      bundle: { type: 'string' },
      out: { type: 'string' },
      'latents-out': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.bundle || values.prompt === undefined || !values.out) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 1;
  }
  const job = parseGenerationOptions(values, () => Math.floor(Math.random() * 2 ** 32));
  const { memory, vaeRowBands, device } = parsePipelineOptions(values);
  const image = job.image ? await readImageFile(job.image) : null;
  const bundle = await openDirBundle(values.bundle);
  requireDecoder(job.decoder, bundle.manifest, values.bundle);

  const run = await openDevice(device, bundle, (line) => process.stderr.write(`${line}\n`));
  const pipeline = new WanPipeline({ ...run.options, memory, ...(device === 'cpu' ? { vaeRowBands } : {}) });
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  let bar: ProgressBar | null = null;
  try {
    const out = values.out;
    const open = (width: number, height: number) => createFrameWriter(out, width, height, FPS);
    const { result, description } = await generateVideoToFile(pipeline, job, image, open, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type !== 'progress') return;
        if (bar?.label !== event.phase) bar = new ProgressBar(event.phase, process.stderr, 'count');
        bar.update(event.step, event.steps);
      },
    });
    if (values['latents-out']) await writeFloatTensors(values['latents-out'], { latents: { data: result.latents, dims: result.latentDims } });
    const decoded = result.decoder === 'tiny' ? ' (tiny decoder)' : '';
    process.stderr.write(`\nseed ${result.settings.seed}: ${result.frames} frames ${result.width}x${result.height}${decoded} → ${description}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    await pipeline.dispose();
    await run.dispose();
  }
}
