import type { OrtModule, OrtSession } from '../ort-types.ts';
import type { EmbeddingTableEntry } from '../../bundle/manifest.ts';
import { MAX_TEXT_TOKENS, UMT5_IO } from '../../bundle/umt5-names.ts';
import { gatherEmbeddings } from './embedding-gather.ts';
import type { ReadRange } from './embedding-gather.ts';
import { relativeBucketTable } from './relative-buckets.ts';
import type { RelativeBucketShape } from './relative-buckets.ts';

/** The text encoder hyper-parameters the runner needs (a subset of the parsed UMT5 config). */
export interface TextEncoderShape extends RelativeBucketShape {
  readonly dModel: number;
}

/** Where the token embedding rows come from: the bundle's table entry and a byte-range reader of its files. */
export interface TextEmbeddings {
  readonly table: EmbeddingTableEntry;
  readonly readRange: ReadRange;
}

/**
 * Encodes one prompt's token ids (EOS included, at most 512) → last hidden state
 * [n, d_model] float32, n = ids.length. The encoder sees only the real tokens, which
 * gives the same rows as Wan's run over 512 padded positions with the key mask.
 */
export async function encodeText(
  ort: OrtModule,
  session: OrtSession,
  shape: TextEncoderShape,
  embeddings: TextEmbeddings,
  ids: ArrayLike<number | bigint>,
): Promise<Float32Array> {
  checkTokenCount(ids.length);
  if (embeddings.table.dim !== shape.dModel) {
    throw new RangeError(`The embedding table has rows of ${embeddings.table.dim} values but the text encoder expects d_model ${shape.dModel}; the bundle is inconsistent.`);
  }
  const inputsEmbeds = await gatherEmbeddings(embeddings.table, embeddings.readRange, ids);
  return encodeEmbeddings(ort, session, shape, inputsEmbeds);
}

/** Runs the encoder graph on already gathered embeddings [n, d_model] → [n, d_model]. */
export async function encodeEmbeddings(ort: OrtModule, session: OrtSession, shape: TextEncoderShape, inputsEmbeds: Float32Array): Promise<Float32Array> {
  const n = inputsEmbeds.length / shape.dModel;
  if (!Number.isInteger(n)) throw new RangeError(`${inputsEmbeds.length} embedding values are not whole rows of d_model ${shape.dModel}.`);
  checkTokenCount(n);
  const feeds = {
    [UMT5_IO.inputsEmbeds]: new ort.Tensor('float32', inputsEmbeds, [1, n, shape.dModel]),
    [UMT5_IO.relativeBuckets]: new ort.Tensor('int64', relativeBucketTable(n, shape), [n, n]),
  };
  const result = await session.run(feeds);
  const hidden = result[UMT5_IO.lastHiddenState];
  if (hidden === undefined) throw new Error(`The text encoder graph has no output "${UMT5_IO.lastHiddenState}"; rebuild the bundle.`);
  return (await hidden.getData()) as Float32Array;
}

/**
 * The DiT's text context [1, textLen, d_model] (flat): the n encoder rows, then zero rows
 * up to textLen. Wan feeds exactly this (trim to n, zero-pad to 512); the raw encoder
 * outputs at padded positions must not be used.
 */
export function padContext(hidden: Float32Array, n: number, textLen = MAX_TEXT_TOKENS): Float32Array {
  if (!Number.isInteger(n) || n < 1 || n > textLen) throw new RangeError(`padContext: n must be 1…${textLen}, got ${n}.`);
  const dim = hidden.length / n;
  if (!Number.isInteger(dim)) throw new RangeError(`padContext: ${hidden.length} values are not ${n} whole rows.`);
  const context = new Float32Array(textLen * dim);
  context.set(hidden);
  return context;
}

function checkTokenCount(n: number): void {
  if (n < 1 || n > MAX_TEXT_TOKENS) {
    throw new RangeError(`A prompt must have 1…${MAX_TEXT_TOKENS} tokens (EOS included), got ${n}; tokenize() truncates to ${MAX_TEXT_TOKENS}.`);
  }
}
