import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readShareFragment, shareFragment, shareLink } from '../../src/state/share-link.ts';
import type { SharedSettings } from '../../src/state/share-link.ts';

const SHARED: SharedSettings = {
  settings: { prompt: 'a red fox in fresh snow', width: 1280, height: 704, frames: 121, steps: 50, guidance: 5, shift: 5, sampler: 'unipc', seed: 42 },
  output: { fps: 24, container: 'mp4' },
};

const damagedMessage = (hash: string) => {
  const result = readShareFragment(hash);
  expect(typeof result).toBe('string');
  return result as string;
};

describe('share links: the settings in the URL fragment', () => {
  test('a link is the page address with the settings in a readable fragment', () => {
    const link = shareLink('https://example.org/wan/?ort=asyncify#old', SHARED);
    expect(link).toBe(
      'https://example.org/wan/?ort=asyncify#wan=1&prompt=a+red+fox+in+fresh+snow&width=1280&height=704&frames=121&steps=50&guidance=5&shift=5&seed=42&fps=24&sampler=unipc&format=mp4',
    );
    expect(readShareFragment(new URL(link).hash)).toEqual(SHARED);
  });

  test('a guidance just above 1e-6, which String() writes with 22 decimals, round-trips (found by the property below)', () => {
    const settings = { ...SHARED.settings, guidance: 0.0000010008358923122462 };
    expect(String(settings.guidance)).toBe('0.0000010008358923122462');
    expect(readShareFragment(shareFragment({ ...SHARED, settings }))).toEqual({ ...SHARED, settings });
  });

  test('unicode, symbols, a negative prompt (empty too) and fractional guidance round-trip', () => {
    const shared: SharedSettings = {
      settings: { ...SHARED.settings, prompt: '狐狸 & #fox? 100% "snow"\n🦊 a=b', negativePrompt: '', guidance: 3.5, shift: 0.25, sampler: 'dmd', seed: 2 ** 32 - 1 },
      output: { fps: 16, container: 'webm' },
    };
    expect(readShareFragment(shareFragment(shared))).toEqual(shared);
    expect(readShareFragment(shareFragment({ ...shared, settings: { ...shared.settings, negativePrompt: 'blurry' } }))).toEqual({
      ...shared,
      settings: { ...shared.settings, negativePrompt: 'blurry' },
    });
  });

  test('any valid settings round-trip exactly', () => {
    const settings = fc.record({
      prompt: fc.string({ unit: 'binary', maxLength: 300 }),
      width: fc.integer({ min: 1, max: 20 }).map((n) => n * 32),
      height: fc.integer({ min: 1, max: 20 }).map((n) => n * 32),
      frames: fc.integer({ min: 0, max: 30 }).map((n) => 4 * n + 1),
      steps: fc.integer({ min: 1, max: 200 }),
      guidance: fc.double({ min: 0, max: 30, noNaN: true }),
      shift: fc.double({ min: 0.001, max: 50, noNaN: true }),
      sampler: fc.constantFrom('unipc' as const, 'euler' as const, 'dmd' as const),
      seed: fc.nat(),
    });
    const output = fc.record({ fps: fc.integer({ min: 1, max: 60 }), container: fc.constantFrom('mp4' as const, 'webm' as const) });
    fc.assert(
      fc.property(settings, output, (s, o) => {
        fc.pre(s.width * s.height <= 1280 * 704 && !/[\uD800-\uDFFF]/.test(s.prompt.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')));
        expect(readShareFragment(shareFragment({ settings: s, output: o }))).toEqual({ settings: s, output: o });
      }),
    );
  });

  test('a page address without our fragment carries nothing', () => {
    for (const hash of ['', '#', '#top', '#prompt=a', '#xwan=1']) expect(readShareFragment(hash)).toBeNull();
  });

  test('damaged or hostile fragments are refused in plain words, naming what is wrong', () => {
    const fragment = shareFragment(SHARED);
    const edit = (key: string, value: string | null) => {
      const params = new URLSearchParams(fragment.slice(1));
      if (value === null) params.delete(key);
      else params.set(key, value);
      return `#${params.toString()}`;
    };
    expect(damagedMessage(edit('frames', null))).toBe(
      'This share link is damaged (the number of frames is missing or not a number), so the studio was left as it was. Ask for the link again, or copy all of it.',
    );
    for (const bad of ['0x10', 'Infinity', 'NaN', '', ' 5', '5 ', '1,5', '1'.repeat(30)]) expect(damagedMessage(edit('steps', bad))).toContain('number of steps');
    expect(damagedMessage(edit('steps', '1e3'))).toContain('steps');
    expect(damagedMessage(edit('frames', '6'))).toContain('frames');
    expect(damagedMessage(edit('width', '4096'))).toContain('damaged');
    expect(damagedMessage(edit('seed', '-1'))).toContain('seed');
    expect(damagedMessage(edit('sampler', 'constructor'))).toContain('sampler');
    expect(damagedMessage(edit('prompt', null))).toContain('the prompt is missing');
    expect(damagedMessage(edit('prompt', 'x'.repeat(5001)))).toContain('longer than 5000');
    expect(damagedMessage(edit('fps', '0'))).toContain('frame rate');
    expect(damagedMessage(edit('format', 'gif'))).toContain('MP4 or WebM');
    expect(damagedMessage(`${fragment}&pad=${'x'.repeat(40_000)}`)).toContain('far longer');
    expect(damagedMessage(edit('wan', '2'))).toContain('newer version');
  });

  test('unknown, duplicated and prototype keys change nothing; broken escapes never throw', () => {
    const fragment = shareFragment(SHARED);
    expect(readShareFragment(`${fragment}&__proto__=x&constructor=y&model=evil`)).toEqual(SHARED);
    expect(readShareFragment(`${fragment}&seed=7`)).toEqual(SHARED);
    expect(readShareFragment(fragment.replace('prompt=a', 'prompt=%E0%A4%A%zz'))).toMatchObject({ settings: { prompt: expect.stringContaining('red fox') as string } });
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (junk) => void readShareFragment(`#wan=1&${junk}`)));
  });
});
