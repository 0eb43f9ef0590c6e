import { describe, expect, test } from 'vitest';
import { SETTING_RANGES, WAN_DEFAULTS, validateSettings } from '../../src/pipeline/generate/generation-settings.ts';
import type { GenerationSettings } from '../../src/pipeline/generate/generation-settings.ts';

const base: GenerationSettings = { ...WAN_DEFAULTS, prompt: 'a fox', seed: 1 };

/** The smallest change of each setting that keeps it well-formed (frames are 4n + 1). */
const STEP = { frames: 4, steps: 1, guidance: 0.5, shift: 0.5, seed: 1 } as const;

describe('validateSettings allows exactly SETTING_RANGES, which the UI offers', () => {
  for (const name of Object.keys(SETTING_RANGES) as (keyof typeof SETTING_RANGES)[]) {
    test(name, () => {
      const { min, max } = SETTING_RANGES[name];
      // Shift must be above its minimum; the others may equal it.
      const lowest = name === 'shift' ? min + STEP.shift : min;
      for (const value of [lowest, max]) expect(() => validateSettings({ ...base, [name]: value })).not.toThrow();
      for (const value of [lowest - STEP[name], max + STEP[name]]) {
        expect(() => validateSettings({ ...base, [name]: value }), `${name} ${value}`).toThrow(`settings.${name}`);
      }
    });
  }

  test('the limits the studio shows', () => {
    expect(SETTING_RANGES).toEqual({
      frames: { min: 1, max: 121 },
      steps: { min: 1, max: 200 },
      guidance: { min: 0, max: 30 },
      shift: { min: 0, max: 50 },
      seed: { min: 0, max: 2 ** 53 - 1 },
    });
  });
});
