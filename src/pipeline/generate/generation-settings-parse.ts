import { InvalidInputError } from '../../errors.ts';
import { validateSettings } from './generation-settings.ts';
import type { GenerationSettings, SamplerName } from './generation-settings.ts';

/** Longer prompts are cut by the tokenizer anyway (512 tokens); more text than this is damage or abuse. */
export const MAX_PROMPT_CHARACTERS = 5000;

const NUMERIC_FIELDS = ['width', 'height', 'frames', 'steps', 'guidance', 'shift', 'seed'] as const;

/** Each setting as the studio names it, for messages. */
export const SETTING_NAMES: Readonly<Record<keyof GenerationSettings, string>> = {
  prompt: 'prompt',
  negativePrompt: 'negative prompt',
  width: 'width',
  height: 'height',
  frames: 'number of frames',
  steps: 'number of steps',
  guidance: 'guidance',
  shift: 'shift',
  sampler: 'sampler',
  seed: 'seed',
};

/**
 * Generation settings from data the app did not just make (a share link, a video file's
 * metadata): only the known fields are taken, each must have its type, and the whole must
 * pass {@link validateSettings}. Anything else throws InvalidInputError.
 */
export function parseGenerationSettings(value: unknown): GenerationSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidInputError('the settings are missing.');
  const fields = value as Record<string, unknown>;
  const text = (key: 'prompt' | 'negativePrompt' | 'sampler'): string => {
    const field = fields[key];
    if (typeof field !== 'string') throw new InvalidInputError(`the ${SETTING_NAMES[key]} is missing.`);
    if (field.length > MAX_PROMPT_CHARACTERS) throw new InvalidInputError(`the ${SETTING_NAMES[key]} is longer than ${MAX_PROMPT_CHARACTERS} characters.`);
    return field;
  };
  const numbers = Object.fromEntries(
    NUMERIC_FIELDS.map((key) => {
      const field = fields[key];
      if (typeof field !== 'number') throw new InvalidInputError(`the ${SETTING_NAMES[key]} is missing.`);
      return [key, field];
    }),
  ) as Record<(typeof NUMERIC_FIELDS)[number], number>;
  const negativePrompt = fields.negativePrompt === undefined ? {} : { negativePrompt: text('negativePrompt') };
  return validateSettings({ prompt: text('prompt'), ...negativePrompt, ...numbers, sampler: text('sampler') as SamplerName });
}
