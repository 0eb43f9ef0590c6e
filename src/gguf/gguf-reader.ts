import type { AbortSignalLike, ByteSource } from '../safetensors/byte-source.ts';
import { GgufError } from '../errors.ts';
import type { SafetensorsReason } from '../errors.ts';
import { GgufHeaderCursor, NeedMoreBytes } from './gguf-header-cursor.ts';
import type { GgufValue } from './gguf-value.ts';
import { GGML_TYPES, ggmlByteLength, ggmlTypeById } from './ggml-types.ts';
import type { GgmlType } from './ggml-types.ts';

/** Where one tensor lies in a GGUF file. */
export interface GgufTensorInfo {
  readonly name: string;
  readonly type: GgmlType;
  /** ggml order: `dims[0]` is the innermost (contiguous) dimension, the reverse of PyTorch's shape. */
  readonly dims: readonly number[];
  readonly elements: number;
  /** Absolute offset of the first byte in the file. */
  readonly byteOffset: number;
  readonly byteLength: number;
  readonly file: string;
}

/** An opened GGUF file: its metadata and tensor infos, and tensor reads on demand. */
export interface GgufFile {
  readonly source: ByteSource;
  readonly version: number;
  readonly metadata: ReadonlyMap<string, GgufValue>;
  /** Tensors in header order. */
  readonly tensors: ReadonlyMap<string, GgufTensorInfo>;
  readonly alignment: number;
  /** Absolute offset of the tensor data section. */
  readonly dataOffset: number;
  /** One tensor's stored bytes (blocks as in the file), and nothing else. */
  readTensor(name: string, signal?: AbortSignalLike): Promise<{ readonly info: GgufTensorInfo; readonly bytes: Uint8Array }>;
}

/** Headers larger than this (metadata included: tokenizer vocabularies are a few MB) are taken as corruption. */
export const MAX_GGUF_HEADER_BYTES = 256 * 1024 * 1024;
const FIRST_READ_BYTES = 1 << 20;
const MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const DEFAULT_ALIGNMENT = 32;
/** ggml reads at most 4 dimensions; ComfyUI-GGUF's 5-D fix writes 5. */
const MAX_DIMS = 8;

interface ParsedHeader {
  readonly version: number;
  readonly metadata: Map<string, GgufValue>;
  readonly infos: { name: string; typeId: number; dims: number[]; offset: number }[];
  readonly end: number;
}

/**
 * Reads and validates the header of a GGUF file (version 2 or 3, little-endian): metadata, tensor
 * infos, alignment and offsets. The header is read in growing chunks until it parses; tensor data
 * is read only by `readTensor`.
 */
export async function openGguf(source: ByteSource, signal?: AbortSignalLike): Promise<GgufFile> {
  const file = source.name;
  const size = await source.size();
  if (!Number.isSafeInteger(size) || size < 0) throw fail(file, `reports a size of ${size} bytes, which no file has`, 'io');
  let header: ParsedHeader | undefined;
  for (let length = Math.min(size, FIRST_READ_BYTES); header === undefined; length = Math.min(size, MAX_GGUF_HEADER_BYTES, length * 4)) {
    try {
      header = parseHeader(new GgufHeaderCursor(await source.read(0, length, signal), file));
    } catch (error) {
      if (!(error instanceof NeedMoreBytes)) throw error;
      if (length === size) throw fail(file, `is truncated: its header runs past the end of the file (${size} bytes). Re-download the file`, 'truncated');
      if (length >= MAX_GGUF_HEADER_BYTES) throw fail(file, `has a header larger than ${MAX_GGUF_HEADER_BYTES} bytes. The file is corrupted or of another format`, 'malformed');
    }
  }
  const alignment = readAlignment(file, header.metadata);
  const dataOffset = Math.ceil(header.end / alignment) * alignment;
  const tensors = new Map<string, GgufTensorInfo>();
  for (const raw of header.infos) {
    if (tensors.has(raw.name)) throw fail(file, `names tensor "${raw.name}" twice. The file is corrupted; re-download it`, 'malformed');
    tensors.set(raw.name, tensorInfo(file, raw, dataOffset, alignment, size));
  }
  checkNoOverlap(file, tensors);
  return {
    source,
    version: header.version,
    metadata: header.metadata,
    tensors,
    alignment,
    dataOffset,
    async readTensor(name, readSignal) {
      const info = tensors.get(name);
      if (info === undefined) throw new GgufError(`${file} has no tensor "${name}".`, file, name, { reason: 'not-found' });
      return { info, bytes: await source.read(info.byteOffset, info.byteLength, readSignal) };
    },
  };
}

