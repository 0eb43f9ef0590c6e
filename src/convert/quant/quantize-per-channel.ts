/** Symmetric int8 quantization with one scale per output channel (the leading axis). */
export interface PerChannelInt8 {
  readonly values: Int8Array;
  /** One per output channel: value ≈ q · scale. */
  readonly scales: Float32Array;
}

/**
 * Quantizes a weight whose leading axis is the output channel: each row gets
 * scale = max|row| / 127 and q = round(w / scale), which is what ONNX DequantizeLinear with
 * `axis = 0` and no zero point undoes.
 */
export function quantizePerChannelInt8(weight: Float32Array, channels: number): PerChannelInt8 {
  const size = weight.length / channels;
  if (!Number.isInteger(size)) throw new RangeError(`A weight of ${weight.length} values does not split into ${channels} output channels.`);
  const values = new Int8Array(weight.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const row = weight.subarray(c * size, (c + 1) * size);
    let max = 0;
    for (const v of row) max = Math.max(max, Math.abs(v));
    const scale = max > 0 ? Math.fround(max / 127) : 1;
    scales[c] = scale;
    for (let i = 0; i < size; i++) values[c * size + i] = Math.max(-127, Math.min(127, Math.round(row[i]! / scale)));
  }
  return { values, scales };
}

/** The float weight a per-channel int8 weight stands for. */
export function dequantizePerChannelInt8(q: PerChannelInt8): Float32Array {
  const size = q.values.length / q.scales.length;
  return Float32Array.from(q.values, (v, i) => v * q.scales[Math.floor(i / size)]!);
}
