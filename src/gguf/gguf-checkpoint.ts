import type { AbortSignalLike } from '../safetensors/byte-source.ts';
import type { Checkpoint } from '../safetensors/checkpoint-source.ts';
import type { TensorInfo } from '../safetensors/safetensors-reader.ts';
import { GgufError } from '../errors.ts';
import { dequantizeGgml } from './ggml-dequantize.ts';
import type { GgufFile, GgufTensorInfo } from './gguf-reader.ts';

/**
 * A GGUF file seen as one checkpoint component: every tensor reads as float32 (dequantized),
 * under its PyTorch shape, so the builder treats it like a safetensors checkpoint. `ggml` and
 * `readBlocks` give the stored blocks to the layers that can take them as they are.
 */
export interface GgufCheckpoint extends Checkpoint {
  /** The stored tensor of each (renamed) tensor. */
  readonly ggml: ReadonlyMap<string, GgufTensorInfo>;
  readBlocks(name: string, signal?: AbortSignalLike): Promise<Uint8Array>;
  /** The opened file, for reads by byte range (the token embedding table's rows) and its fingerprint. */
  readonly file: GgufFile;
}

/** ComfyUI-GGUF stores a reshaped tensor's real shape here (an array of int32). */
const ORIGINAL_SHAPE_KEY = 'comfy.gguf.orig_shape.';

/**
 * Wraps an opened GGUF file as the checkpoint component `component`; `rename` maps each GGUF
 * tensor name to the name the builder reads (identity by default). `byteLength` stays the stored
 * size, so progress counts the bytes actually read.
 */
export function ggufCheckpoint(file: GgufFile, component: string, rename: (name: string) => string = (n) => n): GgufCheckpoint {
  const fileName = file.source.name;
  const ggml = new Map<string, GgufTensorInfo>();
  const tensors = new Map<string, TensorInfo>();
  for (const info of file.tensors.values()) {
    const name = rename(info.name);
    if (tensors.has(name)) throw new GgufError(`${fileName}: two tensors are both "${name}" after renaming.`, fileName, name, { reason: 'malformed' });
    ggml.set(name, info);
    const shape = originalShape(file, info) ?? [...info.dims].reverse();
    tensors.set(name, { name, dtype: 'F32', shape, byteOffset: info.byteOffset, byteLength: info.byteLength, file: fileName });
  }
  const stored = (name: string) => {
    const info = ggml.get(name);
    if (info === undefined) throw new GgufError(`${fileName} has no tensor "${name}".`, fileName, name, { reason: 'not-found' });
    return info;
  };
  return {
    component,
    shards: [],
    tensors,
    ggml,
    file,
    readBlocks: async (name, signal) => (await file.readTensor(stored(name).name, signal)).bytes,
    async readTensor(name, signal) {
      const info = stored(name);
      const { bytes } = await file.readTensor(info.name, signal);
      const values = dequantizeGgml(info.type, bytes, info.elements, info.name);
      return { info: tensors.get(name)!, bytes: new Uint8Array(values.buffer) };
    },
    readJson: () => Promise.reject(new GgufError(`${fileName} is a GGUF file and has no config.json; take the config from elsewhere.`, fileName, undefined, { reason: 'not-found' })),
  };
}

function originalShape(file: GgufFile, info: GgufTensorInfo): number[] | undefined {
  const value = file.metadata.get(`${ORIGINAL_SHAPE_KEY}${info.name}`);
  if (value === undefined) return undefined;
  const shape = Array.isArray(value) && value.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0) ? (value as number[]) : undefined;
  if (shape === undefined || shape.reduce((n, d) => n * d, 1) !== info.elements) {
    throw new GgufError(`${file.source.name}: ${ORIGINAL_SHAPE_KEY}${info.name} does not describe the tensor's ${info.elements} values.`, file.source.name, info.name, { reason: 'malformed' });
  }
  return shape;
}
