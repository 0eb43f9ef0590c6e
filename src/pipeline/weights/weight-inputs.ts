import { decodeModel, encodeModel } from '../../onnx/onnx-proto.ts';
import type { ModelObject, TensorProtoObject, ValueInfoObject } from '../../onnx/onnx-proto.ts';
import { BYTES_PER_ELEMENT, ONNX_DATA_TYPE, dataTypeOfCode, elementCount } from '../../onnx/tensor-types.ts';
import type { DataType } from '../../onnx/tensor-types.ts';
import { ModelNotInstalledError } from '../../errors.ts';

/** A weight that a graph now takes as an input: its type and shape, and where its bytes are in the bundle. */
export interface WeightInput {
  readonly name: string;
  readonly dtype: DataType;
  readonly dims: readonly number[];
  readonly file: string;
  readonly offset: number;
  readonly length: number;
}

/** A constant stored inside the graph that the GPU reads: fed like a weight, from these bytes. */
export interface ConstantInput {
  readonly name: string;
  readonly dtype: DataType;
  readonly dims: readonly number[];
  readonly bytes: Uint8Array;
}

export interface WeightInputGraph {
  /** The graph with those weights and constants as inputs (and no external data left). */
  readonly model: Uint8Array;
  readonly weights: readonly WeightInput[];
  readonly constants: readonly ConstantInput[];
}

export interface WeightInputOptions {
  /** Whether a weight of this type can be fed as a tensor; the others are read and put inside the graph. */
  readonly feedable: (dtype: DataType) => boolean;
  /** The bytes of a bundle file's range (for the weights kept inside the graph). */
  readonly readRange: (file: string, offset: number, length: number) => Promise<Uint8Array>;
  /** The size of a bundle file, as its manifest lists it; undefined for a file it does not list. */
  readonly fileSize: (file: string) => number | undefined;
  /** For messages: which graph of which bundle. */
  readonly title: string;
}

/**
 * Rewrites a graph so that its external weights become graph inputs. The caller uploads
 * each weight into a GPU buffer itself, streaming it from the bundle file in pieces, and
 * feeds the buffers on every run. onnxruntime-web would otherwise read every external
 * file of a graph whole into JS memory (a URL in every build, and a Blob in the non-JSPI
 * build) and keep them all until the session exists. Weights of a type that a GPU tensor
 * cannot hold are read and stored inside the graph instead.
 *
 * The constants inside the graph that the GPU reads (per-channel scales and means, gather
 * indices, small scalars) become inputs too: onnxruntime-web 1.31 never frees the GPU
 * copies of a released session's initializers, so a graph loaded again for every
 * generation (the VAE decoder in the balanced memory mode) would leak them each time.
 * Constants onnxruntime reads on the CPU (shapes, axes, Resize scales, int64 arithmetic)
 * stay where they are.
 */
export async function weightsAsInputs(model: Uint8Array, options: WeightInputOptions): Promise<WeightInputGraph> {
  const decoded = decodeModel(model);
  const readers = consumersOf(decoded);
  const kept: TensorProtoObject[] = [];
  const weights: WeightInput[] = [];
  const constants: ConstantInput[] = [];
  for (const tensor of decoded.graph.initializer) {
    if (tensor.dataLocation !== 1) {
      const constant = gpuConstant(tensor, readers.get(tensor.name) ?? []);
      if (constant && options.feedable(constant.dtype)) constants.push(constant);
      else kept.push(tensor);
      continue;
    }
    const weight = externalWeight(tensor, options);
    if (options.feedable(weight.dtype)) {
      weights.push(weight);
    } else {
      const { externalData: _, dataLocation: __, ...inline } = tensor;
      kept.push({ ...inline, rawData: await options.readRange(weight.file, weight.offset, weight.length) });
    }
  }
  decoded.graph.initializer = kept;
  decoded.graph.input = [...decoded.graph.input, ...[...weights, ...constants].map(inputInfo)];
  return { model: encodeModel(decoded), weights, constants };
}

/** Each value's readers in the graph, as `OpType[input index]`. */
function consumersOf(model: ModelObject): Map<string, string[]> {
  const readers = new Map<string, string[]>();
  for (const node of model.graph.node) {
    node.input.forEach((input, index) => readers.set(input, [...(readers.get(input) ?? []), `${node.opType}[${index}]`]));
  }
  return readers;
}

/** Float inputs that onnxruntime's WebGPU kernels read on the CPU. */
const CPU_FLOAT_INPUTS = new Set(['Resize[1]', 'Resize[2]', 'Pad[2]', 'Upsample[1]']);
/** Integer inputs that its WebGPU kernels read on the GPU (every other integer constant is shape arithmetic, done on the CPU). */
const GPU_INDEX_INPUTS = new Set(['Gather[1]', 'GatherElements[1]']);

/** An inline initializer the GPU reads, as a constant to feed; null for one read on the CPU (or not stored as raw bytes). */
function gpuConstant(tensor: TensorProtoObject, readers: readonly string[]): ConstantInput | null {
  const dtype = dataTypeOfCode(tensor.dataType);
  const bytes = tensor.rawData;
  if (!dtype || !bytes || bytes.length === 0 || readers.length === 0) return null;
  const onGpu =
    dtype === 'float32' || dtype === 'float16' ? readers.every((reader) => !CPU_FLOAT_INPUTS.has(reader)) : readers.every((reader) => GPU_INDEX_INPUTS.has(reader));
  return onGpu ? { name: tensor.name, dtype, dims: tensor.dims, bytes } : null;
}

function externalWeight(tensor: TensorProtoObject, { fileSize, title }: WeightInputOptions): WeightInput {
  const damaged = (what: string): never => {
    throw new ModelNotInstalledError(`${title}: weight "${tensor.name}" ${what}. The bundle is damaged; install or build it again.`);
  };
  const entry = (key: string) => tensor.externalData?.find((e) => e.key === key)?.value;
  const file = entry('location')?.replace(/^\.\//, '');
  if (!file) return damaged('names no external data file');
  const dtype = dataTypeOfCode(tensor.dataType) ?? damaged(`has an unsupported element type (${tensor.dataType})`);
  const expected = elementCount(tensor.dims) * BYTES_PER_ELEMENT[dtype];
  const offset = Number(entry('offset') ?? 0);
  const length = Number(entry('length') ?? expected);
  if (!Number.isSafeInteger(offset) || offset < 0 || length !== expected) {
    damaged(`has ${length} bytes at offset ${offset}, but ${dtype}[${tensor.dims.join(', ')}] takes ${expected}`);
  }
  const size = fileSize(file);
  if (size === undefined) damaged(`is in ${file}, which the manifest does not list`);
  if (offset + length > size!) damaged(`ends at byte ${offset + length} of ${file}, which has ${size} bytes`);
  return { name: tensor.name, dtype, dims: tensor.dims, file, offset, length };
}

function inputInfo(weight: { readonly dtype: DataType; readonly dims: readonly number[]; readonly name: string }): ValueInfoObject {
  return {
    name: weight.name,
    type: { tensorType: { elemType: ONNX_DATA_TYPE[weight.dtype], shape: { dim: weight.dims.map((d) => ({ dimValue: d })) } } },
  };
}
