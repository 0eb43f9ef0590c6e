import type { TensorInputs } from '../pipeline/components.ts';
import type { PostedTensor } from './model-host-api.ts';

/** Tensors posted from the page, as a component reads its inputs. */
export function postedInputs(tensors: Readonly<Record<string, PostedTensor>>): TensorInputs {
  const get = (name: string, dtype: PostedTensor['dtype']) => {
    const tensor = tensors[name];
    if (!tensor || tensor.dtype !== dtype) throw new TypeError(`input "${name}" (${dtype}) is missing`);
    return tensor;
  };
  return {
    has: (name) => name in tensors,
    float: async (name) => get(name, 'float32') as { data: Float32Array; dims: readonly number[] },
    int64: async (name) => get(name, 'int64') as { data: BigInt64Array; dims: readonly number[] },
  };
}
