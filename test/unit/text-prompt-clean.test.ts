import { describe, expect, test } from 'vitest';
import { htmlUnescape } from '../../src/pipeline/text/html-unescape.ts';
import { cleanPrompt } from '../../src/pipeline/text/prompt-clean.ts';

// Expected values are what Python 3's html.unescape / Wan's prompt cleaning (without ftfy) return.
describe('htmlUnescape (Python html.unescape rules)', () => {
  const cases: [input: string, expected: string][] = [
    ['no references', 'no references'],
    ['&amp; &lt; &gt; &quot; &apos; &#39; &#x27;', `& < > " ' ' '`],
    ['fish &amp chips', 'fish & chips'], // legacy names need no semicolon
    ['&AMP;&LT;&COPY', '&<©'],
    ['&nbsp;x', '\u00a0x'],
    ['caf&eacute; &Eacute;t&eacute; &yuml;', 'café Été ÿ'],
    ['&hellip; &mdash; &ndash; &lsquo;&rsquo; &ldquo;&rdquo; &euro; &trade; &bull;', '… — – ‘’ “” € ™ •'],
    ['&alpha;&Omega;&sigmaf;&Sigma;', 'αΩςΣ'],
    ['&hellip', '&hellip'], // not a legacy name: needs its semicolon
    ['&ampx', '&x'], // longest legacy prefix
    ['&notit;', '¬it;'],
    ['&unknown; & alone', '&unknown; & alone'],
    ['&#65;&#66&#x43;&#X44', 'ABCD'],
    ['&#x1F600;', '😀'],
    ['&#128;&#x99;&#157;', '€™\u009d'], // C1 references read as Windows-1252
    ['&#0;&#xD800;&#x110000;&#99999999999999999999;', '\ufffd\ufffd\ufffd\ufffd'],
    ['a&#1;b&#x7f;c&#xFFFE;d&#x10FFFF;e&#11;f', 'abcdef'], // controls and noncharacters vanish
    ['&#13;', '\r'],
    ['&amp;lt;', '&lt;'], // one level only
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => expect(htmlUnescape(input)).toBe(expected));
  }
});

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
