/** Element types our graphs use, by their onnxruntime-web names. */
export type DataType = 'float32' | 'float16' | 'int64' | 'int32' | 'uint8' | 'int8' | 'bool';

/** onnx.TensorProto.DataType codes. */
export const ONNX_DATA_TYPE: Record<DataType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
};

const DATA_TYPE_BY_CODE = new Map(Object.entries(ONNX_DATA_TYPE).map(([dtype, code]) => [code, dtype as DataType]));

/** The element type of an onnx.TensorProto.DataType code; undefined for a type our graphs do not use. */
export function dataTypeOfCode(code: number): DataType | undefined {
  return DATA_TYPE_BY_CODE.get(code);
}

/** Bytes per element. */
export const BYTES_PER_ELEMENT: Record<DataType, number> = {
  float32: 4,
  uint8: 1,
  int8: 1,
  int32: 4,
  int64: 8,
  bool: 1,
  float16: 2,
};

/** Number of elements of a static shape. */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}
