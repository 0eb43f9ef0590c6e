/** A GGUF metadata value: 64-bit integers as bigint, other numbers as number; arrays may nest. */
export type GgufValue = number | bigint | boolean | string | readonly GgufValue[];

/** GGUF metadata value type ids (`enum gguf_metadata_value_type`). */
export const GGUF_VALUE_TYPE = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;
