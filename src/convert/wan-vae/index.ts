export { decoderDims, decoderTemporalUpsample, encoderDims, parseVaeConfig, spatialCompression } from '../../bundle/vae-config.ts';
export type { VaeConfig } from '../../bundle/vae-config.ts';
export { VAE_OPSETS, buildVaeDecoderGraphs, buildVaeDecoderStage, decoderLayout } from './vae-decoder-graphs.ts';
export type { DecoderStageLayout, VaeGraph, VaeGraphSet } from './vae-decoder-graphs.ts';
export { buildVaeEncoderGraphs, buildVaeEncoderStage, encoderLayout } from './vae-encoder-graphs.ts';
export type { EncoderStageLayout } from './vae-encoder-graphs.ts';
export { CACHE_NEW, CACHE_PREFIX, VAE_IO, decoderGraphName, encoderGraphName } from '../../bundle/vae-names.ts';
export { maxVaeTensorBytes, vaeTensorBudget } from './vae-tensor-budget.ts';
export type { StageTensorBudget, VaeTensorBudget } from './vae-tensor-budget.ts';
