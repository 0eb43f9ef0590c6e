import { ConvertError } from '../errors.ts';
import { describeJson, isJsonObject } from '../json-value.ts';

/**
 * Field checks shared by the diffusers config.json parsers (dit-config, umt5-config,
 * vae-config). They throw ConvertError naming the file and the field: the builder reads these
 * files from a checkpoint, and at run time validateManifest turns the same errors into a
 * ManifestError about the bundle.
 */

/** What to do about a config.json these parsers refuse. */
export const CONFIG_ADVICE = 'Use the model\'s own config.json (re-download the checkpoint).';

/**
 * Largest width a config may give (hidden sizes, FFN sizes, channels): 70× Wan2.2's largest
 * (14336), and small enough that a product of two stays an exact integer.
 */
export const MAX_CONFIG_WIDTH = 1 << 20;
/** Largest count of layers or heads: 34× Wan2.2's 30 layers (UMT5-XXL has 24, with 64 heads). */
export const MAX_CONFIG_COUNT = 1024;
/** Largest vocabulary: 16× UMT5's 256,384 rows. */
export const MAX_CONFIG_VOCAB = 1 << 22;

/** The config as an object, or a ConvertError naming `file`. */
export function configObject(file: string, json: unknown): Record<string, unknown> {
  if (!isJsonObject(json)) throw new ConvertError(`${file} is not a JSON object. ${CONFIG_ADVICE}`, file);
  return json;
}

/** A field that must be an integer in 1..max. */
export function configInteger(file: string, c: Record<string, unknown>, key: string, max: number): number {
  const value = c[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > max) {
    throw new ConvertError(`${file}: "${key}" must be a positive integer up to ${max}, got ${describeJson(value)}. ${CONFIG_ADVICE}`, file);
  }
  return value;
}

/** A normalisation epsilon: a number above 0 and below 1 (`fallback` when the field is absent). */
export function configEpsilon(file: string, c: Record<string, unknown>, key: string, fallback?: number): number {
  const value = c[key] ?? fallback;
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new ConvertError(`${file}: "${key}" must be a positive number below 1, got ${describeJson(value)}. ${CONFIG_ADVICE}`, file);
  }
  return value;
}
