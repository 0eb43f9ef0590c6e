import { GgufError } from '../errors.ts';
import type { GgufValue } from './gguf-value.ts';
import { GGUF_VALUE_TYPE } from './gguf-value.ts';

/** Thrown when the header runs past the bytes read so far: read more and parse again. */
export class NeedMoreBytes extends Error {
  override name = 'NeedMoreBytes';
}

/** Longest string (key, tensor name, metadata text) accepted; the spec caps keys at 65535 bytes. */
const MAX_STRING_BYTES = 64 * 1024 * 1024;
/** Arrays nest at most this deep; deeper means a crafted file. */
const MAX_ARRAY_DEPTH = 4;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the little-endian fields of a GGUF header from the bytes read so far. Every length is
 * checked against those bytes before use, so a hostile count or length can only ask for more
 * bytes (NeedMoreBytes), never allocate beyond them.
 */
export class GgufHeaderCursor {
  offset = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private take(length: number): number {
    if (length > this.bytes.byteLength - this.offset) throw new NeedMoreBytes();
    const at = this.offset;
    this.offset += length;
    return at;
  }

  u8(): number {
    return this.view.getUint8(this.take(1));
  }

  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }

  u64(): bigint {
    return this.view.getBigUint64(this.take(8), true);
  }

  /** A u64 count or size that must fit a JavaScript number (every real one does). */
  size(what: string): number {
    const value = this.u64();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw this.malformed(`${what} is ${value}, more than any file holds`);
    return Number(value);
  }

  string(what: string): string {
    const length = this.size(`the length of ${what}`);
    if (length > MAX_STRING_BYTES) throw this.malformed(`${what} is ${length} bytes long`);
    const at = this.take(length);
    try {
      return UTF8.decode(this.bytes.subarray(at, at + length));
    } catch {
      throw this.malformed(`${what} is not valid UTF-8`);
    }
  }

  value(type: number, what: string, depth = 0): GgufValue {
    const v = this.view;
    switch (type) {
      case GGUF_VALUE_TYPE.UINT8: return this.u8();
      case GGUF_VALUE_TYPE.INT8: return v.getInt8(this.take(1));
      case GGUF_VALUE_TYPE.UINT16: return v.getUint16(this.take(2), true);
      case GGUF_VALUE_TYPE.INT16: return v.getInt16(this.take(2), true);
      case GGUF_VALUE_TYPE.UINT32: return this.u32();
      case GGUF_VALUE_TYPE.INT32: return v.getInt32(this.take(4), true);
      case GGUF_VALUE_TYPE.FLOAT32: return v.getFloat32(this.take(4), true);
      case GGUF_VALUE_TYPE.UINT64: return this.u64();
      case GGUF_VALUE_TYPE.INT64: return v.getBigInt64(this.take(8), true);
      case GGUF_VALUE_TYPE.FLOAT64: return v.getFloat64(this.take(8), true);
      case GGUF_VALUE_TYPE.BOOL: {
        const byte = this.u8();
        if (byte > 1) throw this.malformed(`${what} is a bool of value ${byte}`);
        return byte === 1;
      }
      case GGUF_VALUE_TYPE.STRING: return this.string(what);
      case GGUF_VALUE_TYPE.ARRAY: return this.array(what, depth);
      default: throw this.malformed(`${what} has value type ${type}, which GGUF does not define`);
    }
  }

  private array(what: string, depth: number): GgufValue[] {
    if (depth >= MAX_ARRAY_DEPTH) throw this.malformed(`${what} nests arrays more than ${MAX_ARRAY_DEPTH} deep`);
    const type = this.u32();
    const count = this.size(`the length of ${what}`);
    // Every element takes at least one byte: a count beyond the bytes left asks for more first.
    if (count > this.bytes.byteLength - this.offset) throw new NeedMoreBytes();
    const out: GgufValue[] = [];
    for (let i = 0; i < count; i++) out.push(this.value(type, what, depth + 1));
    return out;
  }

  malformed(what: string): GgufError {
    return new GgufError(`${this.file} is not a valid GGUF file: ${what}. The file is corrupted; re-download it.`, this.file, undefined, { reason: 'malformed' });
  }
}
