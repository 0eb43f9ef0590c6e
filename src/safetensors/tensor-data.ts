// Typed views of raw tensor bytes. Tensor data in safetensors is little-endian; a fast path views
// the bytes in place when they are aligned and the host is little-endian (every browser platform),
// otherwise values are copied out through a DataView.
import type { SafetensorsDtype } from './dtype.ts';
import { float16BitsToFloat32Bits } from './float16.ts';
import { decodeFloat8, float8E4m3Table, float8E5m2Table } from './float8.ts';
import { SafetensorsError } from '../errors.ts';

/** The fields of a tensor description that the conversions need. */
export interface TensorLayout {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  /** The file the tensor came from, for error messages. */
  readonly file?: string;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let float16Table: Uint32Array | undefined;

/**
 * Tensor values as float32. F32 bytes that are aligned are viewed, not copied (the result shares
 * memory with `bytes`); F16, BF16 and the float8 formats convert exactly; F64 rounds to nearest float32.
 */
export function toFloat32(info: TensorLayout, bytes: Uint8Array): Float32Array {
  switch (info.dtype) {
    case 'F32':
      return viewOrCopy(bytes, 4, Float32Array, (view, i) => view.getFloat32(i, true));
    case 'F16': {
      const table = (float16Table ??= buildFloat16Table());
      const halves = uint16Values(bytes);
      const out = new Uint32Array(halves.length);
      for (let i = 0; i < halves.length; i++) out[i] = table[halves[i] as number] as number;
      return new Float32Array(out.buffer);
    }
    case 'BF16': {
      const halves = uint16Values(bytes);
      const out = new Uint32Array(halves.length);
      for (let i = 0; i < halves.length; i++) out[i] = (halves[i] as number) << 16;
      return new Float32Array(out.buffer);
    }
    case 'F8_E4M3':
      return decodeFloat8(bytes, float8E4m3Table());
    case 'F8_E5M2':
      return decodeFloat8(bytes, float8E5m2Table());
    case 'F64':
      return Float32Array.from(viewOrCopy(bytes, 8, Float64Array, (view, i) => view.getFloat64(i, true)));
    default:
      throw unsupported(info, 'a floating-point tensor (F32, F16, BF16, F8_E4M3, F8_E5M2 or F64)');
  }
}

/** The raw 16-bit patterns of an F16 or BF16 tensor. */
export function toUint16Bits(info: TensorLayout, bytes: Uint8Array): Uint16Array {
  if (info.dtype !== 'F16' && info.dtype !== 'BF16') throw unsupported(info, 'an F16 or BF16 tensor');
  return uint16Values(bytes);
}

/** Values of an I64 tensor (viewed in place when aligned). */
export function toBigInt64(info: TensorLayout, bytes: Uint8Array): BigInt64Array {
  if (info.dtype !== 'I64') throw unsupported(info, 'an I64 tensor');
  return viewOrCopy(bytes, 8, BigInt64Array, (view, i) => view.getBigInt64(i, true));
}

/** Values of an I32 tensor, or of an I64 tensor whose values all fit in 32 bits. */
export function toInt32(info: TensorLayout, bytes: Uint8Array): Int32Array {
  if (info.dtype === 'I32') return viewOrCopy(bytes, 4, Int32Array, (view, i) => view.getInt32(i, true));
  const wide = toBigInt64(info, bytes);
  const out = new Int32Array(wide.length);
  for (let i = 0; i < wide.length; i++) {
    const value = wide[i] as bigint;
    if (value < -0x80000000n || value > 0x7fffffffn) {
      throw new SafetensorsError(
        `Tensor "${info.name}" holds ${value}, which does not fit in 32 bits.`,
        info.file ?? '',
        info.name,
        { reason: 'unsupported' },
      );
    }
    out[i] = Number(value);
  }
  return out;
}

function uint16Values(bytes: Uint8Array): Uint16Array {
  return viewOrCopy(bytes, 2, Uint16Array, (view, i) => view.getUint16(i, true));
}

function viewOrCopy<A extends ArrayLike<T> & { [i: number]: T }, T>(
  bytes: Uint8Array,
  size: number,
  Type: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): A; new (length: number): A },
  get: (view: DataView, byteIndex: number) => T,
): A {
  if (bytes.byteLength % size !== 0) {
    throw new RangeError(`Tensor data of ${bytes.byteLength} bytes is not a whole number of ${size}-byte values.`);
  }
  const length = bytes.byteLength / size;
  if (HOST_LITTLE_ENDIAN && bytes.byteOffset % size === 0) return new Type(bytes.buffer, bytes.byteOffset, length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Type(length);
  for (let i = 0; i < length; i++) out[i] = get(view, i * size);
  return out;
}

function buildFloat16Table(): Uint32Array {
  const table = new Uint32Array(0x10000);
  for (let bits = 0; bits < 0x10000; bits++) table[bits] = float16BitsToFloat32Bits(bits);
  return table;
}

function unsupported(info: TensorLayout, expected: string): SafetensorsError {
  return new SafetensorsError(
    `Tensor "${info.name}" has dtype ${info.dtype}; expected ${expected}.`,
    info.file ?? '',
    info.name,
    { reason: 'unsupported' },
  );
}
