import { describe, expect, test } from 'vitest';
import { LOOK_CATEGORIES, activeLook, withLook } from '../../src/app/generate/look-presets.ts';

const lighting = LOOK_CATEGORIES.find((c) => c.key === 'lighting')!;
const shot = LOOK_CATEGORIES.find((c) => c.key === 'shot')!;

describe('look chips write phrases into the prompt', () => {
  test('a chip adds its phrase as a comma-separated part, and another of the same kind replaces it', () => {
    let prompt = 'A red fox trotting through fresh snow';
    prompt = withLook(prompt, lighting, 'backlight');
    expect(prompt).toBe('A red fox trotting through fresh snow, backlight');
    prompt = withLook(prompt, shot, 'wide shot');
    prompt = withLook(prompt, lighting, 'soft light');
    expect(prompt).toBe('A red fox trotting through fresh snow, wide shot, soft light');
    expect(activeLook(prompt, lighting)).toBe('soft light');
    expect(activeLook(prompt, shot)).toBe('wide shot');
  });

  test('pressing the active chip again takes its phrase out; edits by hand are recognised', () => {
    expect(withLook('a fox, Soft Light, dusk', lighting, 'soft light')).toBe('a fox, dusk');
    expect(activeLook('a fox at dusk with soft light', lighting)).toBeNull();
    expect(withLook('', shot, 'close-up')).toBe('close-up');
    expect(withLook('a fox, close-up', shot, null)).toBe('a fox');
  });

  test('every category offers distinct phrases without commas', () => {
    const all = LOOK_CATEGORIES.flatMap((c) => c.phrases.map((p) => p.toLowerCase()));
    expect(new Set(all).size).toBe(all.length);
    for (const phrase of all) expect(phrase).not.toContain(',');
  });
});
