import { TokenizerError } from '../../errors.ts';
import { Tokenizer } from '@huggingface/tokenizers';
import { MAX_TEXT_TOKENS } from '../../bundle/umt5-names.ts';
import { cleanPrompt } from './prompt-clean.ts';
import { describeJson, isJsonObject } from '../../json-value.ts';

/** The part of a `@huggingface/tokenizers` Tokenizer that {@link tokenize} uses. */
export interface TextTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): { ids: number[] };
  token_to_id(token: string): number | undefined;
}

/** The T5 end-of-sequence token; its id is 1 in google/umt5-xxl. */
export const EOS_TOKEN = '</s>';

const REINSTALL = 'Reinstall the model (or rebuild the bundle with wan-web convert).';

/**
 * Loads a tokenizer.json (parsed JSON) such as google/umt5-xxl's. The bundle carries no
 * tokenizer_config.json; the T5 special tokens are what it would say.
 */
export function loadTokenizer(json: unknown): Tokenizer {
  if (!isJsonObject(json) || !isJsonObject(json.model)) {
    throw new TokenizerError(`tokenizer.json is not a tokenizer definition (no "model" object). ${REINSTALL}`);
  }
  let tokenizer: Tokenizer;
  let eos: number | undefined;
  try {
    tokenizer = new Tokenizer(json, { eos_token: EOS_TOKEN, unk_token: '<unk>', pad_token: '<pad>' });
    // A definition the library takes but cannot run fails here, not on the user's first prompt.
    tokenizer.encode('A fox, 雪.', { add_special_tokens: false });
    eos = tokenizer.token_to_id(EOS_TOKEN);
  } catch (error) {
    throw new TokenizerError(`tokenizer.json is damaged: ${describeError(error)}. ${REINSTALL}`);
  }
  if (eos === undefined) {
    throw new TokenizerError(`tokenizer.json has no "${EOS_TOKEN}" token, so it is not a T5 tokenizer. ${REINSTALL}`);
  }
  return tokenizer;
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : describeJson(error);
  return message.length > 160 ? `${message.slice(0, 160)}…` : message;
}

/**
 * Token ids of `text` as Wan's T5 tokenizer call makes them (`add_special_tokens=True,
 * truncation=True, max_length=512`): the text's ids, cut to maxTokens − 1, then EOS.
 * The text is taken as is; see {@link tokenizePrompt} for the cleaning Wan applies first.
 */
export function tokenize(tokenizer: TextTokenizer, text: string, maxTokens = MAX_TEXT_TOKENS): number[] {
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new RangeError(`maxTokens must be a positive integer, got ${maxTokens}.`);
  const eos = tokenizer.token_to_id(EOS_TOKEN);
  if (eos === undefined) throw new TokenizerError(`The tokenizer has no "${EOS_TOKEN}" token, so it is not a T5 tokenizer.`);
  const ids = tokenizer.encode(text, { add_special_tokens: false }).ids;
  return [...ids.slice(0, maxTokens - 1), eos];
}

/** A prompt as Wan encodes it: {@link cleanPrompt}, then {@link tokenize}. */
export function tokenizePrompt(tokenizer: TextTokenizer, prompt: string, maxTokens = MAX_TEXT_TOKENS): number[] {
  return tokenize(tokenizer, cleanPrompt(prompt), maxTokens);
}

/** How many tokens the prompt takes after Wan's cleaning, EOS included, before the cut to 512. */
export function countPromptTokens(tokenizer: TextTokenizer, prompt: string): number {
  return tokenizer.encode(cleanPrompt(prompt), { add_special_tokens: false }).ids.length + 1;
}
