import { decodeModel, encodeModel } from '../../onnx/onnx-proto.ts';
import type { AttributeObject, NodeObject, TensorProtoObject } from '../../onnx/onnx-proto.ts';
import { float32ToFloat16Bits } from '../../safetensors/float16.ts';

/** The element type of a graph's activations (its attention inputs). */
export type AttentionDtype = 'float32' | 'float16';

const ONNX_FLOAT = 1;
const ONNX_FLOAT16 = 10;
const ONNX_INT64 = 7;
const ATTR_INT = 2;
const ATTR_INTS = 7;

const int64s = (name: string, values: readonly number[]): TensorProtoObject => ({
  name,
  dims: [values.length],
  dataType: ONNX_INT64,
  rawData: new Uint8Array(BigInt64Array.from(values, BigInt).buffer),
});

function scalar(name: string, value: number, dtype: AttentionDtype): TensorProtoObject {
  const rawData = dtype === 'float16' ? new Uint8Array(Uint16Array.of(float32ToFloat16Bits(value)).buffer) : new Uint8Array(Float32Array.of(value).buffer);
  return { name, dims: [], dataType: dtype === 'float16' ? ONNX_FLOAT16 : ONNX_FLOAT, rawData };
}

const attribute = (node: NodeObject, name: string) => node.attribute?.find((a) => a.name === name);
const perm = (values: number[]): AttributeObject[] => [{ name: 'perm', type: ATTR_INTS, ints: values }];

/**
 * Rewrites every com.microsoft MultiHeadAttention node (q, k, v as [B, L, heads·D]) into
 * standard ops: softmax(q·kᵀ·scale)·v with MatMul and Softmax. For a WebGPU device whose fused
 * attention kernel gave wrong results in the self-check, where the device itself cannot be
 * changed (onnxruntime-node's native EP creates it; the browser drops `subgroups` instead).
 * The probabilities [B, heads, Lq, Lk] are materialised, so long sequences need query chunks
 * first (chunkSelfAttention). Weights stay in the same external files; a graph without
 * attention comes back as it was given.
 */
export function unfuseAttention(model: Uint8Array, dtype: AttentionDtype): Uint8Array {
  const decoded = decodeModel(model);
  const isAttention = (node: NodeObject) => node.opType === 'MultiHeadAttention' && node.domain === 'com.microsoft';
  if (!decoded.graph.node.some(isAttention)) return model;
  const initializers = [...decoded.graph.initializer];
  const names = new Set(initializers.map((t) => t.name));
  const add = (tensor: TensorProtoObject) => {
    if (!names.has(tensor.name)) initializers.push(tensor);
    names.add(tensor.name);
    return tensor.name;
  };
  const nodes: NodeObject[] = [];
  for (const node of decoded.graph.node) {
    if (!isAttention(node)) {
      nodes.push(node);
      continue;
    }
    const [query, key, value, ...rest] = node.input;
    if (!query || !key || !value || rest.some((input) => input !== '')) {
      throw new RangeError(`${node.name}: only MultiHeadAttention with separate q, k, v inputs (no bias, mask or cache) can be unfused.`);
    }
    const heads = Number(attribute(node, 'num_heads')?.i ?? 0);
    if (!(heads > 0)) throw new RangeError(`${node.name} has no num_heads.`);
    const scale = attribute(node, 'scale')?.f;
    // The kernel's default scale is 1/√D, and D is not known here without shapes.
    if (scale === undefined) throw new RangeError(`${node.name} has no scale attribute; unfusing needs it.`);
    const s = node.name;
    const op = (opType: string, input: string[], name: string, attrs: AttributeObject[] = []): string => {
      nodes.push({ name: `${s}/${name}`, opType, domain: '', input, output: [`${s}/${name}/output_0`], attribute: attrs });
      return `${s}/${name}/output_0`;
    };
    const split = add(int64s(`/constants/unfused_attention/split_heads/${heads}`, [0, 0, heads, -1]));
    const merge = add(int64s('/constants/unfused_attention/merge_heads', [0, 0, -1]));
    const headsOf = (input: string, name: string, order: number[]) => op('Transpose', [op('Reshape', [input, split], `${name}/Reshape`)], `${name}/Transpose`, perm(order));
    const q = headsOf(query, 'q', [0, 2, 1, 3]);
    const kT = headsOf(key, 'k', [0, 2, 3, 1]);
    const v = headsOf(value, 'v', [0, 2, 1, 3]);
    // Scaling q before the product keeps fp16 scores in range.
    const scaled = op('Mul', [q, add(scalar(`/constants/unfused_attention/scale/${dtype}/${scale}`, scale, dtype))], 'q/Scale');
    const probs = op('Softmax', [op('MatMul', [scaled, kT], 'Scores')], 'Softmax', [{ name: 'axis', type: ATTR_INT, i: -1 }]);
    const out = op('Transpose', [op('MatMul', [probs, v], 'Values')], 'Transpose', perm([0, 2, 1, 3]));
    nodes.push({ name: `${s}/MergeHeads`, opType: 'Reshape', domain: '', input: [out, merge], output: node.output, attribute: [] });
  }
  decoded.graph.node = nodes;
  decoded.graph.initializer = initializers;
  return encodeModel(decoded);
}
