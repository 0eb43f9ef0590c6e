import { describe, expect, test } from 'vitest';
import { cleanPrompt } from '../../src/pipeline/text/prompt-clean.ts';

// Expected values are what Python 3's Wan prompt cleaning (without ftfy) returns.
describe('cleanPrompt (Wan: unescape twice, strip, collapse whitespace, strip)', () => {
  test('unescapes twice', () => {
    expect(cleanPrompt('&amp;lt;b&amp;gt; &amp;amp;')).toBe('<b> &');
  });
  test('collapses and strips Python whitespace, not JavaScript whitespace', () => {
    expect(cleanPrompt(' \t a \n\n b\u3000c\u0085d\u001fe\u00a0f\ufeff ')).toBe('a b c d e f\ufeff');
    expect(cleanPrompt('&nbsp;A fox&nbsp;&nbsp;in the snow&#10;')).toBe('A fox in the snow');
  });
  test('keeps ordinary prompts as they are', () => {
    const negative = '色调艳丽，过曝，静态，细节模糊不清，字幕，风格，作品，画作，画面，静止，整体发灰，最差质量';
    expect(cleanPrompt(negative)).toBe(negative);
    expect(cleanPrompt('A fox, in the snow!')).toBe('A fox, in the snow!');
    expect(cleanPrompt('')).toBe('');
    expect(cleanPrompt('   ')).toBe('');
  });
});
