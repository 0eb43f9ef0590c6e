import type { GraphBuilder } from '../../onnx/index.ts';

/** ONNX TensorProto data type codes, for Cast. */
export const CAST_TO = { float32: 1, float16: 10, int64: 7, int8: 3 } as const;

/** Casts `x` when `from` and `to` differ; otherwise returns it unchanged. */
export function castIfNeeded(g: GraphBuilder, x: string, from: 'float32' | 'float16', to: 'float32' | 'float16', name: string): string {
  return from === to ? x : g.op('Cast', [x], name, { attrs: { to: CAST_TO[to] } });
}

/** Reshape with a constant target shape (0 copies the input dim, −1 infers one). */
export function reshape(g: GraphBuilder, x: string, shape: readonly number[], name: string): string {
  return g.op('Reshape', [x, g.constant('int64', [shape.length], shape)], name);
}

/** Dims `start..end` of `x`'s shape as a 1-D int64 tensor. */
export function shapeSlice(g: GraphBuilder, x: string, start: number, end: number, name: string): string {
  const shape = g.op('Shape', [x], `${name}/Shape`);
  return g.op('Slice', [shape, g.constant('int64', [1], [start]), g.constant('int64', [1], [end])], `${name}/Slice`);
}

/** SiLU(x) = x · sigmoid(x). */
export function silu(g: GraphBuilder, x: string, scope: string): string {
  return g.op('Mul', [x, g.op('Sigmoid', [x], `${scope}/Sigmoid`)], `${scope}/Mul`);
}

/** GELU with the tanh approximation (PyTorch `gelu(approximate='tanh')`, HF `gelu_new`). */
export function geluTanh(g: GraphBuilder, x: string, scope: string): string {
  return g.op('Gelu', [x], `${scope}/Gelu`, { attrs: { approximate: 'tanh' } });
}
