import type { AbortSignalLike, Checkpoint, TensorInfo } from '../../safetensors/index.ts';
import { float32ToFloat16Bits, toFloat32 } from '../../safetensors/index.ts';
import type { GgufCheckpoint, GgufTensorInfo } from '../../gguf/index.ts';
import { GGML_TYPES, dequantizeGgml, ggmlByteLength } from '../../gguf/index.ts';
import { ConvertError } from '../../errors.ts';
import { EMBEDDING_TENSOR_NAMES } from '../../bundle/umt5-names.ts';

/** The float dtypes a table is copied in (the bundle's `textEmbedding.dtype` other than I8). */
export type CopiedEmbeddingDtype = 'BF16' | 'F16' | 'F32';

/** The text encoder's token embedding table in its source file, read by whole rows. */
export interface EmbeddingRows {
  readonly name: string;
  readonly file: string;
  readonly rows: number;
  readonly dim: number;
  /** Source bytes per row. */
  readonly rowBytes: number;
  /**
   * The dtype rows are written in when the table is copied: the source's own float dtype, or F16
   * for ggml's quantized blocks; undefined when it can only be stored as int8 rows (float8).
   */
  readonly copiedDtype: CopiedEmbeddingDtype | undefined;
  /** What the source stores it as, for messages (a safetensors dtype or a ggml type). */
  readonly sourceType: string;
  read(firstRow: number, count: number, signal?: AbortSignalLike): Promise<Uint8Array>;
  /** Whole rows of source bytes as values. */
  values(bytes: Uint8Array): Float32Array;
  /** Whole rows of source bytes in `copiedDtype`. */
  copied(bytes: Uint8Array): Uint8Array;
}

/**
 * The token embedding table (`shared.weight`, or `encoder.embed_tokens.weight`) of a text encoder
 * read from safetensors shards (rows as stored) or from a GGUF file (rows of ggml blocks: a row of
 * UMT5-XXL is 4096 values, a whole number of blocks of every type).
 */
export function findEmbeddingRows(checkpoint: Checkpoint): EmbeddingRows {
  const name = EMBEDDING_TENSOR_NAMES.find((candidate) => checkpoint.tensors.has(candidate));
  if (name === undefined) {
    throw new ConvertError(
      `The ${checkpoint.component} weights have no token embedding table (${EMBEDDING_TENSOR_NAMES.join(' or ')}). Is this the UMT5 text_encoder folder, and is it complete?`,
      checkpoint.component,
    );
  }
  const info = checkpoint.tensors.get(name)!;
  if (info.shape.length !== 2) {
    throw new ConvertError(`The token embedding table "${info.name}" has shape [${info.shape.join(', ')}]; expected [vocab, d_model].`, info.file, info.name);
  }
  const stored = (checkpoint as Partial<GgufCheckpoint>).ggml?.get(name);
  return stored ? ggufRows(checkpoint as GgufCheckpoint, info, stored) : safetensorsRows(checkpoint, info);
}

/** Bytes of the table as copied into the bundle (`--text-embedding source`). */
export function copiedEmbeddingBytes(table: Pick<EmbeddingRows, 'rows' | 'dim' | 'copiedDtype'>): number {
  return table.rows * table.dim * (table.copiedDtype === 'F32' ? 4 : 2);
}

function safetensorsRows(checkpoint: Checkpoint, info: TensorInfo): EmbeddingRows {
  const shard = checkpoint.shards.find((file) => file.source.name === info.file && file.tensors.has(info.name));
  if (shard === undefined) throw new ConvertError(`No shard of ${checkpoint.component} holds "${info.name}" although its header lists it.`, info.file, info.name);
  const dtype = info.dtype;
  const float8 = dtype === 'F8_E4M3' || dtype === 'F8_E5M2';
  if (dtype !== 'BF16' && dtype !== 'F16' && dtype !== 'F32' && !float8) {
    throw new ConvertError(`The token embedding table "${info.name}" is ${dtype}; expected BF16, F16 or F32.`, info.file, info.name);
  }
  const [rows, dim] = info.shape as [number, number];
  const rowBytes = info.byteLength / rows;
  return {
    name: info.name,
    file: info.file,
    rows,
    dim,
    rowBytes,
    copiedDtype: float8 ? undefined : dtype,
    sourceType: dtype,
    read: (firstRow, count, signal) => shard.source.read(info.byteOffset + firstRow * rowBytes, count * rowBytes, signal),
    values: (bytes) => toFloat32(info, bytes),
    copied: (bytes) => bytes,
  };
}

function ggufRows(checkpoint: GgufCheckpoint, info: TensorInfo, stored: GgufTensorInfo): EmbeddingRows {
  const [rows, dim] = info.shape as [number, number];
  const { type } = stored;
  if (dim % GGML_TYPES[type].blockValues !== 0 || stored.elements !== rows * dim) {
    throw new ConvertError(`The token embedding table "${stored.name}" (${type}, [${info.shape.join(', ')}]) does not hold whole rows of blocks. The file is corrupted; re-download it.`, stored.file, stored.name);
  }
  const rowBytes = ggmlByteLength(type, dim);
  const plain = type === 'F32' || type === 'F16' || type === 'BF16';
  const values = (bytes: Uint8Array) => dequantizeGgml(type, bytes, (bytes.byteLength / rowBytes) * dim, stored.name);
  return {
    name: info.name,
    file: stored.file,
    rows,
    dim,
    rowBytes,
    copiedDtype: plain ? type : 'F16',
    sourceType: type,
    read: (firstRow, count, signal) => checkpoint.file.source.read(stored.byteOffset + firstRow * rowBytes, count * rowBytes, signal),
    values,
    // Quantized rows are stored as float16, as ComfyUI-GGUF itself dequantizes this table.
    copied: (bytes) => (plain ? bytes : float16Bytes(values(bytes), stored)),
  };
}

function float16Bytes(values: Float32Array, stored: GgufTensorInfo): Uint8Array {
  const bits = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (Math.abs(value) > 65504) {
      throw new ConvertError(
        `The token embedding table "${stored.name}" (${stored.type}) holds ${value}, beyond float16's range. Convert with --text-embedding int8.`,
        stored.file,
        stored.name,
      );
    }
    bits[i] = float32ToFloat16Bits(value);
  }
  return new Uint8Array(bits.buffer);
}
