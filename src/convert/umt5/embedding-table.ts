import type { AbortSignalLike, Checkpoint } from '../../safetensors/index.ts';
import type { BundleSink } from '../../bundle/bundle-sink.ts';
import type { EmbeddingTableEntry } from '../../bundle/manifest.ts';
import { HashingWriter } from '../../bundle/hashing-writer.ts';
import type { FileRecord } from '../../bundle/hashing-writer.ts';
import { MAX_WEIGHT_FILE_BYTES } from '../bundle/external-weight-store.ts';
import { ConversionJournal } from '../bundle/conversion-journal.ts';
import { ConversionCanceledError, ConvertError } from '../../errors.ts';
import { embeddingRowBytes } from '../../bundle/embedding-row.ts';
import { findEmbeddingRows } from './embedding-rows.ts';

export interface EmbeddingTableOptions {
  /** Largest table file; the table is split there by whole rows. Default 1.9 GB. */
  readonly maxFileBytes?: number;
  /** Bytes read from the source per step (rounded down to whole rows). Default 64 MiB. */
  readonly blockBytes?: number;
  /** File names are `<prefix>-000.bin`, `<prefix>-001.bin`, … Default `text-embedding`. */
  readonly filePrefix?: string;
  /** Called after each block with the number of source bytes it copied. */
  readonly onBytes?: (bytes: number) => void;
  readonly signal?: AbortSignalLike;
  /** Records progress (and takes up an interrupted table) at row-block granularity. */
  readonly journal?: ConversionJournal;
  /** The conversion's source bytes read so far, recorded with the journal's marks. */
  readonly sourceBytesRead?: () => number;
  /** Store int8 rows with a float32 scale each (half of BF16) instead of copying the source rows. */
  readonly int8?: boolean;
}

/** What {@link writeEmbeddingTable} wrote: the manifest entry and the files' records. */
export interface WrittenEmbeddingTable {
  readonly entry: EmbeddingTableEntry;
  readonly files: FileRecord[];
}

const DEFAULT_BLOCK_BYTES = 64 * 1024 * 1024;

/**
 * Copies the text encoder's token embedding table (`shared.weight`, or
 * `encoder.embed_tokens.weight`) out of the checkpoint into raw little-endian row files,
 * bit for bit in its source precision (BF16, F16 or F32; a GGUF's quantized rows as F16). The
 * table (2.1 GB of BF16 for UMT5-XXL) is read and written in row blocks, never whole, and is no
 * graph initializer:
 * the runner gathers the few rows a prompt needs by byte range (`gatherEmbeddings`
 * in src/pipeline/text).
 */
export async function writeEmbeddingTable(
  checkpoint: Checkpoint,
  sink: Pick<BundleSink, 'create' | 'sha256'>,
  options: EmbeddingTableOptions = {},
): Promise<WrittenEmbeddingTable> {
  const table = findEmbeddingRows(checkpoint);
  const int8 = options.int8 === true;
  if (!int8 && table.copiedDtype === undefined) {
    throw new ConvertError(
      `The token embedding table "${table.name}" is ${table.sourceType}; expected BF16, F16 or F32. A float8 table can be stored as int8 rows: convert with --text-embedding int8.`,
      table.file,
      table.name,
    );
  }
  const dtype = int8 ? 'I8' : table.copiedDtype!;
  const { rows, dim } = table;
  const sourceRowBytes = table.rowBytes;
  const rowBytes = embeddingRowBytes(dtype, dim);
  const maxFileBytes = options.maxFileBytes ?? MAX_WEIGHT_FILE_BYTES;
  const rowsPerFile = Math.floor(maxFileBytes / rowBytes);
  if (rowsPerFile < 1) throw new RangeError(`maxFileBytes ${maxFileBytes} is smaller than one embedding row (${rowBytes} bytes).`);
  const rowsPerBlock = Math.max(1, Math.floor((options.blockBytes ?? DEFAULT_BLOCK_BYTES) / sourceRowBytes));
  const prefix = options.filePrefix ?? 'text-embedding';
  const journal = options.journal ?? ConversionJournal.none();

  const entries: { path: string; firstRow: number; rowCount: number }[] = [];
  const records: FileRecord[] = [];
  for (let firstRow = 0; firstRow < rows; firstRow += rowsPerFile) {
    const rowCount = Math.min(rowsPerFile, rows - firstRow);
    const path = `${prefix}-${String(entries.length).padStart(3, '0')}.bin`;
    entries.push({ path, firstRow, rowCount });
    const finished = journal.finishedFile(path);
    if (finished) {
      records.push(finished);
      continue;
    }
    let writer = await journal.continueFile(path);
    if (writer && writer.bytes % rowBytes !== 0) {
      await writer.close();
      writer = null;
    }
    writer ??= HashingWriter.create(path, await sink.create(path), sink.sha256?.());
    try {
      for (let row = firstRow + writer.bytes / rowBytes; row < firstRow + rowCount; row += rowsPerBlock) {
        if (options.signal?.aborted) throw new ConversionCanceledError();
        const count = Math.min(rowsPerBlock, firstRow + rowCount - row);
        const bytes = await table.read(row, count, options.signal);
        await writer.write(int8 ? int8Rows(table.values(bytes), dim) : table.copied(bytes));
        options.onBytes?.(bytes.byteLength);
        await journal.mark(writer, options.sourceBytesRead?.() ?? 0);
      }
    } catch (error) {
      await journal.markStopped(writer, options.sourceBytesRead?.() ?? 0);
      await writer.close().catch(() => undefined);
      throw error;
    }
    const record = await writer.close();
    records.push(record);
    await journal.finishFile(record);
  }
  return { entry: { dtype, rows, dim, files: entries }, files: records };
}

/** Rows as int8 with a float32 scale each (symmetric: scale = max |x| / 127, round to nearest). */
export function int8Rows(values: Float32Array, dim: number): Uint8Array {
  const rows = values.length / dim;
  const out = new Uint8Array(rows * (dim + 4));
  const view = new DataView(out.buffer);
  for (let r = 0; r < rows; r++) {
    const at = r * (dim + 4);
    let max = 0;
    for (let i = 0; i < dim; i++) max = Math.max(max, Math.abs(values[r * dim + i] as number));
    const scale = max / 127;
    for (let i = 0; i < dim; i++) view.setInt8(at + i, scale === 0 ? 0 : Math.round((values[r * dim + i] as number) / scale));
    view.setFloat32(at + dim, scale, true);
  }
  return out;
}
