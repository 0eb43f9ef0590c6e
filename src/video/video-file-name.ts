import type { VideoContainer } from './video-format.ts';
import type { VideoProvenance } from './video-metadata.ts';

/** At most this many words of the prompt, and this many characters of them, go into a file name. */
const SLUG_WORDS = 6;
const SLUG_CHARACTERS = 40;

/**
 * The first words of a prompt as a file-name part: letters and digits of any script, lower
 * case, joined by hyphens. Accents are dropped ("crème" → "creme"); everything else (the
 * characters Windows, macOS or Linux reserve, emoji, control characters) separates words,
 * so the result never needs escaping anywhere. Cut at a word, never inside a character.
 */
export function promptSlug(prompt: string): string {
  const words = prompt
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, SLUG_WORDS);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (characters(next).length > SLUG_CHARACTERS) return slug || characters(word).slice(0, SLUG_CHARACTERS).join('');
    slug = next;
  }
  return slug;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const characters = (text: string) => Array.from(graphemes.segment(text), (part) => part.segment);

const two = (value: number) => String(value).padStart(2, '0');

/** `2026-12-06-0231`, in the time zone the date is shown in. */
function localMinute(date: Date): string {
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}-${two(date.getHours())}${two(date.getMinutes())}`;
}

/**
 * The name a video is downloaded and shared under, from its prompt, when it was made and its
 * seed: `wan-a-red-fox-in-fresh-snow-2026-12-06-0231-s42.mp4`. Videos from different prompts,
 * minutes or seeds never share a name.
 */
export function videoFileName(provenance: Pick<VideoProvenance, 'settings' | 'createdAt'>, container: VideoContainer): string {
  const slug = promptSlug(provenance.settings.prompt);
  const created = new Date(provenance.createdAt);
  const time = Number.isNaN(created.getTime()) ? '' : `-${localMinute(created)}`;
  return `wan${slug ? `-${slug}` : ''}${time}-s${provenance.settings.seed}.${container}`;
}
