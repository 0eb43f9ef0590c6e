import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { FPS, WAN_DEFAULTS, FASTWAN_DEFAULTS } from '../../pipeline/generate/generation-settings.ts';
import type { GenerationSettings, SamplerName } from '../../pipeline/generate/generation-settings.ts';
import { WanPipeline } from '../../pipeline/generate/wan-pipeline.ts';
import { DEFAULT_MEMORY_MODE, parseMemoryMode } from '../../pipeline/generate/memory-mode.ts';
import { DECODER_CHOICES } from '../../bundle/tiny-vae-names.ts';
import type { DecoderChoice } from '../../bundle/tiny-vae-names.ts';
import { InvalidInputError } from '../../errors.ts';
import { openDirBundle } from '../dir-bundle.ts';
import { hasFfmpeg } from '../frame-writer.ts';
import { createTaggedWriter } from '../tagged-mp4-writer.ts';
import type { TaggedWriter } from '../tagged-mp4-writer.ts';
import { ExtensionFrames } from '../../video/extension-frames.ts';
import { extendDefaults, extendSummary, readExtendFrom, seamSummary } from './extend-from.ts';
import { extname } from 'node:path';
import { readImageFile } from '../image-file.ts';
import { choiceOption, integerOption, numberOption, sizeOption } from './cli-options.ts';
import { ProgressBar } from './progress-bar.ts';
import { writeFloatTensors } from './tensor-files.ts';

const SAMPLERS: readonly SamplerName[] = ['unipc', 'euler', 'dmd'];

const USAGE = `wan-web generate --bundle <dir> --prompt "…" --out <file.mp4 | folder> [options]

Options (defaults: Wan2.2's official 50 UniPC steps, guidance 5, shift 5; with --sampler dmd, FastWan's 3 steps without guidance):
  --image <png|jpg>           start image (image-to-video; the size follows Wan's best_output_size)
  --negative "…"              negative prompt (default: Wan's own)
  --size WxH                  multiples of 32, at most 1280x704 in area (default 1280x704)
  --frames N                  4n+1, at most 121 (default 121 = 5 s at 24 fps)
  --steps N  --guidance G  --shift S  --sampler unipc|euler|dmd  --seed N
  --memory keep-loaded|balanced|one-at-a-time
                              which models stay loaded: all of them, the DiT only (default:
                              the text encoder and VAE load for their phase), or none
  --decoder full|tiny         which decoder makes the frames (default full): tiny is faster, with
                              a little less detail; the bundle needs one (wan-web convert --tiny-decoder)
  --vae-bands N               decode each large frame in N horizontal bands (default 1): less
                              memory at 720p, for some rows computed twice
  --latents-out <file.safetensors>     also save the final latents
  --extend-from <clip.mp4>    continue a video made by wan-web from its last frame (kept losslessly
                              in its metadata): the new frames follow it in one MP4 at --out, and
                              every segment's settings are kept. --prompt and the other settings
                              default to the clip's last segment; needs ffmpeg for the new frames

Writes an H.264 MP4 when the output ends in .mp4 and ffmpeg is installed (the settings and the last
frame in its metadata, so it can be extended), numbered PNG frames otherwise.`;

