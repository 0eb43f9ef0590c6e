import { ModelProtoType, encodeModel } from '../../convert/onnx/onnx-proto.ts';
import type { ModelObject, TensorProtoObject, ValueInfoObject } from '../../convert/onnx/onnx-proto.ts';
import { BYTES_PER_ELEMENT, ONNX_DATA_TYPE, elementCount } from '../../convert/onnx/tensor-types.ts';
import type { DataType } from '../../convert/onnx/tensor-types.ts';
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

export interface WeightInputGraph {
  /** The graph with those weights as inputs (and no external data left). */
  readonly model: Uint8Array;
  readonly weights: readonly WeightInput[];
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

const DATA_TYPE_BY_CODE = new Map(Object.entries(ONNX_DATA_TYPE).map(([dtype, code]) => [code, dtype as DataType]));

/**
 * Rewrites a graph so that its external weights become graph inputs. The caller uploads
 * each weight into a GPU buffer itself, streaming it from the bundle file in pieces, and
 * feeds the buffers on every run. onnxruntime-web would otherwise read every external
 * file of a graph whole into JS memory (a URL in every build, and a Blob in the non-JSPI
 * build) and keep them all until the session exists. Weights of a type that a GPU tensor
 * cannot hold are read and stored inside the graph instead.
 */
export async function externalWeightsAsInputs(model: Uint8Array, options: WeightInputOptions): Promise<WeightInputGraph> {
  const decoded = ModelProtoType.toObject(ModelProtoType.decode(model), { longs: Number, bytes: Uint8Array, defaults: true }) as unknown as ModelObject;
  const kept: TensorProtoObject[] = [];
  const weights: WeightInput[] = [];
  for (const tensor of decoded.graph.initializer) {
    if (tensor.dataLocation !== 1) {
      kept.push(tensor);
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
  decoded.graph.input = [...decoded.graph.input, ...weights.map(inputInfo)];
  return { model: encodeModel(decoded), weights };
}

function externalWeight(tensor: TensorProtoObject, { fileSize, title }: WeightInputOptions): WeightInput {
  const damaged = (what: string): never => {
    throw new ModelNotInstalledError(`${title}: weight "${tensor.name}" ${what}. The bundle is damaged; install or build it again.`);
  };
  const entry = (key: string) => tensor.externalData?.find((e) => e.key === key)?.value;
  const file = entry('location')?.replace(/^\.\//, '');
  if (!file) return damaged('names no external data file');
  const dtype = DATA_TYPE_BY_CODE.get(tensor.dataType) ?? damaged(`has an unsupported element type (${tensor.dataType})`);
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

function inputInfo(weight: WeightInput): ValueInfoObject {
  return {
    name: weight.name,
    type: { tensorType: { elemType: ONNX_DATA_TYPE[weight.dtype], shape: { dim: weight.dims.map((d) => ({ dimValue: d })) } } },
  };
}
