import type { AbortSignalLike, Checkpoint, SafetensorsFile, TensorInfo } from '../../safetensors/index.ts';
import type { BundleSink } from '../../bundle/bundle-sink.ts';
import type { EmbeddingTableEntry } from '../../bundle/manifest.ts';
import { HashingWriter } from '../../bundle/hashing-writer.ts';
import type { FileRecord } from '../../bundle/hashing-writer.ts';
import { MAX_WEIGHT_FILE_BYTES } from '../bundle/external-weight-store.ts';
import { ConversionJournal } from '../bundle/conversion-journal.ts';
import { ConversionCanceledError, ConvertError } from '../../errors.ts';
import { EMBEDDING_TENSOR_NAMES } from '../../bundle/umt5-names.ts';

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
 * bit for bit in its source precision (BF16, F16 or F32). The table (2.1 GB of BF16 for
 * UMT5-XXL) is read and written in row blocks, never whole, and is no graph initializer:
 * the runner gathers the few rows a prompt needs by byte range (`gatherEmbeddings`
 * in src/pipeline/text).
 */
export async function writeEmbeddingTable(
  checkpoint: Checkpoint,
  sink: Pick<BundleSink, 'create' | 'sha256'>,
  options: EmbeddingTableOptions = {},
): Promise<WrittenEmbeddingTable> {
  const { info, shard } = findEmbeddingTensor(checkpoint);
  const dtype = info.dtype;
  if (dtype !== 'BF16' && dtype !== 'F16' && dtype !== 'F32') {
    throw new ConvertError(`The token embedding table "${info.name}" is ${dtype}; expected BF16, F16 or F32.`, info.file, info.name);
  }
  if (info.shape.length !== 2) {
    throw new ConvertError(`The token embedding table "${info.name}" has shape [${info.shape.join(', ')}]; expected [vocab, d_model].`, info.file, info.name);
  }
  const [rows, dim] = info.shape as [number, number];
  const rowBytes = info.byteLength / rows;
  const maxFileBytes = options.maxFileBytes ?? MAX_WEIGHT_FILE_BYTES;
  const rowsPerFile = Math.floor(maxFileBytes / rowBytes);
  if (rowsPerFile < 1) throw new RangeError(`maxFileBytes ${maxFileBytes} is smaller than one embedding row (${rowBytes} bytes).`);
  const rowsPerBlock = Math.max(1, Math.floor((options.blockBytes ?? DEFAULT_BLOCK_BYTES) / rowBytes));
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
        const bytes = await shard.source.read(info.byteOffset + row * rowBytes, count * rowBytes, options.signal);
        await writer.write(bytes);
        options.onBytes?.(bytes.byteLength);
        await journal.mark(writer, options.sourceBytesRead?.() ?? 0);
      }
    } catch (error) {
      await writer.close().catch(() => undefined);
      throw error;
    }
    const record = await writer.close();
    records.push(record);
    await journal.finishFile(record);
  }
  return { entry: { dtype, rows, dim, files: entries }, files: records };
}

function findEmbeddingTensor(checkpoint: Checkpoint): { info: TensorInfo; shard: SafetensorsFile } {
  const name = EMBEDDING_TENSOR_NAMES.find((candidate) => checkpoint.tensors.has(candidate));
  if (name === undefined) {
    throw new ConvertError(
      `The ${checkpoint.component} weights have no token embedding table (${EMBEDDING_TENSOR_NAMES.join(' or ')}). Is this the UMT5 text_encoder folder, and is it complete?`,
      checkpoint.component,
    );
  }
  const info = checkpoint.tensors.get(name)!;
  const shard = checkpoint.shards.find((file) => file.source.name === info.file && file.tensors.has(name));
  if (shard === undefined) throw new ConvertError(`No shard of ${checkpoint.component} holds "${name}" although its header lists it.`, info.file, name);
  return { info, shard };
}
