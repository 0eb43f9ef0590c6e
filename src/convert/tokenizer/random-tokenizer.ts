import { seededRandom } from '../../seeded-random.ts';

/**
 * A small random tokenizer.json of the kind google/umt5-xxl ships: a SentencePiece
 * Unigram model behind a Metaspace ("▁") pre-tokenizer, `<pad>` = 0, `</s>` = 1,
 * `<unk>` = 2, and a template post-processor that appends `</s>`. For tests and the
 * built-in self-test model, whose tiny vocabularies have no real tokenizer.
 */

/** The tokenizer.json fields written here (the Hugging Face `tokenizers` serialization). */
export interface UnigramTokenizerJson {
  readonly version: '1.0';
  readonly truncation: null;
  readonly padding: null;
  readonly added_tokens: readonly AddedTokenJson[];
  readonly normalizer: unknown;
  readonly pre_tokenizer: unknown;
  readonly post_processor: unknown;
  readonly decoder: unknown;
  readonly model: { readonly type: 'Unigram'; readonly unk_id: number; readonly vocab: readonly (readonly [string, number])[]; readonly byte_fallback: false };
}

interface AddedTokenJson {
  readonly id: number;
  readonly content: string;
  readonly single_word: false;
  readonly lstrip: false;
  readonly rstrip: false;
  readonly normalized: false;
  readonly special: true;
}

/** The SentencePiece word-boundary mark. */
const METASPACE = '\u2581';
const SPECIALS = ['<pad>', '</s>', '<unk>'] as const;
/** Every printable ASCII character is a piece, so any ASCII text tokenizes without `<unk>`. */
const SINGLE_CHARACTERS = [METASPACE, ...Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i))];
/** Real words, so that ordinary prompts tokenize into few, plausible pieces. */
const COMMON_WORDS = (
  'the a an of in on at to and with is are was it this that for by from as under over snow fox cat dog man woman ' +
  'city street night light sky sea water tree forest mountain river video camera slow motion close up wide shot'
).split(' ');
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Smallest vocabulary: the specials and the single characters. */
export const MIN_RANDOM_VOCAB = SPECIALS.length + SINGLE_CHARACTERS.length;

/**
 * Builds the tokenizer for a vocabulary of `vocabSize` ids: the three specials, `▁` and
 * the printable ASCII characters, common words (`▁the`, …), then seeded random letter
 * pieces. Scores are log-probabilities (longer pieces score higher than their letters
 * together, so Unigram's Viterbi prefers them); pieces are ordered by score, as
 * SentencePiece orders them. Serialize with `JSON.stringify`.
 */
export function buildRandomTokenizerJson(vocabSize: number, seed: number): UnigramTokenizerJson {
  if (!Number.isInteger(vocabSize) || vocabSize < MIN_RANDOM_VOCAB) {
    throw new RangeError(`vocabSize must be an integer ≥ ${MIN_RANDOM_VOCAB} (specials and printable ASCII), got ${vocabSize}.`);
  }
  const random = seededRandom(seed);
  const pieces = new Map<string, number>();
  for (const char of SINGLE_CHARACTERS) pieces.set(char, -(8 + 2 * random()));
  const budget = vocabSize - SPECIALS.length;
  const add = (piece: string, score: number) => {
    if (pieces.size < budget && !pieces.has(piece)) pieces.set(piece, score);
  };
  for (const word of COMMON_WORDS) add(METASPACE + word, -(2 + 3 * random()));
  while (pieces.size < budget) {
    const length = 2 + Math.floor(random() * 5);
    let piece = random() < 0.5 ? METASPACE : '';
    for (let i = 0; i < length; i++) piece += LETTERS[Math.floor(random() * LETTERS.length)];
    add(piece, -(4 + 4 * random()));
  }
  const ordered = [...pieces].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const vocab: (readonly [string, number])[] = [...SPECIALS.map((token) => [token, 0] as const), ...ordered.map(([piece, score]) => [piece, round(score)] as const)];

  const metaspace = { type: 'Metaspace', replacement: METASPACE, prepend_scheme: 'always', split: true };
  const eos = { SpecialToken: { id: '</s>', type_id: 0 } };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    // umt5-xxl's normalizer is SentencePiece's precompiled nmt_nfkc map; NFKC is its core.
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }] },
    pre_tokenizer: metaspace,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, eos],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, eos, { Sequence: { id: 'B', type_id: 0 } }, eos],
      special_tokens: { '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] } },
    },
    decoder: metaspace,
    model: { type: 'Unigram', unk_id: 2, vocab, byte_fallback: false },
  };
}

/** Scores with 6 decimals, as readable as SentencePiece's. */
function round(score: number): number {
  return Math.round(score * 1e6) / 1e6;
}
