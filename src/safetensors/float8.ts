// The two 8-bit float formats of safetensors (PyTorch's float8_e4m3fn and float8_e5m2), as used by
// ComfyUI's "fp8" checkpoints. Each byte has 256 values, so decoding is a table lookup.

let e4m3Table: Float32Array | undefined;
let e5m2Table: Float32Array | undefined;

/**
 * float8_e4m3fn: 1 sign, 4 exponent (bias 7), 3 mantissa bits; no infinities, only
 * S.1111.111 is NaN (so the largest value is 448); exponent 0 is subnormal (m/8 · 2⁻⁶).
 */
export function float8E4m3Table(): Float32Array {
  return (e4m3Table ??= buildTable((exponent, mantissa) => {
    if (exponent === 15 && mantissa === 7) return Number.NaN;
    return exponent === 0 ? (mantissa / 8) * 2 ** -6 : (1 + mantissa / 8) * 2 ** (exponent - 7);
  }, 4, 3));
}

/** float8_e5m2: 1 sign, 5 exponent (bias 15), 2 mantissa bits, with IEEE infinities and NaNs. */
export function float8E5m2Table(): Float32Array {
  return (e5m2Table ??= buildTable((exponent, mantissa) => {
    if (exponent === 31) return mantissa === 0 ? Number.POSITIVE_INFINITY : Number.NaN;
    return exponent === 0 ? (mantissa / 4) * 2 ** -14 : (1 + mantissa / 4) * 2 ** (exponent - 15);
  }, 5, 2));
}

function buildTable(magnitude: (exponent: number, mantissa: number) => number, exponentBits: number, mantissaBits: number): Float32Array {
  const table = new Float32Array(256);
  for (let bits = 0; bits < 256; bits++) {
    const exponent = (bits >> mantissaBits) & ((1 << exponentBits) - 1);
    const value = magnitude(exponent, bits & ((1 << mantissaBits) - 1));
    table[bits] = bits & 0x80 ? -value : value;
  }
  return table;
}

/** Decodes float8 bytes through one of the tables above. */
export function decodeFloat8(bytes: Uint8Array, table: Float32Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i] as number] as number;
  return out;
}
