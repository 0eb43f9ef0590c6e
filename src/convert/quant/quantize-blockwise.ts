/**
 * Round-to-nearest asymmetric block quantization in onnxruntime's MatMulNBits layout.
 * A PyTorch Linear weight is [N = out, K = in]; each row is cut into blocks of
 * `blockSize` values along K (the last block zero-padded), each with its own scale and
 * zero point, so that w ≈ (q − zero_point) · scale.
 */
export interface QuantizedMatrix {
  /** [N, kBlocks, blockSize·bits/8]: 4-bit values packed low nibble first. */
  readonly data: Uint8Array;
  /** [N · kBlocks] */
  readonly scales: Float32Array;
  /** 4-bit: [N · ceil(kBlocks/2)] packed low nibble first; 8-bit: [N · kBlocks]. */
  readonly zeroPoints: Uint8Array;
  readonly kBlocks: number;
}

export function quantizeBlockwise(weight: Float32Array, n: number, k: number, bits: 4 | 8, blockSize: number): QuantizedMatrix {
  if (weight.length !== n * k) throw new RangeError(`weight has ${weight.length} values, expected ${n}×${k}`);
  const kBlocks = Math.ceil(k / blockSize);
  const levels = (1 << bits) - 1;
  const blobSize = (blockSize * bits) / 8;
  const zpRowBytes = bits === 4 ? Math.ceil(kBlocks / 2) : kBlocks;
  const data = new Uint8Array(n * kBlocks * blobSize);
  const scales = new Float32Array(n * kBlocks);
  const zeroPoints = new Uint8Array(n * zpRowBytes);

  for (let row = 0; row < n; row++) {
    const rowOffset = row * k;
    for (let block = 0; block < kBlocks; block++) {
      const start = block * blockSize;
      const end = Math.min(start + blockSize, k);
      // The range always includes 0 so that zero weights (and the padding) stay exact.
      let min = 0;
      let max = 0;
      for (let i = start; i < end; i++) {
        const v = weight[rowOffset + i]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const scale = max > min ? (max - min) / levels : 1;
      const zeroPoint = Math.min(levels, Math.max(0, Math.round(-min / scale)));
      scales[row * kBlocks + block] = scale;
      if (bits === 4) {
        zeroPoints[row * zpRowBytes + (block >> 1)]! |= zeroPoint << ((block & 1) * 4);
      } else {
        zeroPoints[row * zpRowBytes + block] = zeroPoint;
      }
      const blob = (row * kBlocks + block) * blobSize;
      for (let i = 0; i < blockSize; i++) {
        const v = start + i < end ? weight[rowOffset + start + i]! : 0;
        const q = Math.min(levels, Math.max(0, Math.round(v / scale) + zeroPoint));
        if (bits === 4) data[blob + (i >> 1)]! |= q << ((i & 1) * 4);
        else data[blob + i] = q;
      }
    }
  }
  return { data, scales, zeroPoints, kBlocks };
}

/** The float weights a quantized matrix stands for (for measuring quantization error). */
export function dequantizeBlockwise(q: QuantizedMatrix, n: number, k: number, bits: 4 | 8, blockSize: number): Float32Array {
  const out = new Float32Array(n * k);
  const blobSize = (blockSize * bits) / 8;
  const zpRowBytes = bits === 4 ? Math.ceil(q.kBlocks / 2) : q.kBlocks;
  for (let row = 0; row < n; row++) {
    for (let i = 0; i < k; i++) {
      const block = Math.floor(i / blockSize);
      const within = i % blockSize;
      const blob = (row * q.kBlocks + block) * blobSize;
      const value = bits === 4 ? (q.data[blob + (within >> 1)]! >> ((within & 1) * 4)) & 15 : q.data[blob + within]!;
      const zpByte = q.zeroPoints[row * zpRowBytes + (bits === 4 ? block >> 1 : block)]!;
      const zeroPoint = bits === 4 ? (zpByte >> ((block & 1) * 4)) & 15 : zpByte;
      out[row * k + i] = (value - zeroPoint) * q.scales[row * q.kBlocks + block]!;
    }
  }
  return out;
}
