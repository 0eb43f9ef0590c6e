import { parseArgs } from 'node:util';
import { WanPipeline } from '../../pipeline/generate/wan-pipeline.ts';
import { FPS } from '../../pipeline/generate/generation-settings.ts';
import { openDirBundle } from '../dir-bundle.ts';
import { extname } from 'node:path';
import { hasFfmpeg } from '../frame-writer.ts';
import { createTaggedWriter } from '../tagged-mp4-writer.ts';
import { ExtensionFrames } from '../../video/extension-frames.ts';
import { InvalidInputError } from '../../errors.ts';
import { extendDefaults, extendSummary, readExtendFrom, seamSummary } from './extend-from.ts';
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
  --extend-from <clip.mp4>    continue a video made by wan-web from its last frame (kept losslessly
                              in its metadata): the new frames follow it in one MP4 at --out, and
                              every segment's settings are kept. --prompt and the other settings
                              default to the clip's last segment; needs ffmpeg for the new frames

Writes an H.264 MP4 when the output ends in .mp4 and ffmpeg is installed (the settings and the last
frame in its metadata, so it can be extended), numbered PNG frames otherwise.
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
      'extend-from': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.bundle || (values.prompt === undefined && !values['extend-from']) || !values.out) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 1;
  }
  const extendFrom = values['extend-from'] ? await readExtendFrom(values['extend-from']) : null;
  if (extendFrom && values.image) throw new InvalidInputError("--extend-from starts from the clip's last frame; leave out --image.");
  if (extendFrom && (extname(values.out).toLowerCase() !== '.mp4' || !hasFfmpeg())) {
    throw new InvalidInputError('--extend-from writes one MP4 with the clip and its continuation: give an --out ending in .mp4, and install ffmpeg (with libx264) to encode the new frames.');
  }
  const job = parseGenerationOptions(values, () => Math.floor(Math.random() * 2 ** 32), extendFrom ? extendDefaults(extendFrom) : undefined);
  const { memory, vaeRowBands, device } = parsePipelineOptions(values);
  const image = extendFrom ? extendFrom.lastFrame : job.image ? await readImageFile(job.image) : null;
  const fps = extendFrom?.output.fps ?? FPS;
  const bundle = await openDirBundle(values.bundle);
  requireDecoder(job.decoder, bundle.manifest, values.bundle);

  const run = await openDevice(device, bundle, (line) => process.stderr.write(`${line}\n`));
  const pipeline = new WanPipeline({ ...run.options, memory, ...(device === 'cpu' ? { vaeRowBands } : {}) });
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const extension = extendFrom ? new ExtensionFrames(extendFrom.lastFrame) : null;
  if (extendFrom) process.stderr.write(`${extendSummary(extendFrom)}\n`);
  const createdAt = new Date().toISOString();
  let bar: ProgressBar | null = null;
  try {
    const out = values.out;
    const open = (width: number, height: number) =>
      createTaggedWriter(out, width, height, {
        provenance: { settings: { ...job.settings, width, height }, model: pipeline.modelName, createdAt, hasStartImage: image !== null, decoder: job.decoder },
        output: { container: 'mp4', fps },
        ...(extendFrom && extension ? { extension: () => ({ previous: extendFrom.file, name: extendFrom.path, seam: extension.seam() }) } : {}),
      });
    const { result, description, writer } = await generateVideoToFile(pipeline, job, image, open, {
      signal: controller.signal,
      ...(extension ? { keep: (event) => extension.take(event) } : {}),
      onEvent: (event) => {
        if (event.type !== 'progress') return;
        if (bar?.label !== event.phase) bar = new ProgressBar(event.phase, process.stderr, 'count');
        bar.update(event.step, event.steps);
      },
    });
    if (values['latents-out']) await writeFloatTensors(values['latents-out'], { latents: { data: result.latents, dims: result.latentDims } });
    const decoded = result.decoder === 'tiny' ? ' (tiny decoder)' : '';
    process.stderr.write(`\nseed ${result.settings.seed}: ${result.frames} frames ${result.width}x${result.height}${decoded} → ${description}\n`);
    if (extension) process.stderr.write(`${seamSummary(extension.seam(), writer?.frames() ?? null)}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    await pipeline.dispose();
    await run.dispose();
  }
}
