// ggml blocks to float32, as ggml's dequantize_row_* computes them (float32 arithmetic, so the
// values match ggml bit for bit; test/fixtures/gguf checks every type against ggml itself).
import { bfloat16BitsToFloat32, float16BitsToFloat32 } from '../safetensors/float16.ts';
import { GgufError } from '../errors.ts';
import { GGML_TYPES } from './ggml-types.ts';
import type { GgmlType } from './ggml-types.ts';
import { dequantizeQ2K, dequantizeQ3K, dequantizeQ4K, dequantizeQ5K, dequantizeQ6K } from './ggml-dequantize-k.ts';

const f32 = Math.fround;

type BlockDecoder = (b: Uint8Array, at: number, out: Float32Array, o: number) => void;

function half(b: Uint8Array, at: number): number {
  return float16BitsToFloat32(b[at]! | (b[at + 1]! << 8));
}

/** (q + offset)·d (+ m): Q4_0 and Q5_0 add no min, so 0·d keeps its sign as in ggml. */
function scaled(q: number, offset: number, d: number, m: number | undefined): number {
  const v = f32((q + offset) * d);
  return m === undefined ? v : f32(v + m);
}

/** Q4_0 and Q4_1: byte j holds value j (low nibble) and value j + 16 (high nibble). */
function nibbles(b: Uint8Array, q: number, out: Float32Array, o: number, d: number, offset: number, m?: number): void {
  for (let j = 0; j < 16; j++) {
    out[o + j] = scaled(b[q + j]! & 0xf, offset, d, m);
    out[o + j + 16] = scaled(b[q + j]! >> 4, offset, d, m);
  }
}

/** Q5_0 and Q5_1: as Q4, plus a fifth bit per value from the 32-bit `qh`. */
function fiveBits(b: Uint8Array, at: number, out: Float32Array, o: number, d: number, offset: number, m?: number): void {
  const qh = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
  const q = at + 4;
  for (let j = 0; j < 16; j++) {
    const low = (b[q + j]! & 0xf) | (((qh >>> j) << 4) & 0x10);
    const high = (b[q + j]! >> 4) | ((qh >>> (j + 12)) & 0x10);
    out[o + j] = scaled(low, offset, d, m);
    out[o + j + 16] = scaled(high, offset, d, m);
  }
}

const DECODERS: Readonly<Record<GgmlType, BlockDecoder>> = {
  F32: (b, at, out, o) => {
    out[o] = new DataView(b.buffer, b.byteOffset + at, 4).getFloat32(0, true);
  },
  F16: (b, at, out, o) => {
    out[o] = half(b, at);
  },
  BF16: (b, at, out, o) => {
    out[o] = bfloat16BitsToFloat32(b[at]! | (b[at + 1]! << 8));
  },
  Q4_0: (b, at, out, o) => nibbles(b, at + 2, out, o, half(b, at), -8),
  Q4_1: (b, at, out, o) => nibbles(b, at + 4, out, o, half(b, at), 0, half(b, at + 2)),
  Q5_0: (b, at, out, o) => fiveBits(b, at + 2, out, o, half(b, at), -16),
  Q5_1: (b, at, out, o) => fiveBits(b, at + 4, out, o, half(b, at), 0, half(b, at + 2)),
  Q8_0: (b, at, out, o) => {
    const d = half(b, at);
    for (let j = 0; j < 32; j++) out[o + j] = f32(((b[at + 2 + j]! << 24) >> 24) * d);
  },
  Q2_K: dequantizeQ2K,
  Q3_K: dequantizeQ3K,
  Q4_K: dequantizeQ4K,
  Q5_K: dequantizeQ5K,
  Q6_K: dequantizeQ6K,
};

/**
 * The float32 values of `elements` values of type `type` stored in `bytes` (a whole tensor, or
 * a whole number of blocks of one).
 */
export function dequantizeGgml(type: GgmlType, bytes: Uint8Array, elements: number, tensor = ''): Float32Array {
  const { blockValues, blockBytes } = GGML_TYPES[type];
  const blocks = elements / blockValues;
  if (!Number.isInteger(blocks) || bytes.byteLength !== blocks * blockBytes) {
    throw new GgufError(
      `Tensor "${tensor}": ${bytes.byteLength} bytes of ${type} do not hold ${elements} values. The file is corrupted; re-download it.`,
      '',
      tensor,
      { reason: 'malformed' },
    );
  }
  const out = new Float32Array(elements);
  if (type === 'F32' && bytes.byteOffset % 4 === 0) {
    out.set(new Float32Array(bytes.buffer, bytes.byteOffset, elements));
    return out;
  }
  const decode = DECODERS[type];
  for (let i = 0; i < blocks; i++) decode(bytes, i * blockBytes, out, i * blockValues);
  return out;
}
