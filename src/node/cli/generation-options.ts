import { FASTWAN_DEFAULTS, validateSettings, WAN_DEFAULTS } from '../../pipeline/generate/generation-settings.ts';
import type { GenerationSettings, SamplerName } from '../../pipeline/generate/generation-settings.ts';
import { DEFAULT_MEMORY_MODE, parseMemoryMode } from '../../pipeline/generate/memory-mode.ts';
import type { MemoryMode } from '../../pipeline/generate/memory-mode.ts';
import { DECODER_CHOICES } from '../../bundle/tiny-vae-names.ts';
import type { DecoderChoice } from '../../bundle/tiny-vae-names.ts';
import type { BundleManifest } from '../../bundle/manifest.ts';
import { InvalidInputError } from '../../errors.ts';
import { choiceOption, integerOption, numberOption, sizeOption } from './cli-options.ts';
import { DEVICES, DEVICE_USAGE } from './device-option.ts';
import type { Device } from './device-option.ts';

/**
 * The settings of one video, as `wan-web generate` takes them (`--prompt …`) and as each line
 * of a `wan-web batch` file holds them (`{"prompt": …}`): one parser for both.
 */
export const GENERATION_OPTIONS = {
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
  decoder: { type: 'string' },
} as const;

export type GenerationOptionName = keyof typeof GENERATION_OPTIONS;
export const GENERATION_OPTION_NAMES = Object.keys(GENERATION_OPTIONS) as GenerationOptionName[];

/** How the pipeline runs, the same for every video of a command. */
export const PIPELINE_OPTIONS = {
  memory: { type: 'string' },
  'vae-bands': { type: 'string' },
  device: { type: 'string' },
} as const;

const SAMPLERS: readonly SamplerName[] = ['unipc', 'euler', 'dmd'];

/** The help text of the settings (shared by generate's and batch's usage). */
export const GENERATION_OPTIONS_USAGE = `  --prompt "…"                what to show (required)
  --image <png|jpg>           start image (image-to-video; the size follows Wan's best_output_size)
  --negative "…"              negative prompt (default: Wan's own)
  --size WxH                  multiples of 32, at most 1280x704 in area (default 1280x704)
  --frames N                  4n+1, at most 121 (default 121 = 5 s at 24 fps)
  --steps N  --guidance G  --shift S  --sampler unipc|euler|dmd  --seed N
                              (defaults: Wan2.2's official 50 UniPC steps, guidance 5, shift 5;
                              with --sampler dmd, FastWan's 3 steps without guidance)
  --decoder full|tiny         which decoder makes the frames (default full): tiny is faster, with
                              a little less detail; the bundle needs one (wan-web convert --tiny-decoder)`;

export const PIPELINE_OPTIONS_USAGE = `  --memory keep-loaded|balanced|one-at-a-time
                              which models stay loaded: all of them, the DiT only (the text
                              encoder and VAE load for their phase), or none
                              (default: balanced for generate, keep-loaded for batch)
  --vae-bands N               decode each large frame in N horizontal bands (default 1): less
                              memory at 720p, for some rows computed twice (--device cpu only)
${DEVICE_USAGE}`;

/** One video to make: validated settings, the decoder, and the start image's path if any. */
export interface GenerationJob {
  readonly settings: GenerationSettings;
  readonly decoder: DecoderChoice;
  readonly image: string | undefined;
}

/**
 * Settings from option texts, with the official defaults (FastWan's for `sampler dmd`), or those
 * of `inherited` (a clip being extended: its last segment's settings, prompt included), checked
 * as the pipeline checks them. `seed` gives the seed of a job that names none.
 */
export function parseGenerationOptions(
  values: Partial<Record<GenerationOptionName, string>>,
  seed: () => number,
  inherited?: Omit<GenerationSettings, 'seed'>,
): GenerationJob {
  const prompt = values.prompt ?? inherited?.prompt;
  if (prompt === undefined) throw new InvalidInputError('A prompt is required (--prompt "…").');
  const sampler = choiceOption<SamplerName>('sampler', values.sampler, SAMPLERS, inherited?.sampler ?? 'unipc');
  const defaults = inherited ?? (sampler === 'dmd' ? FASTWAN_DEFAULTS : WAN_DEFAULTS);
  const [width, height] = sizeOption(values.size, [defaults.width, defaults.height]);
  const negativePrompt = values.negative ?? inherited?.negativePrompt;
  const settings: GenerationSettings = {
    prompt,
    ...(negativePrompt !== undefined ? { negativePrompt } : {}),
    width,
    height,
    frames: integerOption('frames', values.frames, defaults.frames, 1),
    steps: integerOption('steps', values.steps, defaults.steps, 1),
    guidance: numberOption('guidance', values.guidance, defaults.guidance),
    shift: numberOption('shift', values.shift, defaults.shift),
    sampler,
    seed: values.seed === undefined ? seed() : integerOption('seed', values.seed, 0),
  };
  return {
    settings: validateSettings(settings),
    decoder: choiceOption<DecoderChoice>('decoder', values.decoder, DECODER_CHOICES, 'full'),
    image: values.image,
  };
}

/** `--memory` and `--vae-bands`, with their defaults. */
export function parsePipelineOptions(
  values: { memory?: string | undefined; 'vae-bands'?: string | undefined; device?: string | undefined },
  defaultMemory: MemoryMode = DEFAULT_MEMORY_MODE,
): { memory: MemoryMode; vaeRowBands: number; device: Device } {
  const vaeRowBands = integerOption('vae-bands', values['vae-bands'], 1, 1);
  const device = choiceOption<Device>('device', values.device, DEVICES, 'cpu');
  if (device === 'webgpu' && vaeRowBands > 1) throw new InvalidInputError('--vae-bands works with --device cpu only: on the GPU the decoder keeps its frames in GPU buffers. Leave it out.');
  return { memory: parseMemoryMode(values.memory ?? defaultMemory), vaeRowBands, device };
}

/** Refuses `--decoder tiny` for a bundle without a tiny decoder, saying how to add one. */
export function requireDecoder(decoder: DecoderChoice, manifest: BundleManifest, bundleDir: string): void {
  if (decoder !== 'tiny' || manifest.tinyDecoder) return;
  throw new InvalidInputError(
    `The bundle in ${bundleDir} has no tiny decoder. Add one with "wan-web convert --tiny-decoder taew2_2.safetensors --add-to ${bundleDir}" (taew2_2.safetensors is in github.com/madebyollin/taehv, folder safetensors), or leave out --decoder tiny.`,
  );
}
