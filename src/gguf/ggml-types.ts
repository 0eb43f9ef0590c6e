/**
 * The ggml tensor types this reader knows, by their GGUF type id (ggml's `enum ggml_type`):
 * how many values a block holds and how many bytes it takes. A tensor row is a whole number
 * of blocks; plain types are blocks of one value.
 */
export const GGML_TYPES = {
  F32: { id: 0, blockValues: 1, blockBytes: 4 },
  F16: { id: 1, blockValues: 1, blockBytes: 2 },
  Q4_0: { id: 2, blockValues: 32, blockBytes: 18 },
  Q4_1: { id: 3, blockValues: 32, blockBytes: 20 },
  Q5_0: { id: 6, blockValues: 32, blockBytes: 22 },
  Q5_1: { id: 7, blockValues: 32, blockBytes: 24 },
  Q8_0: { id: 8, blockValues: 32, blockBytes: 34 },
  Q2_K: { id: 10, blockValues: 256, blockBytes: 84 },
  Q3_K: { id: 11, blockValues: 256, blockBytes: 110 },
  Q4_K: { id: 12, blockValues: 256, blockBytes: 144 },
  Q5_K: { id: 13, blockValues: 256, blockBytes: 176 },
  Q6_K: { id: 14, blockValues: 256, blockBytes: 210 },
  BF16: { id: 30, blockValues: 1, blockBytes: 2 },
} as const satisfies Record<string, { id: number; blockValues: number; blockBytes: number }>;

export type GgmlType = keyof typeof GGML_TYPES;

const BY_ID = new Map<number, GgmlType>(Object.entries(GGML_TYPES).map(([name, t]) => [t.id, name as GgmlType]));

/** The type with this GGUF id, or undefined for one this reader does not read (IQ*, TQ*, MXFP4, integers). */
export function ggmlTypeById(id: number): GgmlType | undefined {
  return BY_ID.get(id);
}

/** Bytes taken by `values` values of a type (a whole number of blocks; the caller checks). */
export function ggmlByteLength(type: GgmlType, values: number): number {
  const { blockValues, blockBytes } = GGML_TYPES[type];
  return (values / blockValues) * blockBytes;
}
