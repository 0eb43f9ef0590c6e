import type { GgmlType } from '../../gguf/index.ts';
import { float16BitsToFloat32 } from '../../safetensors/index.ts';

/** A weight in onnxruntime's MatMulNBits layout (see quantize-blockwise.ts), with its bits and block size. */
export interface MatMulNBitsWeight {
  readonly bits: 4 | 8;
  readonly blockSize: 32;
  /** [N, kBlocks, blockSize·bits/8] */
  readonly data: Uint8Array;
  /** [N · kBlocks] */
  readonly scales: Float32Array;
  /** 4-bit: [N · ceil(kBlocks/2)], two per byte, low nibble first; 8-bit: [N · kBlocks]. */
  readonly zeroPoints: Uint8Array;
}

/**
 * The ggml types whose blocks are MatMulNBits blocks as they are: Q8_0 (w = d·q, q int8) is
 * 8-bit with zero point 128, Q4_0 (w = d·(q − 8)) is 4-bit with zero point 8; both have one
 * fp16 scale per 32 values. The k-quants and Q4_1/Q5_1 subtract a per-block minimum, which
 * MatMulNBits could only express with float zero points; onnxruntime's WebGPU kernel takes
 * uint8 zero points only, so those are dequantized and quantized again.
 */
export const MATMUL_NBITS_GGML_TYPES: ReadonlySet<GgmlType> = new Set(['Q8_0', 'Q4_0']);

/**
 * Repacks the blocks of a [N, K] weight (GGUF dims [K, N]) into MatMulNBits inputs without
 * changing a value: (q − zero_point)·scale equals ggml's dequantized value exactly.
 */
export function ggmlToMatMulNBits(type: GgmlType, bytes: Uint8Array, n: number, k: number): MatMulNBitsWeight {
  if (!MATMUL_NBITS_GGML_TYPES.has(type) || k % 32 !== 0) throw new RangeError(`${type} [${n}, ${k}] does not map onto MatMulNBits`);
  const kBlocks = k / 32;
  const blocks = n * kBlocks;
  const scales = new Float32Array(blocks);
  if (type === 'Q8_0') {
    if (bytes.byteLength !== blocks * 34) throw new RangeError(`Q8_0 [${n}, ${k}] needs ${blocks * 34} bytes, got ${bytes.byteLength}`);
    const data = new Uint8Array(blocks * 32);
    for (let b = 0; b < blocks; b++) {
      const at = b * 34;
      scales[b] = float16BitsToFloat32(bytes[at]! | (bytes[at + 1]! << 8));
      // int8 q + 128 as uint8: flipping the sign bit.
      for (let j = 0; j < 32; j++) data[b * 32 + j] = bytes[at + 2 + j]! ^ 0x80;
    }
    return { bits: 8, blockSize: 32, data, scales, zeroPoints: new Uint8Array(blocks).fill(128) };
  }
  if (bytes.byteLength !== blocks * 18) throw new RangeError(`Q4_0 [${n}, ${k}] needs ${blocks * 18} bytes, got ${bytes.byteLength}`);
  const data = new Uint8Array(blocks * 16);
  for (let b = 0; b < blocks; b++) {
    const at = b * 18;
    scales[b] = float16BitsToFloat32(bytes[at]! | (bytes[at + 1]! << 8));
    // ggml: byte j holds values j and j + 16; MatMulNBits: byte t holds values 2t and 2t + 1.
    const value = (i: number) => (i < 16 ? bytes[at + 2 + i]! & 0xf : bytes[at + 2 + i - 16]! >> 4);
    for (let t = 0; t < 16; t++) data[b * 16 + t] = value(2 * t) | (value(2 * t + 1) << 4);
  }
  const zpRowBytes = Math.ceil(kBlocks / 2);
  const zeroPoints = new Uint8Array(n * zpRowBytes);
  for (let row = 0; row < n; row++) for (let b = 0; b < kBlocks; b++) zeroPoints[row * zpRowBytes + (b >> 1)]! |= 8 << ((b & 1) * 4);
  return { bits: 4, blockSize: 32, data, scales, zeroPoints };
}
