import type { DataType, ExternalData } from '../onnx/index.ts';
import type { WeightStore } from '../weights/weight-store.ts';
import { ConvertError } from '../convert-error.ts';
import type { BundleSink } from './bundle-sink.ts';
import { HashingWriter } from './hashing-writer.ts';
import type { FileRecord } from './hashing-writer.ts';

/** External data files stay under this size (browsers handle < 2 GB ArrayBuffers and Blobs well). */
export const MAX_WEIGHT_FILE_BYTES = 1.9e9;
/** No single tensor may exceed a GPU buffer of 1 GiB (the common WebGPU maxBufferSize floor). */
export const MAX_TENSOR_BYTES = 1024 ** 3;
/** Tensor offsets are aligned so that typed-array views and mmap work. */
const ALIGNMENT = 64;

/**
 * Appends weights to `weights-000.bin`, `weights-001.bin`, … as graphs are built, rolling
 * over before a file would exceed its size cap. A weight added twice under the same name
 * (shared by graph variants) is stored once.
 */
export class ExternalWeightStore implements WeightStore {
  private current: HashingWriter | null = null;
  private readonly stored = new Map<string, ExternalData>();
  private readonly finished: FileRecord[] = [];

  constructor(
    private readonly sink: BundleSink,
    private readonly maxFileBytes = MAX_WEIGHT_FILE_BYTES,
  ) {}

  async add(name: string, _dtype: DataType, dims: readonly number[], bytes: Uint8Array): Promise<ExternalData> {
    const existing = this.stored.get(name);
    if (existing) return existing;
    if (bytes.byteLength > MAX_TENSOR_BYTES) {
      throw new ConvertError(
        `Weight "${name}" [${dims.join(', ')}] would take ${bytes.byteLength} bytes, over the 1 GiB GPU buffer limit; choose a smaller weight format.`,
        undefined,
        name,
      );
    }
    let file = this.current;
    if (file && file.bytes > 0 && alignUp(file.bytes) + bytes.byteLength > this.maxFileBytes) {
      this.finished.push(await file.close());
      file = null;
    }
    if (!file) {
      const path = `weights-${String(this.finished.length).padStart(3, '0')}.bin`;
      file = new HashingWriter(path, await this.sink.create(path));
      this.current = file;
    }
    const padding = alignUp(file.bytes) - file.bytes;
    if (padding > 0) await file.write(new Uint8Array(padding));
    const ref: ExternalData = { location: file.path, offset: file.bytes, length: bytes.byteLength };
    await file.write(bytes);
    this.stored.set(name, ref);
    return ref;
  }

  /** Closes the last file and returns every weight file's record. */
  async finish(): Promise<FileRecord[]> {
    if (this.current) this.finished.push(await this.current.close());
    this.current = null;
    return [...this.finished];
  }
}

const alignUp = (n: number) => Math.ceil(n / ALIGNMENT) * ALIGNMENT;
