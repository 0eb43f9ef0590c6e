import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { promptSlug, videoFileName } from '../../src/video/video-file-name.ts';

/** 6 December 2026, 02:31 in whatever time zone the test runs in (names use local time). */
const CREATED = new Date(2026, 11, 6, 2, 31, 5).toISOString();
const named = (prompt: string, seed = 42, container: 'mp4' | 'webm' = 'mp4') => videoFileName({ settings: { prompt, seed } as never, createdAt: CREATED }, container);

/** Characters Windows refuses in names, and those that mean something to a shell or a URL. */
// oxlint-disable-next-line no-control-regex
const RESERVED = /[<>:"/\\|?*\u0000-\u001f\u007f%#&;'`$!~{}[\]^=+,@\s]/u;

describe('download names: from the prompt, the time and the seed', () => {
  test('the first words of the prompt, the local minute and the seed', () => {
    expect(named('A red fox in fresh snow')).toBe('wan-a-red-fox-in-fresh-snow-2026-12-06-0231-s42.mp4');
    expect(named('A red fox in fresh snow', 7, 'webm')).toBe('wan-a-red-fox-in-fresh-snow-2026-12-06-0231-s7.webm');
  });

  test('an empty or symbol-only prompt leaves the time and seed', () => {
    expect(named('')).toBe('wan-2026-12-06-0231-s42.mp4');
    expect(named('  …!?  🦊🦊 ')).toBe('wan-2026-12-06-0231-s42.mp4');
  });

  test('reserved characters separate words and never reach the name', () => {
    expect(named('CON: <a/b\\c> "d"|e?*f\u0000g')).toBe('wan-con-a-b-c-d-e-2026-12-06-0231-s42.mp4');
    expect(promptSlug('../../etc/passwd')).toBe('etc-passwd');
    expect(promptSlug('..')).toBe('');
  });

  test('unicode: accents dropped, other scripts kept, nothing cut inside a character', () => {
    expect(promptSlug('Crème brûlée à Ærø')).toBe('creme-brulee-a-ærø');
    expect(promptSlug('一只红色的狐狸在雪地里')).toBe('一只红色的狐狸在雪地里');
    expect(promptSlug('Лиса бежит по снегу')).toBe('лиса-бежит-по-снегу');
    expect(promptSlug('눈 속의 여우')).toBe('눈-속의-여우');
    expect(promptSlug('𠀀'.repeat(50))).toBe('𠀀'.repeat(40));
  });

  test('long prompts are cut at a word, to six words and 40 characters', () => {
    expect(promptSlug('one two three four five six seven eight')).toBe('one-two-three-four-five-six');
    expect(promptSlug('extraordinarily magnificent spectacularly')).toBe('extraordinarily-magnificent');
    expect(promptSlug('x'.repeat(300))).toBe('x'.repeat(40));
  });

  test('any prompt gives a short name with no reserved character, the seed and the extension', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.nat(), (prompt, seed) => {
        const name = named(prompt, seed);
        expect(name).not.toMatch(RESERVED);
        expect(name).toMatch(/^wan(-[\p{L}\p{N}]+)*-2026-12-06-0231-s\d+\.mp4$/u);
        expect(name.endsWith(`-s${seed}.mp4`)).toBe(true);
        expect(new TextEncoder().encode(name).length).toBeLessThanOrEqual(255);
      }),
    );
  });
});
