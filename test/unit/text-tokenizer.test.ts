import { describe, expect, test } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';
import { MIN_RANDOM_VOCAB, buildRandomTokenizerJson } from '../../src/convert/tokenizer/random-tokenizer.ts';
import { TokenizerError } from '../../src/errors.ts';
import { countPromptTokens, loadTokenizer, tokenize, tokenizePrompt } from '../../src/pipeline/text/tokenizer.ts';

const VOCAB = 384;

/** As the bundle stores it: serialized, then parsed by the runner. */
function roundTrip(vocabSize: number, seed: number): unknown {
  return JSON.parse(JSON.stringify(buildRandomTokenizerJson(vocabSize, seed)));
}

describe('random UMT5-style tokenizer.json', () => {
  test('has the T5 layout: <pad> 0, </s> 1, <unk> 2, a Unigram vocabulary of exactly vocabSize pieces', () => {
    const json = buildRandomTokenizerJson(VOCAB, 1);
    expect(json.model.vocab.slice(0, 3).map(([piece]) => piece)).toEqual(['<pad>', '</s>', '<unk>']);
    expect(json.model.vocab).toHaveLength(VOCAB);
    expect(new Set(json.model.vocab.map(([piece]) => piece)).size).toBe(VOCAB);
    expect(json.model.unk_id).toBe(2);
    expect(json.added_tokens.map((t) => [t.id, t.content])).toEqual([[0, '<pad>'], [1, '</s>'], [2, '<unk>']]);
  });

  test('is deterministic in its seed', () => {
    expect(JSON.stringify(buildRandomTokenizerJson(VOCAB, 5))).toBe(JSON.stringify(buildRandomTokenizerJson(VOCAB, 5)));
    expect(JSON.stringify(buildRandomTokenizerJson(VOCAB, 5))).not.toBe(JSON.stringify(buildRandomTokenizerJson(VOCAB, 6)));
  });

  test('@huggingface/tokenizers loads it and appends </s> through the template post-processor', () => {
    const tokenizer = new Tokenizer(roundTrip(VOCAB, 3) as object, {});
    const encoded = tokenizer.encode('A fox, in the snow!');
    expect(encoded.ids.at(-1)).toBe(1);
    expect(encoded.tokens).toContain('\u2581fox');
    expect(tokenizer.decode(encoded.ids, { skip_special_tokens: true })).toBe('A fox, in the snow!');
  });

  test('refuses vocabularies too small to hold every printable ASCII character', () => {
    expect(() => buildRandomTokenizerJson(MIN_RANDOM_VOCAB - 1, 0)).toThrow(RangeError);
    expect(buildRandomTokenizerJson(MIN_RANDOM_VOCAB, 0).model.vocab).toHaveLength(MIN_RANDOM_VOCAB);
  });
});

describe('tokenize: Wan\'s T5 call (EOS appended, at most 512 tokens)', () => {
  const tokenizer = loadTokenizer(roundTrip(VOCAB, 3));

  test('"A fox, in the snow!" → ids < vocabSize ending in EOS 1, the same every time', () => {
    const ids = tokenize(tokenizer, 'A fox, in the snow!');
    expect(ids.at(-1)).toBe(1);
    expect(ids.length).toBeGreaterThan(2);
    expect(ids.slice(0, -1).every((id) => Number.isInteger(id) && id > 2 && id < VOCAB)).toBe(true);
    expect(tokenize(loadTokenizer(roundTrip(VOCAB, 3)), 'A fox, in the snow!')).toEqual(ids);
    expect(tokenize(tokenizer, 'A fox, in the snow!')).toEqual(tokenizer.encode('A fox, in the snow!').ids);
  });

  test('an empty prompt is just EOS (diffusers\' default negative prompt)', () => {
    expect(tokenize(tokenizer, '')).toEqual([1]);
  });

  test('characters outside the vocabulary become <unk> (2)', () => {
    const ids = tokenize(tokenizer, '雪');
    expect(ids).toContain(2);
    expect(ids.at(-1)).toBe(1);
  });

  test('long prompts keep their first 511 tokens, then EOS', () => {
    const full = tokenize(tokenizer, 'snow '.repeat(600), 100_000);
    expect(full.length).toBeGreaterThan(600);
    const ids = tokenize(tokenizer, 'snow '.repeat(600));
    expect(ids).toHaveLength(512);
    expect(ids.slice(0, 511)).toEqual(full.slice(0, 511));
    expect(ids[511]).toBe(1);
  });

  test('tokenizePrompt cleans first', () => {
    expect(tokenizePrompt(tokenizer, '  A fox,&nbsp;in &amp;amp; the\n snow! ')).toEqual(tokenize(tokenizer, 'A fox, in & the snow!'));
  });

  test('a tokenizer.json that is not T5\'s is refused', () => {
    expect(() => loadTokenizer({ version: '1.0' })).toThrow(TokenizerError);
  });
});

describe('counting a prompt’s tokens for the prompt box', () => {
  test('counts what tokenizePrompt encodes, and keeps counting past the 512 it keeps', () => {
    const tokenizer = loadTokenizer(roundTrip(VOCAB, 3));
    const prompt = '  A fox &amp; a hare,   in the snow!  ';
    expect(countPromptTokens(tokenizer, prompt)).toBe(tokenizePrompt(tokenizer, prompt).length);
    const long = 'a quick brown fox jumps over the lazy dog. '.repeat(80);
    expect(tokenizePrompt(tokenizer, long)).toHaveLength(512);
    expect(countPromptTokens(tokenizer, long)).toBeGreaterThan(512);
  });
});