export async function generateCommand(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      bundle: { type: 'string' },
      prompt: { type: 'string' },
      image: { type: 'string' },
      negative: { type: 'string' },
      size: { type: 'string' },
      frames: { type: 'string' },
      steps: { type: 'string' },
      guidance: { type: 'string' },
      shift: { type: 'string' },
      sampler: { type: 'string' },
      seed: { type: 'string' },
      memory: { type: 'string' },
      'vae-bands': { type: 'string' },
      decoder: { type: 'string' },
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
  if (extendFrom && values.image) throw new InvalidInputError('--extend-from starts from the clip\'s last frame; leave out --image.');
  if (extendFrom && (extname(values.out).toLowerCase() !== '.mp4' || !hasFfmpeg())) {
    throw new InvalidInputError('--extend-from writes one MP4 with the clip and its continuation: give an --out ending in .mp4, and install ffmpeg (with libx264) to encode the new frames.');
  }
  const sampler = choiceOption<SamplerName>('sampler', values.sampler, SAMPLERS, extendFrom?.provenance.settings.sampler ?? 'unipc');
  const defaults = extendFrom ? extendDefaults(extendFrom) : sampler === 'dmd' ? FASTWAN_DEFAULTS : WAN_DEFAULTS;
  const [width, height] = sizeOption(values.size, [defaults.width, defaults.height]);
  const negativePrompt = values.negative ?? (extendFrom ? defaults.negativePrompt : undefined);
  const settings: GenerationSettings = {
    prompt: values.prompt ?? extendFrom!.provenance.settings.prompt,
    ...(negativePrompt !== undefined ? { negativePrompt } : {}),
    width,
    height,
    frames: integerOption('frames', values.frames, defaults.frames, 1),
    steps: integerOption('steps', values.steps, defaults.steps, 1),
    guidance: numberOption('guidance', values.guidance, defaults.guidance),
    shift: numberOption('shift', values.shift, defaults.shift),
    sampler,
    seed: integerOption('seed', values.seed, Math.floor(Math.random() * 2 ** 32)),
  };
  const memory = parseMemoryMode(values.memory ?? DEFAULT_MEMORY_MODE);
  const vaeRowBands = integerOption('vae-bands', values['vae-bands'], 1, 1);
  const decoder = choiceOption<DecoderChoice>('decoder', values.decoder, DECODER_CHOICES, 'full');
  const image = extendFrom ? extendFrom.lastFrame : values.image ? await readImageFile(values.image) : null;
  const fps = extendFrom?.output.fps ?? FPS;
  const bundle = await openDirBundle(values.bundle);
  if (decoder === 'tiny' && !bundle.manifest.tinyDecoder) {
    throw new InvalidInputError(
      `The bundle in ${values.bundle} has no tiny decoder. Add one with "wan-web convert --tiny-decoder taew2_2.safetensors --add-to ${values.bundle}" (taew2_2.safetensors is in github.com/madebyollin/taehv, folder safetensors), or leave out --decoder tiny.`,
    );
  }

  const pipeline = new WanPipeline({ ort, bundle, memory, vaeRowBands });
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const output: { writer: TaggedWriter | null } = { writer: null };
  const extension = extendFrom ? new ExtensionFrames(extendFrom.lastFrame) : null;
  if (extendFrom) process.stderr.write(`${extendSummary(extendFrom)}\n`);
  const createdAt = new Date().toISOString();
  let bar: ProgressBar | null = null;
  try {
    const result = await pipeline.generate(settings, image, {
      decoder,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'progress') {
          if (bar?.label !== event.phase) bar = new ProgressBar(event.phase, process.stderr, 'count');
          bar.update(event.step, event.steps);
        }
      },
      onFrames: async (event) => {
        output.writer ??= await createTaggedWriter(values.out!, event.width, event.height, {
          provenance: { settings: { ...settings, width: event.width, height: event.height }, model: pipeline.modelName, createdAt, hasStartImage: image !== null, decoder },
          output: { container: 'mp4', fps },
          ...(extendFrom && extension ? { extension: () => ({ previous: extendFrom.file, name: extendFrom.path, seam: extension.seam() }) } : {}),
        });
        for (const frame of extension ? extension.take(event) : event.frames) await output.writer.write(frame);
      },
    });
    await output.writer?.close();
    if (values['latents-out']) await writeFloatTensors(values['latents-out'], { latents: { data: result.latents, dims: result.latentDims } });
    const decoded = result.decoder === 'tiny' ? ' (tiny decoder)' : '';
    process.stderr.write(`\nseed ${result.settings.seed}: ${result.frames} frames ${result.width}x${result.height}${decoded} → ${output.writer?.description ?? values.out}\n`);
    if (extension) process.stderr.write(`${seamSummary(extension.seam(), output.writer?.frames() ?? null)}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    await pipeline.dispose();
  }
}
