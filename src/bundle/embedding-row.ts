/** Bytes of one row of the token embedding table: `dim` values, or for I8 `dim` int8 values and a float32 scale. */
export function embeddingRowBytes(dtype: 'F32' | 'F16' | 'BF16' | 'I8', dim: number): number {
  return dtype === 'I8' ? dim + 4 : dim * (dtype === 'F32' ? 4 : 2);
}
