// Hostile tokenizer.json files: random edits of a real UMT5-style tokenizer.json load or fail
// with a TokenizerError, never with the tokenizer library's own TypeError or Error.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { buildRandomTokenizerJson } from '../../src/convert/tokenizer/random-tokenizer.ts';
import { TokenizerError } from '../../src/errors.ts';
import { loadTokenizer, tokenize } from '../../src/pipeline/text/tokenizer.ts';
import { tokenizerFromText } from '../../src/pipeline/text/tokenizer-file.ts';

const TEXT = JSON.stringify(buildRandomTokenizerJson(384, 3));
const fresh = () => JSON.parse(TEXT) as Record<string, unknown>;

/** Every place in the JSON tree, as a key path (list entries past the first few left out: the vocabulary has 384). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? [...value.keys()].slice(0, 4) : Object.keys(value);
  return [prefix, ...keys.flatMap((key) => paths((value as Record<string | number, unknown>)[key], [...prefix, key]))];
}
const PATHS = paths(fresh()).filter((path) => path.length > 0);

const hostileValue = fc.oneof(
  fc.constantFrom(-1, 0, 0.5, 1e308, 2 ** 53, 'NaN', '', null, true, [], {}, [[1, 2]], { type: 'Nope' }, { type: 'Unigram' }),
  fc.integer({ min: -10, max: 1000 }),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** The edited JSON: each path set to a value, or removed (null). */
function edited(edits: readonly { path: (string | number)[]; value: unknown }[]): Record<string, unknown> {
  const json = fresh();
  for (const { path, value } of edits) {
    let parent: unknown = json;
    for (const key of path.slice(0, -1)) parent = typeof parent === 'object' && parent !== null ? (parent as Record<string | number, unknown>)[key] : undefined;
    if (typeof parent !== 'object' || parent === null) continue;
    const last = path.at(-1)!;
    if (value === null) delete (parent as Record<string | number, unknown>)[last];
    else (parent as Record<string | number, unknown>)[last] = value;
  }
  return json;
}

function loadOrRefuse(load: () => unknown): void {
  try {
    load();
  } catch (error) {
    if (!(error instanceof TokenizerError)) throw error;
    expect(error.message).toMatch(/tokenizer\.json .*Reinstall the model/);
  }
}

describe('loadTokenizer on a hostile tokenizer.json', () => {
  // The tokenizer library warns on the console about some of these before it fails.
  beforeAll(() => void vi.spyOn(console, 'warn').mockImplementation(() => undefined));
  afterAll(() => vi.restoreAllMocks());

  test('the unedited tokenizer.json loads and tokenizes', () => {
    expect(tokenize(loadTokenizer(fresh()), 'A fox').at(-1)).toBe(1);
  });

  test('edited fields (any place in the tree, any type, or removed) load or fail with a TokenizerError', () => {
    const edit = fc.record({ path: fc.constantFrom(...PATHS), value: fc.option(hostileValue) });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => loadOrRefuse(() => loadTokenizer(edited(edits)))),
      { numRuns: 400 },
    );
  });

  test('flipped bytes of its text load or fail with a TokenizerError', () => {
    const flip = fc.record({ at: fc.nat(), byte: fc.integer({ min: 32, max: 126 }) });
    fc.assert(
      fc.property(fc.array(flip, { minLength: 1, maxLength: 4 }), (flips) => {
        let damaged = TEXT;
        for (const { at, byte } of flips) damaged = `${damaged.slice(0, at % TEXT.length)}${String.fromCharCode(byte)}${damaged.slice((at % TEXT.length) + 1)}`;
        loadOrRefuse(() => tokenizerFromText(damaged, 'tokenizer.json'));
      }),
      { numRuns: 300 },
    );
  });

  test.each([
    ['model null', { model: null }],
    ['model without a type', { model: {} }],
    ['a vocabulary of pairs of numbers', { model: { ...(fresh().model as object), vocab: [[1, 2]] } }],
    ['normalizer 5', { normalizer: 5 }],
    ['added_tokens 5', { added_tokens: 5 }],
    ['an added token without content', { added_tokens: [{ id: 'x' }] }],
    ['a post-processor whose template is a number', { post_processor: { type: 'TemplateProcessing', single: 5 } }],
    ['an unknown pre-tokenizer', { pre_tokenizer: { type: 'Nope' } }],
  ])('%s is a TokenizerError, not the library\'s own error', (_, change) => {
    const attempt = () => loadTokenizer({ ...fresh(), ...change });
    expect(attempt).toThrow(TokenizerError);
    expect(attempt).toThrow(/tokenizer\.json (is damaged|is not a tokenizer definition).*Reinstall the model/);
  });
});
