import type { Checkpoint } from '../../safetensors/index.ts';
import { toFloat32 } from '../../safetensors/index.ts';
import { ConvertError } from '../../errors.ts';

/** Shape and source dtype of one checkpoint tensor. */
export interface SourceTensorInfo {
  readonly dtype: string;
  readonly shape: readonly number[];
}

/**
 * Read access to one model component's source weights, tensor by tensor, as float32.
 * Builders read each weight when they emit it, so memory holds a few tensors at a time.
 */
export interface WeightSource {
  readonly component: string;
  has(name: string): boolean;
  info(name: string): SourceTensorInfo;
  read(name: string): Promise<Float32Array>;
}

/**
 * A weight source over an opened safetensors checkpoint component, or over one safetensors
 * file given with a component name (a single-file checkpoint such as taew2_2.safetensors).
 */
export function checkpointWeightSource(checkpoint: Pick<Checkpoint, 'component' | 'tensors' | 'readTensor'>): WeightSource {
  const info = (name: string) => {
    const tensor = checkpoint.tensors.get(name);
    if (!tensor) {
      throw new ConvertError(
        `The ${checkpoint.component} weights have no tensor "${name}". Is this a Wan2.2 TI2V-5B diffusers checkpoint, and is it complete?`,
        checkpoint.component,
        name,
      );
    }
    return tensor;
  };
  return {
    component: checkpoint.component,
    has: (name) => checkpoint.tensors.has(name),
    info,
    async read(name) {
      const tensor = info(name);
      const { bytes } = await checkpoint.readTensor(name);
      return toFloat32(tensor, bytes);
    },
  };
}

/** Checks a tensor's shape and names it in the error. */
export function expectShape(source: WeightSource, name: string, shape: readonly number[]): void {
  const actual = source.info(name).shape;
  if (actual.length !== shape.length || actual.some((d, i) => d !== shape[i])) {
    throw new ConvertError(
      `Tensor "${name}" of ${source.component} has shape [${actual.join(', ')}], expected [${shape.join(', ')}]: the weights do not match their config.json.`,
      source.component,
      name,
    );
  }
}
