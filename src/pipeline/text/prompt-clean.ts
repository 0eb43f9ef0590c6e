import { htmlUnescape } from './html-unescape.ts';

/**
 * Python's whitespace (`str.isspace`, which `re`'s `\s` and `str.strip()` use on str):
 * differs from JavaScript's `\s`, which lacks U+001C–U+001F and U+0085 and adds U+FEFF.
 */
const PY_SPACE = '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SPACE_RUNS = new RegExp(`[${PY_SPACE}]+`, 'g');
const EDGE_SPACE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

/** Python's `str.strip()` with no arguments. */
function pyStrip(text: string): string {
  return text.replace(EDGE_SPACE, '');
}

/**
 * Wan's prompt cleaning (`clean='whitespace'`; diffusers' `prompt_clean`), applied before
 * tokenizing: HTML-unescape twice, strip, collapse whitespace runs to one space, strip.
 *
 * Wan first runs `ftfy.fix_text`, which is not reproduced here. For ordinary prompts it
 * changes nothing; where it would, the tokenizer's own NFKC normalization covers most of
 * it (full-width forms, ligatures, compatibility characters). What remains different is
 * mojibake repair (e.g. "cafÃ©" → "café") and ftfy's quote uncurling (“ ” ‘ ’ → " '):
 * prompts containing those may tokenize differently from the official pipeline.
 */
export function cleanPrompt(text: string): string {
  const basic = pyStrip(htmlUnescape(htmlUnescape(text)));
  return pyStrip(basic.replace(SPACE_RUNS, ' '));
}
