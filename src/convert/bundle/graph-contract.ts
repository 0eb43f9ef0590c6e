import type { DataType, Dim } from '../onnx/index.ts';

/** One input or output of a graph: name, element type and shape (symbolic dims by name). */
export interface TensorContract {
  readonly name: string;
  readonly dtype: DataType;
  readonly dims: readonly Dim[];
}

/** What a graph takes and gives, as written into the bundle manifest. */
export interface GraphContract {
  readonly inputs: readonly TensorContract[];
  readonly outputs: readonly TensorContract[];
}