function parseHeader(c: GgufHeaderCursor): ParsedHeader {
  const magic = c.u32();
  if (magic !== MAGIC) throw fail(c.file, 'is not a GGUF file (it does not start with "GGUF")', 'malformed');
  const version = c.u32();
  if (version !== 2 && version !== 3) {
    const hint = (version & 0xffff) === 0 ? 'big-endian GGUF files are not supported' : `only versions 2 and 3 are`;
    throw fail(c.file, `is GGUF version ${version >>> 0}; ${hint}. Use a little-endian GGUF v3 file`, 'unsupported');
  }
  const tensorCount = c.size('the tensor count');
  const kvCount = c.size('the metadata count');
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < kvCount; i++) {
    const key = c.string('a metadata key');
    if (metadata.has(key)) throw c.malformed(`metadata key "${key.slice(0, 80)}" appears twice`);
    metadata.set(key, c.value(c.u32(), `metadata "${key.slice(0, 80)}"`));
  }
  const infos: ParsedHeader['infos'] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = c.string('a tensor name');
    const nDims = c.u32();
    if (nDims > MAX_DIMS) throw c.malformed(`tensor "${name.slice(0, 80)}" has ${nDims} dimensions`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(c.size(`a dimension of tensor "${name.slice(0, 80)}"`));
    infos.push({ name, dims, typeId: c.u32(), offset: c.size(`the offset of tensor "${name.slice(0, 80)}"`) });
  }
  return { version, metadata, infos, end: c.offset };
}

function readAlignment(file: string, metadata: ReadonlyMap<string, GgufValue>): number {
  const value = metadata.get('general.alignment');
  if (value === undefined) return DEFAULT_ALIGNMENT;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || (value & (value - 1)) !== 0) {
    throw fail(file, `has general.alignment ${String(value)}, which is not a power of two. The file is corrupted; re-download it`, 'malformed');
  }
  return value;
}

function tensorInfo(
  file: string,
  raw: ParsedHeader['infos'][number],
  dataOffset: number,
  alignment: number,
  size: number,
): GgufTensorInfo {
  const { name, dims, typeId, offset } = raw;
  const bad = (what: string, reason: SafetensorsReason = 'malformed') =>
    new GgufError(`${file}: tensor "${name}" ${what}.`, file, name, { reason });
  const type = ggmlTypeById(typeId);
  if (type === undefined) {
    throw bad(`has ggml type ${typeId}, which this reader cannot read (it reads ${Object.keys(GGML_TYPES).join(', ')}). Use a GGUF file quantised to one of those`, 'unsupported');
  }
  let elements = 1;
  for (const d of dims) {
    elements *= d;
    if (!Number.isSafeInteger(elements)) throw bad('has more elements than any file holds. The file is corrupted; re-download it');
  }
  const rowValues = dims[0] ?? 1;
  if (rowValues % GGML_TYPES[type].blockValues !== 0) {
    throw bad(`has rows of ${rowValues} values, not a whole number of ${type} blocks (${GGML_TYPES[type].blockValues}). The file is corrupted; re-download it`);
  }
  if (offset % alignment !== 0) throw bad(`starts at offset ${offset}, not a multiple of the alignment ${alignment}. The file is corrupted; re-download it`);
  const byteLength = ggmlByteLength(type, elements);
  const byteOffset = dataOffset + offset;
  if (byteOffset + byteLength > size) {
    throw bad(`ends at byte ${byteOffset + byteLength}, past the end of the file (${size} bytes). Re-download the file`, 'truncated');
  }
  return { name, type, dims, elements, byteOffset, byteLength, file };
}

function checkNoOverlap(file: string, tensors: ReadonlyMap<string, GgufTensorInfo>): void {
  const ordered = [...tensors.values()].filter((t) => t.byteLength > 0).sort((a, b) => a.byteOffset - b.byteOffset);
  for (let i = 1; i < ordered.length; i++) {
    const [before, info] = [ordered[i - 1]!, ordered[i]!];
    if (info.byteOffset < before.byteOffset + before.byteLength) {
      throw new GgufError(`${file}: tensors "${before.name}" and "${info.name}" overlap in the file. The file is corrupted; re-download it.`, file, info.name, { reason: 'malformed' });
    }
  }
}

function fail(file: string, what: string, reason: SafetensorsReason): GgufError {
  return new GgufError(`${file} ${what}.`, file, undefined, { reason });
}
