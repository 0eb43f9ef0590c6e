import type { GraphBuilder } from './onnx/index.ts';
import type { DataType } from './onnx/index.ts';
import type { QuantConfig } from './quant/quant-config.ts';
import type { WeightSource } from './weights/weight-source.ts';
import type { WeightStore } from './weights/weight-store.ts';
import { float32ToFloat16Bits } from './safetensors/index.ts';

/** What every component builder works with: one graph, its source weights, where weights go, and the quantization. */
export interface BuildContext {
  readonly g: GraphBuilder;
  readonly weights: WeightSource;
  readonly store: WeightStore;
  readonly quant: QuantConfig;
}

/** The ONNX float type of activations (and of float parameters that meet them). */
export function activationType(ctx: BuildContext): 'float32' | 'float16' {
  return ctx.quant.activations === 'fp16' ? 'float16' : 'float32';
}

/** Bytes of float values in the given float type. */
export function floatBytes(values: Float32Array, dtype: 'float32' | 'float16'): Uint8Array {
  if (dtype === 'float32') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const halves = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) halves[i] = float32ToFloat16Bits(values[i]!);
  return new Uint8Array(halves.buffer);
}

/** Stores a weight and adds its initializer. */
export async function addWeight(
  ctx: BuildContext,
  name: string,
  dtype: DataType,
  dims: readonly number[],
  bytes: Uint8Array,
): Promise<string> {
  const data = await ctx.store.add(name, dtype, dims, bytes);
  return ctx.g.initializer(name, dtype, dims, data);
}

/** A float parameter (norm gain, bias, table) in the given type, activation type by default. */
export async function floatParam(
  ctx: BuildContext,
  name: string,
  values: Float32Array,
  dims: readonly number[],
  dtype: 'float32' | 'float16' = activationType(ctx),
): Promise<string> {
  return addWeight(ctx, name, dtype, dims, floatBytes(values, dtype));
}

/** Reads a source tensor and adds it as a float parameter with the given dims. */
export async function sourceParam(
  ctx: BuildContext,
  tensor: string,
  dims: readonly number[],
  dtype: 'float32' | 'float16' = activationType(ctx),
): Promise<string> {
  return floatParam(ctx, tensor, await ctx.weights.read(tensor), dims, dtype);
}
