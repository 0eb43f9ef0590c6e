// Random-weight checkpoints in the diffusers layout of Wan-AI/Wan2.2-TI2V-5B-Diffusers, for any
// config: tensor tables from configs, seeded values, streamed safetensors writing.
export { ditTensorSpecs } from './dit-tensor-specs.ts';
export { NormalStream, tensorStreamState } from './normal-stream.ts';
export {
  planRandomCheckpoint,
  RANDOM_COMPONENTS,
  WAN22_TI2V_5B_SHARD_BYTES,
  writeRandomCheckpointTo,
  writeRandomSafetensors,
} from './random-checkpoint-writer.ts';
export type {
  CheckpointFileSink,
  ComponentPlan,
  RandomCheckpointOptions,
  RandomCheckpointProgress,
  RandomComponent,
  WrittenFile,
} from './random-checkpoint-writer.ts';
export { RANDOM_DTYPE_BYTES, randomTensorByteStream, randomTensorBytes } from './random-tensor-bytes.ts';
export type { RandomCheckpointDtype, TensorByteStream } from './random-tensor-bytes.ts';
export { parameterCount } from './random-tensor-spec.ts';
export { randomWeightSource } from './random-weight-source.ts';
export type { JsonObject, RandomTensorSpec } from './random-tensor-spec.ts';
export { planComponentFiles } from './shard-plan.ts';
export type { ComponentFilePlan, ShardFile, ShardIndexJson } from './shard-plan.ts';
export { umt5TensorSpecs } from './umt5-tensor-specs.ts';
export { vaeTensorSpecs } from './vae-tensor-specs.ts';
export { WAN22_TI2V_5B_CONFIGS } from './wan22-ti2v-5b-configs.ts';
export type { WanCheckpointConfigs } from './wan22-ti2v-5b-configs.ts';
