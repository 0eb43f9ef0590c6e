import { InvalidInputError } from '../errors.ts';
import type { GenerationSettings } from '../pipeline/generate/generation-settings.ts';
import { SETTING_NAMES, parseGenerationSettings } from '../pipeline/generate/generation-settings-parse.ts';
import type { VideoOutputOptions } from '../video/video-format.ts';
import { parseVideoOutput } from '../video/video-metadata.ts';

/** What a share link carries: everything needed to make the video again, except the model and a start image. */
export interface SharedSettings {
  readonly settings: GenerationSettings;
  readonly output: VideoOutputOptions;
}

/** The version of the link format, first in every fragment: `#wan=1&prompt=…`. */
const VERSION = '1';
/** A fragment longer than this (two prompts at their limit and the numbers) is not one we made. */
const MAX_FRAGMENT_CHARACTERS = 40_000;
const NUMBERS = ['width', 'height', 'frames', 'steps', 'guidance', 'shift', 'seed', 'fps'] as const;
/**
 * Numbers as String(number) writes finite ones: no hex, Infinity, NaN or blanks. Up to 21
 * integer digits (1e21 and over get an exponent) and 22 decimals (a number just above 1e-6:
 * five zeros and 17 significant digits).
 */
const DECIMAL = /^-?\d{1,21}(\.\d{1,22})?(e[+-]?\d{1,3})?$/;

/**
 * The URL fragment (`#…`) that carries the settings. Browsers never send a fragment to a
 * server, so opening the link uploads nothing.
 */
export function shareFragment({ settings, output }: SharedSettings): string {
  const { prompt, negativePrompt, sampler } = settings;
  const params = new URLSearchParams({ wan: VERSION, prompt });
  if (negativePrompt !== undefined) params.set('negative', negativePrompt);
  for (const key of NUMBERS) params.set(key, String(key === 'fps' ? output.fps : settings[key]));
  params.set('sampler', sampler);
  params.set('format', output.container);
  return `#${params.toString()}`;
}

/** The page's address (`href`, any fragment dropped) with the settings in its fragment. */
export function shareLink(href: string, shared: SharedSettings): string {
  return `${href.split('#')[0]}${shareFragment(shared)}`;
}

/**
 * The settings a page address's fragment carries: null when it carries none (no fragment, or
 * another one), a sentence saying why when it is damaged. Only the known fields are read,
 * and they pass the same checks as settings typed in the studio.
 */
export function readShareFragment(hash: string): SharedSettings | string | null {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!/^wan=/.test(fragment)) return null;
  if (fragment.length > MAX_FRAGMENT_CHARACTERS) return damaged('it is far longer than any link this app makes');
  const params = new URLSearchParams(fragment);
  if (params.get('wan') !== VERSION) return 'This link was made by a newer version of wan-web, so its settings were not filled in. Reload the page to get the newest version, then open the link again.';
  try {
    const numbers = Object.fromEntries(NUMBERS.map((key) => [key, decimal(params.get(key), key)]));
    const negative = params.get('negative');
    const settings = parseGenerationSettings({
      ...numbers,
      prompt: params.get('prompt'),
      ...(negative === null ? {} : { negativePrompt: negative }),
      sampler: params.get('sampler'),
    });
    return { settings, output: parseVideoOutput({ fps: numbers.fps, container: params.get('format') }) };
  } catch (error) {
    if (error instanceof InvalidInputError) return damaged(error.message);
    throw error;
  }
}

function decimal(value: string | null, key: (typeof NUMBERS)[number]): number {
  if (value === null || !DECIMAL.test(value)) throw new InvalidInputError(`the ${key === 'fps' ? 'frame rate' : SETTING_NAMES[key]} is missing or not a number.`);
  return Number(value);
}

const damaged = (why: string) => `This share link is damaged (${why.replace(/\.$/, '')}), so the studio was left as it was. Ask for the link again, or copy all of it.`;
