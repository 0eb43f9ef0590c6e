import type { GraphBuilder } from '../onnx/index.ts';
import type { DataType } from '../onnx/index.ts';
import type { QuantConfig } from '../bundle/quant-config.ts';
import type { WeightSource } from './weights/weight-source.ts';
import type { WeightStore } from './weights/weight-store.ts';
import { float32ToFloat16Bits } from '../safetensors/index.ts';

/** The float types graphs compute in. */
export type FloatType = 'float32' | 'float16';

/** What every component builder works with: one graph, its source weights, where weights go, and the quantization. */
export interface BuildContext {
  readonly g: GraphBuilder;
  readonly weights: WeightSource;
  readonly store: WeightStore;
  readonly quant: QuantConfig;
}

/** The ONNX float type of activations (and of float parameters that meet them). */
export function activationType(ctx: BuildContext): FloatType {
  return ctx.quant.activations === 'fp16' ? 'float16' : 'float32';
}

/** Bytes of float values in the given float type. */
export function floatBytes(values: Float32Array, dtype: FloatType): Uint8Array {
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
  dtype: FloatType = activationType(ctx),
): Promise<string> {
  return addWeight(ctx, name, dtype, dims, floatBytes(values, dtype));
}

/** A weight to be made: its initializer name, type and shape. */
export interface WeightSpec {
  readonly name: string;
  readonly dtype: DataType;
  readonly dims: readonly number[];
}

/**
 * Adds the initializers of weights made from source tensors. `make` (which reads the source)
 * runs only when the store lacks one of them, so a resumed conversion does not download
 * or compute again what it kept. Returns the initializer names, in order.
 */
export async function derivedWeights(ctx: BuildContext, specs: readonly WeightSpec[], make: () => Promise<readonly Uint8Array[]>): Promise<string[]> {
  const kept = specs.map((spec) => ctx.store.recall(spec.name, spec.dtype, spec.dims));
  const made = kept.every((data) => data !== undefined) ? [] : await make();
  const names: string[] = [];
  for (const [i, spec] of specs.entries()) {
    const data = kept[i] ?? (await ctx.store.add(spec.name, spec.dtype, spec.dims, made[i]!));
    names.push(ctx.g.initializer(spec.name, spec.dtype, spec.dims, data));
  }
  return names;
}

/** A float parameter made from source values by `make`, read only when the store lacks it. */
export async function derivedParam(
  ctx: BuildContext,
  name: string,
  dims: readonly number[],
  dtype: FloatType,
  make: () => Promise<Float32Array>,
): Promise<string> {
  const [param] = await derivedWeights(ctx, [{ name, dtype, dims }], async () => [floatBytes(await make(), dtype)]);
  return param!;
}

/** Reads a source tensor and adds it as a float parameter with the given dims. */
export function sourceParam(
  ctx: BuildContext,
  tensor: string,
  dims: readonly number[],
  dtype: FloatType = activationType(ctx),
): Promise<string> {
  return derivedParam(ctx, tensor, dims, dtype, () => ctx.weights.read(tensor));
}
