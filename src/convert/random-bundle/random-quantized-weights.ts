import type { QuantizedMatrix } from '../quant/quantize-blockwise.ts';
import type { QuantizedWeights } from '../weights/weight-source.ts';
import type { RandomTensorSpec } from '../random-checkpoint/random-tensor-spec.ts';
import { tensorStreamState } from '../random-checkpoint/normal-stream.ts';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../safetensors/index.ts';
import { fillUniformWords } from './uniform-words.ts';

/**
 * Quantized linear weights drawn directly in MatMulNBits layout: uniformly random codes, one
 * fp16 scale per tensor chosen so the dequantized values have the spec's standard deviation
 * (N(0, 1/fan_in) for most layers, so activations keep their scale through any depth), and
 * zero points alternating between the two middle codes (8, 7 for int4; 128, 127 for int8) so
 * the codes' half-step bias cancels over each pair of blocks. Seeded per tensor, like the
 * random checkpoint: the same seed gives the same bytes whatever else is built.
 */
export function randomQuantizedWeights(specs: readonly RandomTensorSpec[], seed: number, component: string): QuantizedWeights {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  return {
    read(name, n, k, bits, blockSize) {
      const spec = byName.get(name);
      if (!spec || spec.mean !== 0) return undefined;
      return randomQuantizedMatrix(spec.std, n, k, bits, blockSize, tensorStreamState(seed, `${component}/${name}.q${bits}`));
    },
  };
}

function randomQuantizedMatrix(
  std: number,
  n: number,
  k: number,
  bits: 4 | 8,
  blockSize: number,
  state: [number, number, number, number],
): QuantizedMatrix {
  const kBlocks = Math.ceil(k / blockSize);
  const data = new Uint8Array(n * kBlocks * ((blockSize * bits) / 8));
  fillUniformWords(new Uint32Array(data.buffer, 0, data.byteLength >> 2), state);
  const mid = 1 << (bits - 1);
  // Mean square of (code − zero point) over uniform codes, the zero point being either middle code.
  const levels = 1 << bits;
  let sumSquares = 0;
  for (let code = 0; code < levels; code++) sumSquares += (code - mid) ** 2 + (code - mid + 1) ** 2;
  const scale = float16BitsToFloat32(float32ToFloat16Bits(std / Math.sqrt(sumSquares / (2 * levels))));
  const scales = new Float32Array(n * kBlocks).fill(scale);
  const zeroPoints = bits === 4 ? new Uint8Array(n * Math.ceil(kBlocks / 2)) : new Uint8Array(n * kBlocks);
  if (bits === 8) {
    for (let i = 0; i < zeroPoints.length; i++) zeroPoints[i] = (i % kBlocks) % 2 === 0 ? mid : mid - 1;
  } else {
    const rowBytes = Math.ceil(kBlocks / 2);
    for (let row = 0; row < n; row++) {
      for (let b = 0; b < rowBytes; b++) zeroPoints[row * rowBytes + b] = 2 * b + 1 < kBlocks ? mid | ((mid - 1) << 4) : mid;
    }
  }
  return { data, scales, zeroPoints, kBlocks };
}
