import { ConvertError } from '../../errors.ts';
import { describeJson } from '../../json-value.ts';

/**
 * One tensor of a random checkpoint: its diffusers/transformers name, its shape, and the normal
 * distribution its values are drawn from.
 */
export interface RandomTensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly mean: number;
  readonly std: number;
}

/** A parsed config.json: a plain JSON object. */
export type JsonObject = Readonly<Record<string, unknown>>;

// The scale scheme of test/fixtures/tiny-a (see its README): every linear/conv weight is
// N(0, 1/fan_in), so activations keep their scale through a network of any width or depth.

/** A linear or convolution weight `[out, in, ...kernel]`: N(0, 1/fan_in), fan_in = in·∏kernel. */
export function fanInWeight(name: string, shape: readonly number[]): RandomTensorSpec {
  const fanIn = shape.slice(1).reduce((n, d) => n * d, 1);
  return { name, shape, mean: 0, std: 1 / Math.sqrt(fanIn) };
}

/** A weight with an explicit standard deviation (embeddings, relative position biases, …). */
export function normalTensor(name: string, shape: readonly number[], std: number, mean = 0): RandomTensorSpec {
  return { name, shape, mean, std };
}

/** A normalisation gain: 1 + N(0, 0.1²). */
export function gain(name: string, shape: readonly number[]): RandomTensorSpec {
  return { name, shape, mean: 1, std: 0.1 };
}

/** `prefix.weight` (N(0, 1/fan_in)) and `prefix.bias` (N(0, biasStd²)) of a linear or conv layer. */
export function layerWithBias(prefix: string, weightShape: readonly number[], biasStd: number): RandomTensorSpec[] {
  const out = weightShape[0] as number;
  return [fanInWeight(`${prefix}.weight`, weightShape), normalTensor(`${prefix}.bias`, [out], biasStd)];
}

/** Number of parameters in a list of specs. */
export function parameterCount(specs: readonly RandomTensorSpec[]): number {
  return specs.reduce((n, spec) => n + spec.shape.reduce((m, d) => m * d, 1), 0);
}

/** Reads a config.json field that must be a positive integer. */
export function positiveIntField(config: JsonObject, key: string, file: string): number {
  const value = config[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConvertError(`${file}: "${key}" must be a positive integer, got ${describeJson(value)}.`, file);
  }
  return value;
}

/** Reads a config.json field that must be a list of positive integers. */
export function positiveIntListField(config: JsonObject, key: string, file: string): number[] {
  const value = config[key];
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => Number.isInteger(v) && (v as number) > 0)) {
    throw new ConvertError(`${file}: "${key}" must be a non-empty list of positive integers, got ${describeJson(value)}.`, file);
  }
  return value as number[];
}

/** Reads a config.json field that must be a list of booleans. */
export function booleanListField(config: JsonObject, key: string, file: string): boolean[] {
  const value = config[key];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'boolean')) {
    throw new ConvertError(`${file}: "${key}" must be a list of booleans, got ${describeJson(value)}.`, file);
  }
  return value as boolean[];
}

/** Checks that a config is a JSON object, naming the file otherwise. */
export function configObject(json: unknown, file: string): JsonObject {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConvertError(`${file} must be a JSON object, got ${describeJson(json)}.`, file);
  }
  return json as JsonObject;
}
