export { clampUnit, createVaeDecoder } from './vae-decoder.ts';
export type { DecodedChunk, LatentVideoDims, VaeDecoder, VaeDecoderOptions } from './vae-decoder.ts';
export { createVaeEncoder } from './vae-encoder.ts';
export type { EncodedLatents, VaeEncoder, VideoDims } from './vae-encoder.ts';
export { VaeStageRunner, ZeroTensors, resolveDim, resolveDims } from './vae-stage-runner.ts';
export type { LatentGrid, VaeStageSession } from './vae-stage-runner.ts';
export { stageGraphNames, stageSessions } from './stage-graphs.ts';
export { ADD_TINY_DECODER_ADVICE, decoderStageNames, isAnyDecoderGraph } from './decoder-choice.ts';
