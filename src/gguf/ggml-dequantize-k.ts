// The k-quants: super-blocks of 256 values with 6-bit (Q4_K, Q5_K, Q3_K), 4-bit (Q2_K) or 8-bit
// (Q6_K) sub-block scales, as ggml's dequantize_row_q*_K computes them, in float32 arithmetic.
import { float16BitsToFloat32 } from '../safetensors/float16.ts';

const f32 = Math.fround;

function half(b: Uint8Array, at: number): number {
  return float16BitsToFloat32(b[at]! | (b[at + 1]! << 8));
}

/** Scale and min of sub-block `j` (0..7) from the 12 packed bytes at `at` (ggml's get_scale_min_k4). */
export function scaleMinK4(b: Uint8Array, at: number, j: number): [number, number] {
  if (j < 4) return [b[at + j]! & 63, b[at + j + 4]! & 63];
  return [(b[at + j + 4]! & 0xf) | ((b[at + j - 4]! >> 6) << 4), (b[at + j + 4]! >> 4) | ((b[at + j]! >> 6) << 4)];
}

export function dequantizeQ2K(b: Uint8Array, at: number, out: Float32Array, o: number): void {
  const d = half(b, at + 80);
  const dmin = half(b, at + 82);
  let is = 0;
  for (let n = 0; n < 2; n++) {
    const q = at + 16 + n * 32;
    for (let shift = 0; shift < 8; shift += 2) {
      for (let half16 = 0; half16 < 2; half16++) {
        const sc = b[at + is++]!;
        const dl = f32(d * (sc & 0xf));
        const ml = f32(dmin * (sc >> 4));
        for (let l = 0; l < 16; l++) out[o++] = f32(dl * ((b[q + half16 * 16 + l]! >> shift) & 3) - ml);
      }
    }
  }
}

/** The 16 signed 6-bit scales of a Q3_K block, unpacked from 12 bytes. */
function q3kScales(b: Uint8Array, at: number): Int8Array {
  const s = new Int8Array(16);
  for (let j = 0; j < 16; j++) {
    const low = j < 8 ? b[at + j]! & 0xf : b[at + j - 8]! >> 4;
    const high = (b[at + 8 + (j & 3)]! >> (2 * (j >> 2))) & 3;
    s[j] = (low | (high << 4)) - 32;
  }
  return s;
}

export function dequantizeQ3K(b: Uint8Array, at: number, out: Float32Array, o: number): void {
  const d = half(b, at + 108);
  const scales = q3kScales(b, at + 96);
  let is = 0;
  let mask = 1;
  for (let n = 0; n < 2; n++) {
    const q = at + 32 + n * 32;
    for (let shift = 0; shift < 8; shift += 2, mask <<= 1) {
      for (let half16 = 0; half16 < 2; half16++) {
        const dl = f32(d * scales[is++]!);
        for (let l = half16 * 16; l < half16 * 16 + 16; l++) {
          const value = ((b[q + l]! >> shift) & 3) - (b[at + l]! & mask ? 0 : 4);
          out[o++] = f32(dl * value);
        }
      }
    }
  }
}

export function dequantizeQ4K(b: Uint8Array, at: number, out: Float32Array, o: number): void {
  const d = half(b, at);
  const dmin = half(b, at + 2);
  for (let j = 0; j < 4; j++) {
    const q = at + 16 + j * 32;
    for (let part = 0; part < 2; part++) {
      const [sc, m] = scaleMinK4(b, at + 4, 2 * j + part);
      const dl = f32(d * sc);
      const ml = f32(dmin * m);
      const shift = part * 4;
      for (let l = 0; l < 32; l++) out[o++] = f32(dl * ((b[q + l]! >> shift) & 0xf) - ml);
    }
  }
}

export function dequantizeQ5K(b: Uint8Array, at: number, out: Float32Array, o: number): void {
  const d = half(b, at);
  const dmin = half(b, at + 2);
  for (let j = 0; j < 4; j++) {
    const q = at + 48 + j * 32;
    for (let part = 0; part < 2; part++) {
      const [sc, m] = scaleMinK4(b, at + 4, 2 * j + part);
      const dl = f32(d * sc);
      const ml = f32(dmin * m);
      const shift = part * 4;
      const highBit = 1 << (2 * j + part);
      for (let l = 0; l < 32; l++) {
        const value = ((b[q + l]! >> shift) & 0xf) + (b[at + 16 + l]! & highBit ? 16 : 0);
        out[o++] = f32(dl * value - ml);
      }
    }
  }
}

export function dequantizeQ6K(b: Uint8Array, at: number, out: Float32Array, o: number): void {
  const d = half(b, at + 208);
  for (let n = 0; n < 2; n++) {
    const ql = at + n * 64;
    const qh = at + 128 + n * 32;
    const sc = at + 192 + n * 8;
    for (let l = 0; l < 32; l++) {
      const is = l >> 4;
      const h = b[qh + l]!;
      const q1 = ((b[ql + l]! & 0xf) | ((h & 3) << 4)) - 32;
      const q2 = ((b[ql + l + 32]! & 0xf) | (((h >> 2) & 3) << 4)) - 32;
      const q3 = ((b[ql + l]! >> 4) | (((h >> 4) & 3) << 4)) - 32;
      const q4 = ((b[ql + l + 32]! >> 4) | (((h >> 6) & 3) << 4)) - 32;
      const scale = (k: number) => f32(d * ((b[sc + is + k]! << 24) >> 24));
      out[o + n * 128 + l] = f32(scale(0) * q1);
      out[o + n * 128 + l + 32] = f32(scale(2) * q2);
      out[o + n * 128 + l + 64] = f32(scale(4) * q3);
      out[o + n * 128 + l + 96] = f32(scale(6) * q4);
    }
  }
}
