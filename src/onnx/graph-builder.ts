import { encodeModel } from './onnx-proto.ts';
import type { AttributeObject, NodeObject, TensorProtoObject, ValueInfoObject } from './onnx-proto.ts';
import { BYTES_PER_ELEMENT, ONNX_DATA_TYPE, elementCount } from './tensor-types.ts';
import type { DataType } from './tensor-types.ts';

/** A graph dimension: a fixed size or a symbolic name that the caller sets per run. */
export type Dim = number | string;

/** A float attribute (numbers alone are taken as integers, so floats are marked). */
export interface FloatAttr { readonly float: number }
/** A list-of-floats attribute. */
export interface FloatsAttr { readonly floats: readonly number[] }
/** An attribute value: integer, integer list, string, or a marked float / float list. */
export type AttrValue = number | readonly number[] | string | FloatAttr | FloatsAttr;

/** Marks a float attribute: `{ epsilon: float(1e-6) }`. */
export const float = (value: number): FloatAttr => ({ float: value });
/** Marks a list-of-floats attribute. */
export const floats = (values: readonly number[]): FloatsAttr => ({ floats: values });

/** Where an initializer's bytes live when they are not inside the .onnx file. */
export interface ExternalData {
  readonly location: string;
  readonly offset: number;
  readonly length: number;
}

export interface NodeOptions {
  /** ONNX domain, '' for the default one, 'com.microsoft' for onnxruntime contrib ops. */
  readonly domain?: string;
  readonly attrs?: Readonly<Record<string, AttrValue>>;
  /** How many outputs the node has (named `<node>/output_<i>`). */
  readonly outputs?: number;
}

export interface ModelOptions {
  /** Opset version per domain, e.g. `{ '': 21, 'com.microsoft': 1 }`. */
  readonly opsets: Readonly<Record<string, number>>;
  readonly producer?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;

/**
 * Builds one ONNX graph. Names do the wiring: a node named `/dit/blocks.0/attn/q/MatMul`
 * produces `/dit/blocks.0/attn/q/MatMul/output_0`; adding a node whose name exists
 * returns the existing outputs, and constants are deduplicated by value.
 */
export class GraphBuilder {
  private readonly nodes = new Map<string, NodeObject>();
  private readonly initializers = new Map<string, TensorProtoObject>();
  private readonly inputs: ValueInfoObject[] = [];
  private readonly outputs: ValueInfoObject[] = [];

  constructor(readonly name: string) {}

  /** Declares a graph input and returns its name. */
  input(name: string, dtype: DataType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, dtype, dims));
    return name;
  }

  /** Declares `source` as the graph output `name` (through an Identity when the names differ). */
  output(name: string, dtype: DataType, dims: readonly Dim[], source: string = name): void {
    if (source !== name) this.addNode('Identity', [source], [name], `${name}/Identity`, '', {});
    this.outputs.push(valueInfo(name, dtype, dims));
  }

  /** Adds a node and returns its output names. */
  node(opType: string, inputs: readonly string[], name: string, options: NodeOptions = {}): string[] {
    const existing = this.nodes.get(name);
    if (existing) return existing.output;
    const outputs = Array.from({ length: options.outputs ?? 1 }, (_, i) => `${name}/output_${i}`);
    this.addNode(opType, inputs, outputs, name, options.domain ?? '', options.attrs ?? {});
    return outputs;
  }

  /** Adds a node with one output and returns that output's name. */
  op(opType: string, inputs: readonly string[], name: string, options: Omit<NodeOptions, 'outputs'> = {}): string {
    return this.node(opType, inputs, name, options)[0]!;
  }

  /** Adds a weight, stored inline (bytes) or in an external data file. */
  initializer(name: string, dtype: DataType, dims: readonly number[], data: Uint8Array | ExternalData): string {
    const expected = expectedBytes(dtype, dims);
    const length = data instanceof Uint8Array ? data.byteLength : data.length;
    if (expected !== undefined && length !== expected) {
      throw new RangeError(`Initializer ${name}: ${length} bytes given, ${dtype}[${dims.join(',')}] needs ${expected}.`);
    }
    const tensor: TensorProtoObject = { name, dims: [...dims], dataType: ONNX_DATA_TYPE[dtype] };
    if (data instanceof Uint8Array) {
      tensor.rawData = data;
    } else {
      tensor.dataLocation = 1;
      tensor.externalData = [
        { key: 'location', value: data.location },
        { key: 'offset', value: String(data.offset) },
        { key: 'length', value: String(data.length) },
      ];
    }
    this.initializers.set(name, tensor);
    return name;
  }

  /** The external data files this graph's initializers reference. */
  externalDataFiles(): string[] {
    const files = new Set<string>();
    for (const tensor of this.initializers.values()) {
      const location = tensor.externalData?.find((entry) => entry.key === 'location')?.value;
      if (location) files.add(location);
    }
    return [...files].sort();
  }

  /** True when an initializer of this name exists (for sharing parameters between nodes). */
  hasInitializer(name: string): boolean {
    return this.initializers.has(name);
  }

  /** A small constant tensor, deduplicated by type, shape and value. */
  constant(dtype: 'float32' | 'int64' | 'int32', dims: readonly number[], values: readonly number[]): string {
    const name = `/constants/${dtype}/[${dims.join(',')}]/${values.join(',')}`;
    if (this.initializers.has(name)) return name;
    const bytes = new Uint8Array(values.length * BYTES_PER_ELEMENT[dtype]);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => {
      if (dtype === 'float32') view.setFloat32(i * 4, v, true);
      else if (dtype === 'int32') view.setInt32(i * 4, v, true);
      else view.setBigInt64(i * 8, BigInt(v), true);
    });
    return this.initializer(name, dtype, dims, bytes);
  }

  /** Serialises the graph as an ONNX model (IR version 10). */
  toModel(options: ModelOptions): Uint8Array {
    return encodeModel({
      irVersion: 10,
      producerName: options.producer ?? 'wan-web',
      producerVersion: '1',
      opsetImport: Object.entries(options.opsets).map(([domain, version]) => ({ domain, version })),
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: [...this.nodes.values()],
        initializer: [...this.initializers.values()],
        input: this.inputs,
        output: this.outputs,
      },
    });
  }

  private addNode(
    opType: string,
    inputs: readonly string[],
    outputs: string[],
    name: string,
    domain: string,
    attrs: Readonly<Record<string, AttrValue>>,
  ): void {
    const attribute = Object.entries(attrs).map(([key, value]) => toAttribute(`${name}.${key}`, key, value));
    this.nodes.set(name, { name, opType, domain, input: [...inputs], output: outputs, attribute });
  }
}

function valueInfo(name: string, dtype: DataType, dims: readonly Dim[]): ValueInfoObject {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: ONNX_DATA_TYPE[dtype], shape: { dim } } } };
}

function expectedBytes(dtype: DataType, dims: readonly number[]): number | undefined {
  return dtype === 'bool' ? undefined : elementCount(dims) * BYTES_PER_ELEMENT[dtype];
}

function toAttribute(where: string, name: string, value: AttrValue): AttributeObject {
  if (typeof value === 'string') return { name, type: ATTR_STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new TypeError(`${where} is not an integer; mark floats with float().`);
    return { name, type: ATTR_INT, i: value };
  }
  if ('float' in value) return { name, type: ATTR_FLOAT, f: value.float };
  if ('floats' in value) return { name, type: ATTR_FLOATS, floats: [...value.floats] };
  if (!value.every(Number.isInteger)) throw new TypeError(`${where} has a non-integer; mark float lists with floats().`);
  return { name, type: ATTR_INTS, ints: [...value] };
}
