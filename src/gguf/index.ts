// GGUF (llama.cpp / ComfyUI-GGUF) files: the container and ggml's block types, platform-neutral.
export { GGML_TYPES, ggmlByteLength, ggmlTypeById } from './ggml-types.ts';
export type { GgmlType } from './ggml-types.ts';
export { dequantizeGgml } from './ggml-dequantize.ts';
export { MAX_GGUF_HEADER_BYTES, openGguf } from './gguf-reader.ts';
export type { GgufFile, GgufTensorInfo } from './gguf-reader.ts';
export type { GgufValue } from './gguf-value.ts';
export { GGUF_VALUE_TYPE } from './gguf-value.ts';
export { GgufError } from '../errors.ts';
export { ggufCheckpoint } from './gguf-checkpoint.ts';
export type { GgufCheckpoint } from './gguf-checkpoint.ts';
