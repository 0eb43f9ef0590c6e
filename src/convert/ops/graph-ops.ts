import type { FloatType } from '../build-context.ts';
import type { GraphBuilder } from '../../onnx/index.ts';
import { ONNX_DATA_TYPE } from '../../onnx/index.ts';

/** Casts `x` when `from` and `to` differ; otherwise returns it unchanged. */
export function castIfNeeded(g: GraphBuilder, x: string, from: FloatType, to: FloatType, name: string): string {
  return from === to ? x : g.op('Cast', [x], name, { attrs: { to: ONNX_DATA_TYPE[to] } });
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
