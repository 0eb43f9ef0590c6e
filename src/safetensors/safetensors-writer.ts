import { DTYPE_BYTES, isSafetensorsDtype, shapeElementCount } from './dtype.ts';
import type { SafetensorsDtype } from './dtype.ts';
import { encodeUtf8 } from './utf8.ts';

/** A tensor to be written: its name, dtype and shape. */
export interface TensorSpec {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
}

/**
 * The layout of a safetensors file: write `header`, then each tensor's bytes in the order the
 * specs were given; tensor `name` occupies bytes `[start, end)` of the file.
 */
export interface SafetensorsLayout {
  /** Length prefix and JSON header, padded with spaces to a multiple of 8 bytes. */
  readonly header: Uint8Array<ArrayBuffer>;
  /** Absolute `[start, end)` file offsets of each tensor's data. */
  readonly offsets: ReadonlyMap<string, readonly [number, number]>;
  /** Size of the whole file in bytes. */
  readonly totalSize: number;
}

/**
 * Plans a safetensors file so that tensor data can be streamed to any sink (file, OPFS, network)
 * one tensor at a time. Tensors keep the given order.
 */
export function createSafetensorsWriter(
  specs: readonly TensorSpec[],
  metadata?: Readonly<Record<string, string>>,
): SafetensorsLayout {
  // No prototype, so that a tensor named "__proto__" is an ordinary key.
  const entries = Object.create(null) as Record<string, unknown>;
  if (metadata !== undefined) entries['__metadata__'] = checkMetadata(metadata);
  const relative: [string, number, number][] = [];
  let cursor = 0;
  for (const spec of specs) {
    checkSpec(spec, entries);
    const end = cursor + shapeElementCount(spec.shape) * DTYPE_BYTES[spec.dtype];
    entries[spec.name] = { dtype: spec.dtype, shape: [...spec.shape], data_offsets: [cursor, end] };
    relative.push([spec.name, cursor, end]);
    cursor = end;
  }
  const header = encodeHeader(entries);
  const offsets = new Map<string, readonly [number, number]>(
    relative.map(([name, start, end]) => [name, [header.byteLength + start, header.byteLength + end]]),
  );
  return { header, offsets, totalSize: header.byteLength + cursor };
}

/** Tensor data for {@link encodeSafetensors}: raw bytes, or a typed array of the dtype's width. */
export type TensorBytesLike = Uint8Array | Uint16Array | Int32Array | Float32Array | Float64Array | BigInt64Array;

/** A tensor with its data, for {@link encodeSafetensors}. */
export interface TensorWithData extends TensorSpec {
  /** Little-endian element data (typed arrays are taken as they lie in memory). */
  readonly data: TensorBytesLike;
}

/** Encodes a whole safetensors file in memory; meant for small files (tests, configs, LoRAs). */
export function encodeSafetensors(
  tensors: readonly TensorWithData[],
  metadata?: Readonly<Record<string, string>>,
): Uint8Array<ArrayBuffer> {
  const layout = createSafetensorsWriter(tensors, metadata);
  const out = new Uint8Array(layout.totalSize);
  out.set(layout.header, 0);
  for (const tensor of tensors) {
    const [start, end] = layout.offsets.get(tensor.name) as readonly [number, number];
    out.set(tensorBytes(tensor, end - start), start);
  }
  return out;
}

function tensorBytes(tensor: TensorWithData, expectedLength: number): Uint8Array {
  const { data, dtype, name } = tensor;
  if (data.BYTES_PER_ELEMENT !== 1 && data.BYTES_PER_ELEMENT !== DTYPE_BYTES[dtype]) {
    throw new TypeError(`Tensor "${name}": ${data.constructor.name} data cannot hold ${dtype} values.`);
  }
  if (data.byteLength !== expectedLength) {
    throw new RangeError(
      `Tensor "${name}": ${dtype} ${JSON.stringify(tensor.shape)} needs ${expectedLength} bytes, got ${data.byteLength}.`,
    );
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function checkSpec(spec: TensorSpec, entries: Record<string, unknown>): void {
  if (spec.name === '' || spec.name === '__metadata__' || Object.hasOwn(entries, spec.name)) {
    throw new RangeError(`Invalid or duplicate tensor name "${spec.name}".`);
  }
  if (!isSafetensorsDtype(spec.dtype)) throw new RangeError(`Tensor "${spec.name}": unknown dtype ${String(spec.dtype)}.`);
  if (!spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new RangeError(`Tensor "${spec.name}": invalid shape ${JSON.stringify(spec.shape)}.`);
  }
}

function checkMetadata(metadata: Readonly<Record<string, string>>): Record<string, string> {
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new TypeError(`Metadata "${key}" must be a string, got ${typeof value}.`);
  }
  return { ...metadata };
}

// As the reference implementation does, the JSON is padded with spaces so that tensor data
// starts at a multiple of 8 bytes.
function encodeHeader(entries: Record<string, unknown>): Uint8Array<ArrayBuffer> {
  const json = encodeUtf8(JSON.stringify(entries));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const header = new Uint8Array(8 + padded).fill(0x20, 8 + json.byteLength);
  new DataView(header.buffer).setBigUint64(0, BigInt(padded), true);
  header.set(json, 8);
  return header;
}
