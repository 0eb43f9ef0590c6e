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
  /**
   * VAE stage graphs whose every op is local in space: how far, in latent rows, an output row
   * reaches into the input (the 3×3 convolutions' one row each, at their resolution). A runner
   * may then run the graph on horizontal bands of a frame widened by this much. Absent when the
   * graph mixes whole frames (attention) or was built before it was recorded.
   */
  readonly rowReach?: number;
}
