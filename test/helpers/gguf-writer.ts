// Writes small GGUF files for tests (little-endian v3, alignment 32): F32, F16 and simple
// round-to-nearest Q8_0, Q4_0 and Q4_K quantizers. The decoding side (src/gguf) is checked against ggml itself in
// gguf-blocks.test.ts; these only have to write valid blocks.
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../src/safetensors/index.ts';
import type { GgmlType } from '../../src/gguf/index.ts';
import { GGML_TYPES } from '../../src/gguf/index.ts';

export interface GgufTensorToWrite {
  readonly name: string;
  /** PyTorch order; written reversed, as ggml's dims. */
  readonly shape: readonly number[];
  readonly type: Extract<GgmlType, 'F32' | 'F16' | 'Q8_0' | 'Q4_0' | 'Q4_K'>;
  readonly values: Float32Array;
}

const ALIGN = 32;

export function encodeGguf(tensors: readonly GgufTensorToWrite[], metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const parts: number[] = [];
  const u32 = (v: number) => parts.push(v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255);
  const u64 = (v: number) => {
    u32(v % 2 ** 32);
    u32(Math.floor(v / 2 ** 32));
  };
  const str = (s: string) => {
    const b = new TextEncoder().encode(s);
    u64(b.length);
    parts.push(...b);
  };
  const blobs = tensors.map((t) => quantize(t.type, t.values));
  parts.push(0x47, 0x47, 0x55, 0x46);
  u32(3);
  u64(tensors.length);
  u64(Object.keys(metadata).length);
  for (const [key, value] of Object.entries(metadata)) {
    str(key);
    u32(8);
    str(value);
  }
  let offset = 0;
  tensors.forEach((t, i) => {
    str(t.name);
    u32(t.shape.length);
    for (const d of [...t.shape].reverse()) u64(d);
    u32(GGML_TYPES[t.type].id);
    u64(offset);
    offset += Math.ceil(blobs[i]!.length / ALIGN) * ALIGN;
  });
  const dataStart = Math.ceil(parts.length / ALIGN) * ALIGN;
  const out = new Uint8Array(dataStart + offset);
  out.set(parts);
  let at = dataStart;
  for (const blob of blobs) {
    out.set(blob, at);
    at += Math.ceil(blob.length / ALIGN) * ALIGN;
  }
  return out;
}

function quantize(type: GgufTensorToWrite['type'], x: Float32Array): Uint8Array {
  if (type === 'F32') return new Uint8Array(x.slice().buffer);
  if (type === 'F16') return new Uint8Array(Uint16Array.from(x, float32ToFloat16Bits).buffer);
  const { blockValues, blockBytes } = GGML_TYPES[type];
  const out = new Uint8Array((x.length / blockValues) * blockBytes);
  for (let b = 0; b < x.length / blockValues; b++) {
    const block = x.subarray(b * blockValues, (b + 1) * blockValues);
    const o = out.subarray(b * blockBytes, (b + 1) * blockBytes);
    if (type === 'Q8_0') q80(block, o);
    else if (type === 'Q4_0') q40(block, o);
    else q4k(block, o);
  }
  return out;
}

/** Stores d as fp16 and returns the value it became. */
function putHalf(o: Uint8Array, at: number, value: number): number {
  const bits = float32ToFloat16Bits(value);
  o[at] = bits & 255;
  o[at + 1] = bits >> 8;
  return float16BitsToFloat32(bits);
}

function q80(x: Float32Array, o: Uint8Array): void {
  const d = putHalf(o, 0, Math.max(...x.map(Math.abs)) / 127);
  for (let j = 0; j < 32; j++) o[2 + j] = (d === 0 ? 0 : Math.max(-127, Math.min(127, Math.round(x[j]! / d)))) & 255;
}

function q40(x: Float32Array, o: Uint8Array): void {
  const max = x.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
  const d = putHalf(o, 0, max / -8);
  const q = (v: number) => (d === 0 ? 8 : Math.max(0, Math.min(15, Math.round(v / d) + 8)));
  for (let j = 0; j < 16; j++) o[2 + j] = q(x[j]!) | (q(x[j + 16]!) << 4);
}

function q4k(x: Float32Array, o: Uint8Array): void {
  const scales: number[] = [];
  const mins: number[] = [];
  for (let s = 0; s < 8; s++) {
    const sub = x.subarray(s * 32, s * 32 + 32);
    const min = Math.min(0, ...sub);
    mins.push(-min);
    scales.push((Math.max(...sub) - min) / 15);
  }
  const d = putHalf(o, 0, Math.max(...scales) / 63);
  const dmin = putHalf(o, 2, Math.max(...mins) / 63);
  const sc = scales.map((s) => (d === 0 ? 0 : Math.min(63, Math.round(s / d))));
  const m = mins.map((v) => (dmin === 0 ? 0 : Math.min(63, Math.round(v / dmin))));
  for (let i = 0; i < 4; i++) {
    o[4 + i] = sc[i]! | ((sc[i + 4]! >> 4) << 6);
    o[8 + i] = m[i]! | ((m[i + 4]! >> 4) << 6);
    o[12 + i] = (sc[i + 4]! & 15) | ((m[i + 4]! & 15) << 4);
  }
  const q = (s: number, v: number) => {
    const step = d * sc[s]!;
    return step === 0 ? 0 : Math.max(0, Math.min(15, Math.round((v + dmin * m[s]!) / step)));
  };
  for (let j = 0; j < 4; j++) {
    for (let l = 0; l < 32; l++) o[16 + 32 * j + l] = q(2 * j, x[64 * j + l]!) | (q(2 * j + 1, x[64 * j + 32 + l]!) << 4);
  }
}
