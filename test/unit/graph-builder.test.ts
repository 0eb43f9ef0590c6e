import { describe, expect, test } from 'vitest';
import { GraphBuilder, float } from '../../src/onnx/index.ts';
import { ModelProtoType } from '../../src/onnx/onnx-proto.ts';

interface Decoded {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  graph: {
    node: { name: string; opType: string; domain: string; input: string[]; output: string[]; attribute: { name: string; type: number; i?: number; f?: number; ints?: number[] }[] }[];
    initializer: { name: string; dims: number[]; dataType: number; rawData?: Uint8Array; externalData?: { key: string; value: string }[]; dataLocation?: number }[];
    input: { name: string; type: { tensorType: { elemType: number; shape: { dim: { dimValue?: number; dimParam?: string }[] } } } }[];
    output: { name: string }[];
  };
}

const decode = (bytes: Uint8Array) =>
  ModelProtoType.toObject(ModelProtoType.decode(bytes), { longs: Number, bytes: Uint8Array, defaults: false }) as unknown as Decoded;

describe('GraphBuilder', () => {
  test('writes nodes, typed attributes, inputs with symbolic dims and outputs', () => {
    const g = new GraphBuilder('g');
    const x = g.input('x', 'float32', ['batch', 8]);
    const y = g.op('LayerNormalization', [x, g.constant('float32', [8], [1, 1, 1, 1, 1, 1, 1, 1])], '/ln/LayerNormalization', {
      attrs: { axis: -1, epsilon: float(1e-6) },
    });
    g.output('y', 'float32', ['batch', 8], y);
    const model = decode(g.toModel({ opsets: { '': 21, 'com.microsoft': 1 } }));

    expect(model.irVersion).toBe(10);
    expect(model.opsetImport.map((o) => [o.domain ?? '', o.version])).toEqual([['', 21], ['com.microsoft', 1]]);
    const [ln, identity] = model.graph.node;
    expect(ln!.opType).toBe('LayerNormalization');
    expect(ln!.output).toEqual(['/ln/LayerNormalization/output_0']);
    expect(ln!.attribute.find((a) => a.name === 'axis')).toMatchObject({ type: 2, i: -1 });
    expect(ln!.attribute.find((a) => a.name === 'epsilon')!.f).toBeCloseTo(1e-6, 12);
    expect(identity).toMatchObject({ opType: 'Identity', input: ['/ln/LayerNormalization/output_0'], output: ['y'] });
    expect(model.graph.input[0]!.type.tensorType.shape.dim).toEqual([{ dimParam: 'batch' }, { dimValue: 8 }]);
  });

  test('deduplicates constants and nodes by name', () => {
    const g = new GraphBuilder('g');
    const a = g.constant('int64', [2], [1, 2]);
    const b = g.constant('int64', [2], [1, 2]);
    expect(a).toBe(b);
    const first = g.op('Add', ['x', a], '/add/Add');
    const second = g.op('Add', ['x', 'other'], '/add/Add');
    expect(second).toBe(first);
    const model = decode(g.toModel({ opsets: { '': 21 } }));
    expect(model.graph.initializer).toHaveLength(1);
    expect(model.graph.node).toHaveLength(1);
    expect(model.graph.node[0]!.input).toEqual(['x', a]);
  });

  test('stores external initializers by location, offset and length', () => {
    const g = new GraphBuilder('g');
    g.initializer('w', 'float32', [4, 4], { location: 'weights-0.bin', offset: 128, length: 64 });
    const [w] = decode(g.toModel({ opsets: { '': 21 } })).graph.initializer;
    expect(w!.dataLocation).toBe(1);
    expect(w!.rawData).toBeUndefined();
    expect(w!.externalData).toEqual([
      { key: 'location', value: 'weights-0.bin' },
      { key: 'offset', value: '128' },
      { key: 'length', value: '64' },
    ]);
  });

  test('rejects data of the wrong size and untagged float attributes', () => {
    const g = new GraphBuilder('g');
    expect(() => g.initializer('w', 'float32', [4], new Uint8Array(8))).toThrow(/8 bytes given, float32\[4\] needs 16/);
    expect(() => g.op('Foo', ['x'], '/foo', { attrs: { alpha: 0.5 } })).toThrow(/mark floats with float\(\)/);
  });
});
