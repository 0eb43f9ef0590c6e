import { InvalidInputError } from '../../errors.ts';
/** Which sampler runs the denoising loop. */
export type SamplerName = 'unipc' | 'euler' | 'dmd';

/** Everything one generation depends on, besides the model. */
export interface GenerationSettings {
  readonly prompt: string;
  /** Replaces Wan's default negative prompt when given (empty string: an EOS token only). */
  readonly negativePrompt?: string;
  readonly width: number;
  readonly height: number;
  /** 4n + 1 frames at 24 fps. */
  readonly frames: number;
  readonly steps: number;
  /** Classifier-free guidance scale; 1 (or a few-step sampler) runs one DiT pass per step. */
  readonly guidance: number;
  readonly shift: number;
  readonly sampler: SamplerName;
  readonly seed: number;
}

/** Wan's default negative prompt (shared_config.py), used whenever none is given. */
export const WAN_NEGATIVE_PROMPT =
  '色调艳丽，过曝，静态，细节模糊不清，字幕，风格，作品，画作，画面，静止，整体发灰，最差质量，低质量，JPEG压缩残留，丑陋的，残缺的，多余的手指，画得不好的手部，画得不好的脸部，畸形的，毁容的，形态畸形的肢体，手指融合，静止不动的画面，杂乱的背景，三条腿，背景人很多，倒着走';

/** The diffusers docs' English rendering of it, for the UI. */
export const WAN_NEGATIVE_PROMPT_ENGLISH =
  'Bright tones, overexposed, static, blurred details, subtitles, style, works, paintings, images, static, overall gray, worst quality, low quality, JPEG compression residue, ugly, incomplete, extra fingers, poorly drawn hands, poorly drawn faces, deformed, disfigured, misshapen limbs, fused fingers, still picture, messy background, three legs, many people in the background, walking backwards';

export const FPS = 24;
/** Wan2.2 TI2V's largest trained area (1280×704); larger sizes are refused. */
export const MAX_AREA = 1280 * 704;

/** What {@link validateSettings} allows of each numeric setting (the UI's inputs offer the same); shift must be above its min. */
export const SETTING_RANGES = {
  frames: { min: 1, max: 121 },
  steps: { min: 1, max: 200 },
  guidance: { min: 0, max: 30 },
  shift: { min: 0, max: 50 },
  seed: { min: 0, max: Number.MAX_SAFE_INTEGER },
} as const;

/** The official defaults: 50 UniPC steps, guidance 5, shift 5; 1280x704, 121 frames. */
export const WAN_DEFAULTS: Omit<GenerationSettings, 'prompt' | 'seed'> = {
  width: 1280,
  height: 704,
  frames: 121,
  steps: 50,
  guidance: 5,
  shift: 5,
  sampler: 'unipc',
};

/** FastWan2.2 (DMD-distilled): 3 fixed steps, no guidance. */
export const FASTWAN_DEFAULTS: Omit<GenerationSettings, 'prompt' | 'seed'> = { ...WAN_DEFAULTS, steps: 3, guidance: 1, sampler: 'dmd' };

const fail = (message: string): never => {
  throw new InvalidInputError(message);
};

/**
 * Checks settings and says what is allowed when they are not: sizes are multiples of 32
 * (the VAE's 16× and the DiT's 2× patches) up to 1280×704 in area, frames are 4n + 1 up to 121.
 */
export function validateSettings(settings: GenerationSettings): GenerationSettings {
  const { width, height, frames, steps, guidance, shift, sampler, seed } = settings;
  const { frames: frameRange, steps: stepRange, guidance: guidanceRange, shift: shiftRange, seed: seedRange } = SETTING_RANGES;
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value < 32 || value % 32 !== 0) fail(`settings.${name} must be a multiple of 32 (at least 32); got ${value}.`);
  }
  if (width * height > MAX_AREA) fail(`settings.width × settings.height must be at most 1280×704 (${MAX_AREA} pixels); got ${width}×${height}.`);
  if (!Number.isInteger(frames) || frames < frameRange.min || frames > frameRange.max || (frames - 1) % 4 !== 0) {
    fail(`settings.frames must be 4n + 1 between ${frameRange.min} and ${frameRange.max} (e.g. 49 = 2 s, 121 = 5 s at 24 fps); got ${frames}.`);
  }
  if (!Number.isInteger(steps) || steps < stepRange.min || steps > stepRange.max) fail(`settings.steps must be an integer from ${stepRange.min} to ${stepRange.max}; got ${steps}.`);
  if (!Number.isFinite(guidance) || guidance < guidanceRange.min || guidance > guidanceRange.max) {
    fail(`settings.guidance must be between ${guidanceRange.min} and ${guidanceRange.max}; got ${guidance}.`);
  }
  if (!Number.isFinite(shift) || shift <= shiftRange.min || shift > shiftRange.max) fail(`settings.shift must be above ${shiftRange.min} and at most ${shiftRange.max}; got ${shift}.`);
  if (!['unipc', 'euler', 'dmd'].includes(sampler)) fail(`settings.sampler must be unipc, euler or dmd; got ${String(sampler)}.`);
  if (!Number.isInteger(seed) || seed < seedRange.min || seed > seedRange.max) fail(`settings.seed must be a non-negative integer below 2^53; got ${seed}.`);
  if (typeof settings.prompt !== 'string') fail('settings.prompt must be text.');
  return settings;
}

/** The latent grid [1, 48, F, H/16, W/16] of a size. */
export function latentDims(settings: Pick<GenerationSettings, 'width' | 'height' | 'frames'>, channels = 48): [number, number, number, number, number] {
  return [1, channels, (settings.frames - 1) / 4 + 1, settings.height / 16, settings.width / 16];
}
