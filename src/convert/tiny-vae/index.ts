export { TAEW2_2 } from './taehv-config.ts';
export type { TaehvDecoderConfig } from './taehv-config.ts';
export { buildTaehvDecoderGraphs, taehvDecoderLayout } from './taehv-decoder-graphs.ts';
export type { TaehvStageLayout } from './taehv-decoder-graphs.ts';
export { tinyDecoderGraphName } from '../../bundle/tiny-vae-names.ts';
export { taehvDecoderTensors } from './taehv-tensors.ts';
export type { TaehvTensor } from './taehv-tensors.ts';
export { checkTinyDecoderFits, withTinyDecoder, writeTinyDecoder } from './tiny-decoder-bundle.ts';
export type { TinyDecoderFiles, TinyDecoderInput } from './tiny-decoder-bundle.ts';
