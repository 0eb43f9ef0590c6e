import type { DataType, ExternalData } from '../../onnx/index.ts';
import type { WeightStore } from '../weights/weight-store.ts';
import { ConvertError } from '../../errors.ts';
import type { BundleSink } from '../../bundle/bundle-sink.ts';
import { ConversionJournal } from './conversion-journal.ts';
import { HashingWriter } from '../../bundle/hashing-writer.ts';
import type { FileRecord } from '../../bundle/hashing-writer.ts';

/** External data files stay under this size (browsers handle < 2 GB ArrayBuffers and Blobs well). */
export const MAX_WEIGHT_FILE_BYTES = 1.9e9;
/** No single tensor may exceed a GPU buffer of 1 GiB (the common WebGPU maxBufferSize floor). */
export const MAX_TENSOR_BYTES = 1024 ** 3;
/** Tensor offsets are aligned so that typed-array views and mmap work. */
const ALIGNMENT = 64;

/** The name of weight file `index`: `weights-000.bin` (or with another prefix, for files added to a bundle later). */
const weightFileName = (prefix: string, index: number) => `${prefix}weights-${String(index).padStart(3, '0')}.bin`;

/**
 * Appends weights to `weights-000.bin`, `weights-001.bin`, … as graphs are built, rolling
 * over before a file would exceed its size cap. A weight added twice under the same name
 * (shared by graph variants) is stored once. With a journal, every weight is recorded as it
 * is stored, and the weights and files of an interrupted conversion are taken up again.
 */
export class ExternalWeightStore implements WeightStore {
  private current: HashingWriter | null = null;
  private readonly stored = new Map<string, ExternalData>();
  private readonly finished: FileRecord[] = [];

  private constructor(
    private readonly sink: BundleSink,
    private readonly journal: ConversionJournal,
    private readonly sourceBytesRead: () => number,
    private readonly maxFileBytes: number,
    private readonly weightFile: (index: number) => string,
  ) {}

  static async open(
    sink: BundleSink,
    options: { journal?: ConversionJournal; sourceBytesRead?: () => number; maxFileBytes?: number; filePrefix?: string } = {},
  ): Promise<ExternalWeightStore> {
    const journal = options.journal ?? ConversionJournal.none();
    const prefix = options.filePrefix ?? '';
    const weightFile = (index: number) => weightFileName(prefix, index);
    const store = new ExternalWeightStore(sink, journal, options.sourceBytesRead ?? (() => 0), options.maxFileBytes ?? MAX_WEIGHT_FILE_BYTES, weightFile);
    for (let record = journal.finishedFile(weightFile(0)); record; record = journal.finishedFile(weightFile(store.finished.length))) {
      store.finished.push(record);
    }
    store.current = await journal.continueFile(weightFile(store.finished.length));
    return store;
  }

  recall(name: string, dtype: DataType, dims: readonly number[]): ExternalData | undefined {
    return this.stored.get(name) ?? this.journal.weight(name, dtype, dims);
  }

  async add(name: string, dtype: DataType, dims: readonly number[], bytes: Uint8Array): Promise<ExternalData> {
    const existing = this.recall(name, dtype, dims);
    if (existing) {
      this.stored.set(name, existing);
      return existing;
    }
    if (bytes.byteLength > MAX_TENSOR_BYTES) {
      throw new ConvertError(
        `Weight "${name}" [${dims.join(', ')}] would take ${bytes.byteLength} bytes, over the 1 GiB GPU buffer limit; choose a smaller weight format.`,
        undefined,
        name,
      );
    }
    let file = this.current;
    if (file && file.bytes > 0 && alignUp(file.bytes) + bytes.byteLength > this.maxFileBytes) {
      await this.closeCurrent();
      file = null;
    }
    if (!file) {
      const path = this.weightFile(this.finished.length);
      file = HashingWriter.create(path, await this.sink.create(path), this.sink.sha256?.());
      this.current = file;
    }
    const padding = alignUp(file.bytes) - file.bytes;
    if (padding > 0) await file.write(new Uint8Array(padding));
    const ref: ExternalData = { location: file.path, offset: file.bytes, length: bytes.byteLength };
    await file.write(bytes);
    this.stored.set(name, ref);
    this.journal.addWeight(name, { ...ref, dtype, dims: [...dims] });
    await this.journal.mark(file, this.sourceBytesRead());
    return ref;
  }

  /** Makes every weight stored so far durable in the journal. */
  async checkpoint(): Promise<void> {
    if (this.current) await this.journal.mark(this.current, this.sourceBytesRead(), true);
  }

  /** Closes the last file and returns every weight file's record. */
  async finish(): Promise<FileRecord[]> {
    await this.closeCurrent();
    return [...this.finished];
  }

  /** Closes the open file without finishing it (the conversion stopped; the journal keeps every weight stored so far). */
  async abandon(): Promise<void> {
    const file = this.current;
    this.current = null;
    if (!file) return;
    await this.journal.markStopped(file, this.sourceBytesRead());
    await file.close().catch(() => undefined);
  }

  private async closeCurrent(): Promise<void> {
    if (!this.current) return;
    const record = await this.current.close();
    this.current = null;
    this.finished.push(record);
    await this.journal.finishFile(record);
  }
}

const alignUp = (n: number) => Math.ceil(n / ALIGNMENT) * ALIGNMENT;
