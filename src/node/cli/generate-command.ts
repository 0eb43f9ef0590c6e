import { parseArgs } from 'node:util';
import { FPS, WAN_DEFAULTS, FASTWAN_DEFAULTS } from '../../pipeline/generate/generation-settings.ts';
import type { GenerationSettings, SamplerName } from '../../pipeline/generate/generation-settings.ts';
import { WanPipeline } from '../../pipeline/generate/wan-pipeline.ts';
import { DEFAULT_MEMORY_MODE, parseMemoryMode } from '../../pipeline/generate/memory-mode.ts';
import { DECODER_CHOICES } from '../../bundle/tiny-vae-names.ts';
import type { DecoderChoice } from '../../bundle/tiny-vae-names.ts';
import { InvalidInputError } from '../../errors.ts';
import { openDirBundle } from '../dir-bundle.ts';
import { createFrameWriter } from '../frame-writer.ts';
import type { FrameWriter } from '../frame-writer.ts';
import { readImageFile } from '../image-file.ts';
import { choiceOption, integerOption, numberOption, sizeOption } from './cli-options.ts';
import { DEVICES, DEVICE_USAGE, openDevice } from './device-option.ts';
import type { Device } from './device-option.ts';
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
                              memory at 720p, for some rows computed twice (--device cpu only)
${DEVICE_USAGE}
  --latents-out <file.safetensors>     also save the final latents

Writes an H.264 MP4 when the output ends in .mp4 and ffmpeg is installed, numbered PNG frames otherwise.`;

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
      device: { type: 'string' },
      out: { type: 'string' },
      'latents-out': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.bundle || values.prompt === undefined || !values.out) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 1;
  }
  const sampler = choiceOption<SamplerName>('sampler', values.sampler, SAMPLERS, 'unipc');
  const defaults = sampler === 'dmd' ? FASTWAN_DEFAULTS : WAN_DEFAULTS;
  const [width, height] = sizeOption(values.size, [defaults.width, defaults.height]);
  const settings: GenerationSettings = {
    prompt: values.prompt,
    ...(values.negative !== undefined ? { negativePrompt: values.negative } : {}),
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
  const device = choiceOption<Device>('device', values.device, DEVICES, 'cpu');
  if (device === 'webgpu' && vaeRowBands > 1) throw new InvalidInputError('--vae-bands works with --device cpu only: on the GPU the decoder keeps its frames in GPU buffers. Leave it out.');
  const image = values.image ? await readImageFile(values.image) : null;
  const bundle = await openDirBundle(values.bundle);
  if (decoder === 'tiny' && !bundle.manifest.tinyDecoder) {
    throw new InvalidInputError(
      `The bundle in ${values.bundle} has no tiny decoder. Add one with "wan-web convert --tiny-decoder taew2_2.safetensors --add-to ${values.bundle}" (taew2_2.safetensors is in github.com/madebyollin/taehv, folder safetensors), or leave out --decoder tiny.`,
    );
  }

  const run = await openDevice(device, bundle, (line) => process.stderr.write(`${line}\n`));
  const pipeline = new WanPipeline({ ...run.options, memory, ...(device === 'cpu' ? { vaeRowBands } : {}) });
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const output: { writer: FrameWriter | null } = { writer: null };
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
        output.writer ??= await createFrameWriter(values.out!, event.width, event.height, FPS);
        for (const frame of event.frames) await output.writer.write(frame);
      },
    });
    await output.writer?.close();
    if (values['latents-out']) await writeFloatTensors(values['latents-out'], { latents: { data: result.latents, dims: result.latentDims } });
    const decoded = result.decoder === 'tiny' ? ' (tiny decoder)' : '';
    process.stderr.write(`\nseed ${result.settings.seed}: ${result.frames} frames ${result.width}x${result.height}${decoded} → ${output.writer?.description ?? values.out}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    await pipeline.dispose();
    await run.dispose();
  }
}
