// Platform-neutral surface. The Node-only file source lives in src/node/file-source.ts.
export { blobByteSource, httpByteSource } from './byte-source.ts';
export type {
  AbortSignalLike,
  BlobLike,
  ByteSource,
  FetchInitLike,
  FetchLike,
  FetchResponseLike,
  HttpByteSourceOptions,
} from './byte-source.ts';
export { blobCheckpointFiles, httpCheckpointFiles } from './checkpoint-files.ts';
export { openCheckpoint, readCheckpointJson } from './checkpoint-source.ts';
export type { Checkpoint, CheckpointFiles } from './checkpoint-source.ts';
export { DTYPE_BYTES, isSafetensorsDtype, shapeElementCount } from './dtype.ts';
export type { SafetensorsDtype } from './dtype.ts';
export {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  float16BitsToFloat32Bits,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from './float16.ts';
export { SafetensorsError } from '../errors.ts';
export type { SafetensorsReason } from '../errors.ts';
export { MAX_HEADER_BYTES, openSafetensors } from './safetensors-reader.ts';
export type { SafetensorsFile, TensorData, TensorInfo } from './safetensors-reader.ts';
export { createSafetensorsWriter, encodeSafetensors } from './safetensors-writer.ts';
export type { SafetensorsLayout, TensorBytesLike, TensorSpec, TensorWithData } from './safetensors-writer.ts';
export { toBigInt64, toFloat32, toInt32, toUint16Bits } from './tensor-data.ts';
export type { TensorLayout } from './tensor-data.ts';
