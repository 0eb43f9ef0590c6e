import type { AbortSignalLike, ByteSource } from './byte-source.ts';
import { DTYPE_BYTES, isSafetensorsDtype, shapeElementCount } from './dtype.ts';
import type { SafetensorsDtype } from './dtype.ts';
import { SafetensorsError } from '../errors.ts';
import type { SafetensorsReason } from '../errors.ts';
import { decodeUtf8 } from './utf8.ts';
import { describeJson, jsonText } from '../json-value.ts';

/** Where one tensor lies in a safetensors file. */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Absolute offset of the first byte in the file. */
  readonly byteOffset: number;
  readonly byteLength: number;
  /** Name of the file (its {@link ByteSource} name). */
  readonly file: string;
}

/** A tensor's description and raw little-endian bytes. */
export interface TensorData {
  readonly info: TensorInfo;
  readonly bytes: Uint8Array;
}

/** An opened safetensors file: its header, and tensor reads on demand. */
export interface SafetensorsFile {
  readonly source: ByteSource;
  /** Tensors in header order. */
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  /** The `__metadata__` map (empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Reads one tensor's bytes, and nothing else, from the source. */
  readTensor(name: string, signal?: AbortSignalLike): Promise<TensorData>;
}

/** Headers larger than this are taken as corruption rather than read into memory. */
export const MAX_HEADER_BYTES = 100_000_000;

const PREFIX_BYTES = 8;

/**
 * Reads and validates the header of a safetensors file (two small reads). Tensor data is only
 * read by `readTensor`, so memory stays bounded by the largest tensor read.
 */
export async function openSafetensors(source: ByteSource, signal?: AbortSignalLike): Promise<SafetensorsFile> {
  const file = source.name;
  const size = await source.size();
  if (!Number.isSafeInteger(size) || size < 0) {
    throw fail(file, `reports a size of ${size} bytes, which no file has. Check the file or the server that serves it.`, 'io');
  }
  if (size < PREFIX_BYTES) {
    throw fail(file, `is truncated: expected at least ${PREFIX_BYTES} bytes, found ${size}. Re-download the file.`, 'truncated');
  }
  const headerLength = readHeaderLength(file, await source.read(0, PREFIX_BYTES, signal), size);
  const header = parseHeader(file, await source.read(PREFIX_BYTES, headerLength, signal));
  const dataStart = PREFIX_BYTES + headerLength;
  const tensors = parseTensors(file, header, dataStart, size);
  const metadata = parseMetadata(file, header['__metadata__']);

  return {
    source,
    tensors,
    metadata,
    async readTensor(name, readSignal) {
      const info = tensors.get(name);
      if (info === undefined) {
        throw new SafetensorsError(`${file} has no tensor "${name}".`, file, name, { reason: 'not-found' });
      }
      return { info, bytes: await source.read(info.byteOffset, info.byteLength, readSignal) };
    },
  };
}

function readHeaderLength(file: string, prefix: Uint8Array, size: number): number {
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) {
    throw fail(file, `is not a safetensors file: its header length field says ${length} bytes. The file is corrupted or of another format.`, 'malformed');
  }
  const headerLength = Number(length);
  if (PREFIX_BYTES + headerLength > size) {
    throw fail(
      file,
      `is truncated: its header alone needs ${PREFIX_BYTES + headerLength} bytes, found ${size}. ` +
        'Re-download the file (or check that it is a safetensors file).',
      'truncated',
    );
  }
  return headerLength;
}

function parseHeader(file: string, bytes: Uint8Array): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(decodeUtf8(bytes));
  } catch (error) {
    throw fail(file, `has a header that is not valid JSON (${String(error)}). The file is corrupted; re-download it.`, 'malformed', error);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw fail(file, 'has a header that is not a JSON object. The file is corrupted; re-download it.', 'malformed');
  }
  return header as Record<string, unknown>;
}

function parseTensors(
  file: string,
  header: Record<string, unknown>,
  dataStart: number,
  size: number,
): Map<string, TensorInfo> {
  const tensors = new Map<string, TensorInfo>();
  let furthest: TensorInfo | undefined;
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const info = parseTensorEntry(file, name, entry, dataStart);
    tensors.set(name, info);
    if (furthest === undefined || info.byteOffset + info.byteLength > furthest.byteOffset + furthest.byteLength) {
      furthest = info;
    }
  }
  const needed = furthest ? furthest.byteOffset + furthest.byteLength : 0;
  if (needed > size) {
    throw new SafetensorsError(
      `${file} is truncated: expected ${needed} bytes, found ${size}. Re-download the file.`,
      file,
      furthest?.name,
      { reason: 'truncated' },
    );
  }
  checkNoOverlap(file, tensors);
  return tensors;
}

/** Two tensors that share bytes mean a corrupted (or crafted) header: each tensor owns its range. */
function checkNoOverlap(file: string, tensors: ReadonlyMap<string, TensorInfo>): void {
  const ordered = [...tensors.values()].filter((t) => t.byteLength > 0).sort((a, b) => a.byteOffset - b.byteOffset);
  for (let i = 1; i < ordered.length; i++) {
    const [before, info] = [ordered[i - 1]!, ordered[i]!];
    if (info.byteOffset < before.byteOffset + before.byteLength) {
      throw new SafetensorsError(
        `${file}: tensors "${before.name}" and "${info.name}" overlap in the file. The file is corrupted; re-download it.`,
        file,
        info.name,
        { reason: 'malformed' },
      );
    }
  }
}

function parseTensorEntry(file: string, name: string, entry: unknown, dataStart: number): TensorInfo {
  const bad = (what: string) =>
    new SafetensorsError(
      `${file}: tensor "${name}" ${what}. The file is corrupted; re-download it.`,
      file,
      name,
      { reason: 'malformed' },
    );
  if (typeof entry !== 'object' || entry === null) throw bad('has no description');
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== 'string') throw bad('has no dtype');
  if (!isSafetensorsDtype(dtype)) {
    throw new SafetensorsError(
      `${file}: tensor "${name}" has dtype ${dtype.slice(0, 40)}, which this reader does not know.`,
      file,
      name,
      { reason: 'unsupported' },
    );
  }
  if (!isIntegerList(shape)) throw bad('has an invalid shape');
  if (!isIntegerList(offsets) || offsets.length !== 2) throw bad('has invalid data_offsets');
  const [start, end] = offsets as [number, number];
  if (end < start) throw bad(`has data_offsets [${start}, ${end}] that end before they start`);
  const expected = shapeElementCount(shape) * DTYPE_BYTES[dtype];
  if (end - start !== expected) {
    throw bad(`spans ${end - start} bytes but ${dtype} ${describeJson(shape)} needs ${expected}`);
  }
  return { name, dtype, shape, byteOffset: dataStart + start, byteLength: expected, file };
}

function isIntegerList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v) && (v as number) >= 0);
}

// Other writers put numbers in __metadata__; keep them as their JSON text rather than failing.
function parseMetadata(file: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw fail(file, 'has a __metadata__ entry that is not a JSON object. The file is corrupted; re-download it.', 'malformed');
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => {
      const text = typeof entry === 'string' ? entry : jsonText(entry);
      if (text === undefined) throw fail(file, `has a __metadata__ entry "${key}" nested too deeply to read. The file is corrupted; re-download it.`, 'malformed');
      return [key, text];
    }),
  );
}

function fail(file: string, what: string, code: SafetensorsReason, cause?: unknown): SafetensorsError {
  return new SafetensorsError(`${file} ${what}`, file, undefined, { reason: code, cause });
}
