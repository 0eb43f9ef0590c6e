import type { Checkpoint, SafetensorsFile, TensorData, TensorInfo } from '../../safetensors/index.ts';
import type { ByteSource } from '../../safetensors/byte-source.ts';
import { ConvertError } from '../../errors.ts';
import type { QuantizedWeights } from '../weights/weight-source.ts';
import { RANDOM_DTYPE_BYTES, randomTensorByteStream, randomTensorBytes } from '../random-checkpoint/random-tensor-bytes.ts';
import type { RandomCheckpointDtype, TensorByteStream } from '../random-checkpoint/random-tensor-bytes.ts';
import type { RandomTensorSpec } from '../random-checkpoint/random-tensor-spec.ts';
import { randomQuantizedWeights } from './random-quantized-weights.ts';

/** A checkpoint component whose tensors exist only when read, with its linear weights also available pre-quantized. */
export type RandomCheckpointView = Checkpoint & { readonly quantized: QuantizedWeights };

/**
 * One component of a random checkpoint, as {@link openCheckpoint} would present the file the
 * random checkpoint writer makes, without the file: every float tensor is generated when it is
 * read (the same values as that writer's), linear weights come straight in MatMulNBits form.
 */
export function randomCheckpointView(
  component: string,
  specs: readonly RandomTensorSpec[],
  dtype: RandomCheckpointDtype,
  seed: number,
  config: Readonly<Record<string, unknown>>,
): RandomCheckpointView {
  const file = `${component}/random.safetensors`;
  const tensors = new Map<string, TensorInfo>();
  const specOf = new Map<string, RandomTensorSpec>();
  let byteOffset = 0;
  for (const spec of specs) {
    const byteLength = spec.shape.reduce((n, d) => n * d, 1) * RANDOM_DTYPE_BYTES[dtype];
    tensors.set(spec.name, { name: spec.name, dtype, shape: spec.shape, byteOffset, byteLength, file });
    specOf.set(spec.name, spec);
    byteOffset += byteLength;
  }
  const readTensor = (name: string): Promise<TensorData> => {
    const info = tensors.get(name);
    if (!info) return Promise.reject(new ConvertError(`The random ${component} has no tensor "${name}".`, component, name));
    return Promise.resolve({ info, bytes: randomTensorBytes(specOf.get(name)!, dtype, seed, component) });
  };
  const shard: SafetensorsFile = { source: sequentialSource(file, byteOffset, [...tensors.values()], specOf, dtype, seed, component), tensors, metadata: {}, readTensor };
  return {
    component,
    shards: [shard],
    tensors,
    readTensor,
    readJson: (relPath) => (relPath === 'config.json' ? Promise.resolve(config) : Promise.reject(new ConvertError(`The random ${component} has no ${relPath}.`, component))),
    quantized: randomQuantizedWeights(specs, seed, component),
  };
}

/**
 * The file's bytes by range, for readers that copy a tensor block by block (the text embedding
 * table): a range inside one tensor, read best in order, as a later range continues the stream.
 */
function sequentialSource(
  name: string,
  size: number,
  infos: readonly TensorInfo[],
  specOf: ReadonlyMap<string, RandomTensorSpec>,
  dtype: RandomCheckpointDtype,
  seed: number,
  component: string,
): ByteSource {
  let open: { info: TensorInfo; stream: TensorByteStream; at: number } | undefined;
  return {
    name,
    size: () => Promise.resolve(size),
    read(offset, length) {
      const info = infos.find((t) => offset >= t.byteOffset && offset + length <= t.byteOffset + t.byteLength);
      if (!info) return Promise.reject(new RangeError(`${name}: bytes ${offset}+${length} are not inside one tensor.`));
      if (open?.info !== info || open.at > offset) open = { info, stream: randomTensorByteStream(specOf.get(info.name)!, dtype, seed, component), at: info.byteOffset };
      const elementBytes = RANDOM_DTYPE_BYTES[dtype];
      if ((offset - info.byteOffset) % elementBytes !== 0 || length % elementBytes !== 0) {
        return Promise.reject(new RangeError(`${name}: bytes ${offset}+${length} do not fall on whole elements.`));
      }
      if (open.at < offset) skip(open.stream, offset - open.at);
      const bytes = new Uint8Array(length);
      open.stream.read(bytes);
      open.at = offset + length;
      return Promise.resolve(bytes);
    },
  };
}

function skip(stream: TensorByteStream, bytes: number): void {
  const scratch = new Uint8Array(Math.min(bytes, 8 << 20));
  for (let left = bytes; left > 0; ) left -= stream.read(scratch.subarray(0, Math.min(left, scratch.byteLength)));
}
