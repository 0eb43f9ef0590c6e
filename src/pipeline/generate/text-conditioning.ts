import { parseUmt5Config } from '../../bundle/umt5-config.ts';
import type { Umt5Config } from '../../bundle/umt5-config.ts';
import type { OrtModule } from '../ort-types.ts';
import { encodeText, padContext } from '../text/text-encoder-runner.ts';
import { tokenizePrompt } from '../text/tokenizer.ts';
import { tokenizerFromText } from '../text/tokenizer-file.ts';
import type { TextTokenizer } from '../text/tokenizer.ts';
import { cleanPrompt } from '../text/prompt-clean.ts';
import { ModelNotInstalledError } from '../../errors.ts';
import { CachedPromise } from '../../promise-cache.ts';
import type { ModelSessions } from './model-sessions.ts';

export const TEXT_ENCODER_GRAPH = 'text-encoder';

/**
 * Prompt → the DiT's text context [1, 512, d_model]: Wan's cleaning, the UMT5 tokenizer
 * (EOS appended, truncated to 512), the encoder on the real tokens, zero rows after them.
 * Results are cached per cleaned prompt, so re-running a prompt does not re-encode it.
 */
export class TextConditioning {
  private readonly cache = new Map<string, Float32Array>();
  private readonly tokenizer = new CachedPromise<TextTokenizer>();
  private readonly config: Umt5Config;

  constructor(
    private readonly ort: OrtModule,
    private readonly sessions: ModelSessions,
    private readonly maxCached = 16,
  ) {
    this.config = parseUmt5Config(sessions.bundle.manifest.configs.text_encoder);
  }

  /** Token ids of a prompt (EOS included), e.g. to show how many of the 512 it uses. */
  async tokenize(prompt: string): Promise<number[]> {
    return tokenizePrompt(await this.loadTokenizer(), prompt);
  }

  /** Whether a prompt's context is cached (no text encoder run needed). */
  has(prompt: string): boolean {
    return this.cache.has(cleanPrompt(prompt));
  }

  async encode(prompt: string): Promise<Float32Array> {
    const key = cleanPrompt(prompt);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const ids = await this.tokenize(prompt);
    const { bundle } = this.sessions;
    const session = await this.sessions.get(TEXT_ENCODER_GRAPH);
    const hidden = await encodeText(this.ort, session, this.config, { table: bundle.manifest.textEmbedding, readRange: bundle.readRange }, ids);
    const context = padContext(hidden, ids.length);
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, context);
    return context;
  }

  private loadTokenizer(): Promise<TextTokenizer> {
    return this.tokenizer.get(async () => {
      const file = this.sessions.bundle.manifest.tokenizer;
      if (!file) throw new ModelNotInstalledError('This bundle has no tokenizer.json, so it cannot encode prompts. Rebuild it from a checkpoint with tokenizer/.');
      return tokenizerFromText(await this.sessions.bundle.readText(file), file);
    });
  }
}
