import type { Tokenizer } from '@huggingface/tokenizers';
import { TokenizerError } from '../../errors.ts';
import { loadTokenizer } from './tokenizer.ts';

/** The tokenizer of a bundle from its tokenizer.json text; text that is not JSON is named, not thrown as a SyntaxError. */
export function tokenizerFromText(text: string, file: string): Tokenizer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TokenizerError(`${file} is not JSON, so the model's tokenizer is damaged. Reinstall the model (or rebuild the bundle with wan-web convert).`);
  }
  return loadTokenizer(json);
}
