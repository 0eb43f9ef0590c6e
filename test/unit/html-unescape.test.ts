import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { htmlUnescape } from '../../src/pipeline/text/html-unescape.ts';

/** [input, what Python 3's html.unescape returns], from test/fixtures/scripts/html-entities.py. */
const CASES: [input: string, expected: string][] = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/html-entities.json'), 'utf8'),
);

describe('htmlUnescape matches Python html.unescape', () => {
  test('on every named reference, legacy prefix, special numeric reference and malformed reference', () => {
    expect(CASES.length).toBeGreaterThan(3000);
    const mismatches = CASES.filter(([input, expected]) => htmlUnescape(input) !== expected).map(([input, expected]) => ({
      input,
      expected,
      actual: htmlUnescape(input),
    }));
    expect(mismatches).toEqual([]);
  });

  test('decodes each reference in a string on its own, once', () => {
    expect(htmlUnescape('&am&#1;p; &amp;lt; a&#x7f;b&#xFFFF;c')).toBe('&amp; &lt; abc');
    expect(htmlUnescape('no references')).toBe('no references');
  });
});
