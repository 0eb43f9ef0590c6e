/**
 * Look chips: Wan2.2 was trained on captions labelled for lighting, time of day, shot size,
 * lens, camera movement, colour tone and style. Each chip writes one such phrase into the
 * prompt, as a comma-separated part the user can see and edit.
 */
export interface LookCategory {
  readonly key: string;
  readonly label: string;
  readonly phrases: readonly string[];
}

export const LOOK_CATEGORIES: readonly LookCategory[] = [
  { key: 'lighting', label: 'Lighting', phrases: ['soft light', 'hard light', 'backlight', 'side light', 'rim light', 'practical lights', 'moonlight'] },
  { key: 'time', label: 'Time of day', phrases: ['sunrise', 'golden hour', 'midday sun', 'overcast day', 'dusk', 'night'] },
  { key: 'shot', label: 'Shot size', phrases: ['extreme close-up', 'close-up', 'medium shot', 'wide shot', 'extreme wide shot'] },
  { key: 'lens', label: 'Lens', phrases: ['wide-angle lens', 'telephoto lens', 'fisheye lens', 'macro lens', 'shallow depth of field'] },
  { key: 'camera', label: 'Camera movement', phrases: ['static camera', 'slow push-in', 'pull-back', 'tracking shot', 'pan left', 'orbit shot', 'handheld camera', 'aerial drone shot'] },
  { key: 'tone', label: 'Colour tone', phrases: ['warm tones', 'cool tones', 'high contrast', 'low contrast', 'desaturated colours', 'vibrant colours'] },
  { key: 'style', label: 'Style', phrases: ['cinematic', 'documentary footage', 'film grain', 'anime style', '3D animation', 'stop-motion'] },
];

const parts = (prompt: string) =>
  prompt
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The phrase of `category` that the prompt has as one of its comma-separated parts, if any. */
export function activeLook(prompt: string, category: LookCategory): string | null {
  const present = parts(prompt);
  return category.phrases.find((phrase) => present.some((part) => same(part, phrase))) ?? null;
}

/**
 * The prompt with `phrase` as its look for `category`: any other phrase of that category is
 * taken out, and the new one added at the end. `null` (or the phrase already there) removes it.
 */
export function withLook(prompt: string, category: LookCategory, phrase: string | null): string {
  const current = activeLook(prompt, category);
  const kept = parts(prompt).filter((part) => !category.phrases.some((p) => same(p, part)));
  if (phrase !== null && !(current !== null && same(current, phrase))) kept.push(phrase);
  return kept.join(', ');
}
