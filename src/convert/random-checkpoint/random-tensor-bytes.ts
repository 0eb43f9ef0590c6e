import { assert } from '../../assert.ts';
import { NormalStream, tensorStreamState } from './normal-stream.ts';
import type { RandomTensorSpec } from './random-tensor-spec.ts';

/** Element types a random checkpoint can be written in. */
export type RandomCheckpointDtype = 'F32' | 'BF16';

/** Bytes per element of each {@link RandomCheckpointDtype}. */
export const RANDOM_DTYPE_BYTES: Readonly<Record<RandomCheckpointDtype, number>> = { F32: 4, BF16: 2 };

/** Values converted to BF16 per pass. */
const BF16_BLOCK = 4096;

/** One tensor's little-endian bytes, produced piece by piece so no whole tensor is ever held. */
export interface TensorByteStream {
  readonly byteLength: number;
  /**
   * Writes the next bytes of the tensor to the start of `target` (a whole number of elements,
   * at most `target.byteLength`); returns how many, 0 once the tensor is complete. `target`
   * must start at a multiple of 4 bytes.
   */
  read(target: Uint8Array): number;
}

/**
 * The values of `spec` drawn from the stream of (`seed`, `component/name`): the same inputs
 * give the same bytes whatever the chunk sizes used to read them. BF16 values are the F32
 * values rounded to nearest even.
 */
export function randomTensorByteStream(
  spec: RandomTensorSpec,
  dtype: RandomCheckpointDtype,
  seed: number,
  component: string,
): TensorByteStream {
  const elementBytes = RANDOM_DTYPE_BYTES[dtype];
  const elements = spec.shape.reduce((n, d) => n * d, 1);
  const stream = new NormalStream(tensorStreamState(seed, `${component}/${spec.name}`));
  let produced = 0;
  let scratch: Float32Array<ArrayBuffer> | undefined;

  return {
    byteLength: elements * elementBytes,
    read(target) {
      assert(target.byteOffset % 4 === 0, 'randomTensorByteStream.read needs a target aligned to 4 bytes.');
      const count = Math.min(elements - produced, Math.floor(target.byteLength / elementBytes));
      if (count <= 0) return 0;
      if (dtype === 'F32') {
        stream.fill(new Float32Array(target.buffer, target.byteOffset, count), spec.mean, spec.std, count);
      } else {
        // Through a small float32 scratch that stays in the L1 cache.
        scratch ??= new Float32Array(BF16_BLOCK);
        const out = new Uint16Array(target.buffer, target.byteOffset, count);
        for (let done = 0; done < count; done += BF16_BLOCK) {
          const n = Math.min(BF16_BLOCK, count - done);
          stream.fill(scratch, spec.mean, spec.std, n);
          roundToBfloat16(scratch, out.subarray(done, done + n), n);
        }
      }
      produced += count;
      return count * elementBytes;
    },
  };
}

/** All bytes of one tensor at once: for small tensors, tests and in-memory checkpoints. */
export function randomTensorBytes(
  spec: RandomTensorSpec,
  dtype: RandomCheckpointDtype,
  seed: number,
  component: string,
): Uint8Array<ArrayBuffer> {
  const stream = randomTensorByteStream(spec, dtype, seed, component);
  const bytes = new Uint8Array(stream.byteLength);
  stream.read(bytes);
  return bytes;
}

/** bfloat16 bits of finite float32 values, rounded to nearest, ties to even. */
function roundToBfloat16(values: Float32Array, out: Uint16Array, count: number): void {
  // Signed view: the bit patterns stay small integers for V8, and for finite values the sum
  // below cannot leave the int32 range.
  const bits = new Int32Array(values.buffer, values.byteOffset, count);
  for (let i = 0; i < count; i++) {
    const b = bits[i] as number;
    out[i] = (b + 0x7fff + ((b >> 16) & 1)) >>> 16;
  }
}
