import type { DataType, ExternalData } from '../../onnx/index.ts';

/**
 * Where initializer bytes go: inline in the .onnx (small test graphs) or appended to
 * external data files shared by every graph of a bundle. Returns what the graph's
 * initializer should reference.
 */
export interface WeightStore {
  add(name: string, dtype: DataType, dims: readonly number[], bytes: Uint8Array): Promise<Uint8Array | ExternalData>;
  /**
   * A weight already stored under `name` with this type and shape (shared by graph variants,
   * or kept from an interrupted conversion), so its bytes need not be made again.
   */
  recall(name: string, dtype: DataType, dims: readonly number[]): ExternalData | undefined;
}

/** Keeps weights inside the .onnx protobuf. Only for graphs well under 2 GB. */
export const inlineWeightStore: WeightStore = {
  add: async (_name, _dtype, _dims, bytes) => bytes,
  recall: () => undefined,
};
