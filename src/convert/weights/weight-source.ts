import type { Checkpoint } from '../../safetensors/index.ts';
import { toFloat32 } from '../../safetensors/index.ts';
import { ConvertError } from '../../errors.ts';
import type { GgmlType, GgufCheckpoint } from '../../gguf/index.ts';
import type { QuantizedMatrix } from '../quant/quantize-blockwise.ts';

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
  /** A GGUF source's stored blocks, for the layers that take them as they are (ops/linear-ggml.ts). */
  readonly ggml?: GgmlBlocks;
  /** Linear weights that exist only in quantized form (the random full-size bundle, src/convert/random-bundle). */
  readonly quantized?: QuantizedWeights;
}

/** Linear weights given already in MatMulNBits layout, so that no float matrix is made and quantized. */
export interface QuantizedWeights {
  /** The weight `name` ([n, k]) at `bits` and `blockSize`, or undefined to read and quantize it as usual. */
  read(name: string, n: number, k: number, bits: 4 | 8, blockSize: number): QuantizedMatrix | undefined;
}

/** The ggml blocks of a GGUF source's tensors. */
export interface GgmlBlocks {
  type(name: string): GgmlType | undefined;
  read(name: string): Promise<Uint8Array>;
}

/**
 * The scales of a checkpoint's float8 weights, by weight name (ComfyUI's "scaled fp8": the
 * value is the stored float8 value times the scale, one scalar per tensor or one per output row).
 */
export type WeightScales = ReadonlyMap<string, () => Promise<Float32Array>>;

/**
 * A weight source over an opened safetensors checkpoint component, or over one safetensors
 * file given with a component name (a single-file checkpoint such as taew2_2.safetensors).
 */
export function checkpointWeightSource(
  checkpoint: Pick<Checkpoint, 'component' | 'tensors' | 'readTensor'> & Partial<Pick<GgufCheckpoint, 'ggml' | 'readBlocks'>> & Pick<WeightSource, 'quantized'>,
  scales?: WeightScales,
): WeightSource {
  const { ggml, readBlocks, quantized } = checkpoint;
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
      const values = toFloat32(tensor, bytes);
      const scale = scales?.get(name);
      return scale ? applyScale(checkpoint.component, tensor, values, await scale()) : values;
    },
    ...(ggml && readBlocks ? { ggml: { type: (name: string) => ggml.get(name)?.type, read: (name: string) => readBlocks(name) } } : {}),
    ...(quantized ? { quantized } : {}),
  };
}

/** Multiplies a weight by its scale: one value for the tensor, or one per output row (the first axis). */
function applyScale(component: string, tensor: SourceTensorInfo & { readonly name: string }, values: Float32Array, scale: Float32Array): Float32Array {
  const rows = tensor.shape[0] ?? 1;
  if (scale.length !== 1 && scale.length !== rows) {
    throw new ConvertError(
      `The scale of "${tensor.name}" in ${component} has ${scale.length} values; a float8 weight of shape [${tensor.shape.join(', ')}] takes 1 or ${rows}. The file is not a scaled-fp8 checkpoint wan-web can read.`,
      component,
      tensor.name,
    );
  }
  const rowLength = values.length / rows;
  for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * (scale.length === 1 ? (scale[0] as number) : (scale[Math.floor(i / rowLength)] as number));
  return values;
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
