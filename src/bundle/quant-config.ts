import { InvalidInputError } from '../errors.ts';
import { TENSOR_FAMILIES } from './tensor-families.ts';
import type { TensorFamily } from './tensor-families.ts';
import { WEIGHT_PRESETS } from './weight-presets.ts';
import type { WeightPreset } from './weight-presets.ts';

/** How linear-layer weights are stored. */
export type WeightFormat = 'int4' | 'int8' | 'fp16' | 'fp32';
/** How the VAE's convolution weights are stored: in the activation type, or int8 per output channel. */
export type VaeWeightFormat = 'float' | 'int8';
/**
 * How the VAE's causal-conv caches are kept between calls: in the activation type, or int8 with
 * one float32 scale per position (lossy; a quarter of fp32's memory, for onnxruntime-node on the CPU).
 */
export type VaeCacheFormat = 'float' | 'int8';
/** How the text encoder's token embedding table is stored: as in the source, or int8 rows with a float32 scale each. */
export type TextEmbeddingFormat = 'source' | 'int8';
/** The float type the graphs compute in. */
export type ActivationType = 'fp16' | 'fp32';

/** Resolved once per conversion; only the ops that emit weights read it. */
export interface QuantConfig {
  /** The format of every linear layer that `families` does not name (in bundles written before families, of all of them). */
  readonly weights: WeightFormat;
  /** The format of each tensor family's linear layers (absent in manifests written before the option: all `weights`). */
  readonly families?: Readonly<Partial<Record<TensorFamily, WeightFormat>>>;
  /** The preset the families came from (absent before presets). */
  readonly preset?: WeightPreset;
  readonly activations: ActivationType;
  /** MatMulNBits block size (values per scale). */
  readonly blockSize: number;
  /**
   * MatMulNBits accuracy_level, always written: the WebGPU kernel treats a missing one as
   * 4 (int8 activations), unlike the schema's default 0. 0 keeps float activations.
   */
  readonly accuracyLevel: 0 | 1 | 2 | 3 | 4;
  /** VAE convolution weights (absent in manifests written before the option: 'float'). */
  readonly vaeWeights?: VaeWeightFormat;
  /** VAE causal-conv caches (absent in manifests written before the option: 'float'). */
  readonly vaeCache?: VaeCacheFormat;
  /** The token embedding table; absent: 'source' (copied bit for bit). */
  readonly textEmbedding?: TextEmbeddingFormat;
}

export const WEIGHT_FORMATS: readonly WeightFormat[] = ['int4', 'int8', 'fp16', 'fp32'];
export const ACTIVATION_TYPES: readonly ActivationType[] = ['fp16', 'fp32'];
export const VAE_WEIGHT_FORMATS: readonly VaeWeightFormat[] = ['float', 'int8'];
export const VAE_CACHE_FORMATS: readonly VaeCacheFormat[] = ['float', 'int8'];
export const TEXT_EMBEDDING_FORMATS: readonly TextEmbeddingFormat[] = ['source', 'int8'];

/** The weight format of a linear layer of `family` (a weight no family names gets `weights`). */
export function weightFormatOf(quant: Pick<QuantConfig, 'weights' | 'families'>, family: TensorFamily | undefined): WeightFormat {
  return (family === undefined ? undefined : quant.families?.[family]) ?? quant.weights;
}

/**
 * The preset a one-click install and `wan-web convert` use unless told otherwise: int4 with the
 * few layers whose rounding costs the most at int8, chosen on `npm run bench:quality` (a third
 * of uniform int4's error on tiny-a for 0.5 % more bytes at full size).
 */
export const DEFAULT_WEIGHT_PRESET: WeightPreset = 'int4-mix';

/**
 * Checks user options and fills the defaults (the default preset, block 32, accuracy level 0).
 * `weights` is a preset (a uniform format, or a mix of formats per tensor family); `families`
 * overrides single families, e.g. `{ head: 'int8' }`. The result names every family's format.
 */
export function resolveQuantConfig(options: {
  weights?: string;
  families?: Readonly<Record<string, string>>;
  activations?: string;
  blockSize?: number;
  accuracyLevel?: number;
  vaeWeights?: string;
  vaeCache?: string;
  textEmbedding?: string;
}): QuantConfig {
  const preset = options.weights ?? DEFAULT_WEIGHT_PRESET;
  const activations = options.activations ?? 'fp16';
  if (!Object.hasOwn(WEIGHT_PRESETS, preset)) {
    throw new InvalidInputError(`options.weights must be one of ${Object.keys(WEIGHT_PRESETS).join(', ')}; got "${preset}".`);
  }
  const { base, families: presetFamilies } = WEIGHT_PRESETS[preset as WeightPreset];
  const families = resolveFamilies(base, { ...presetFamilies, ...options.families });
  if (!ACTIVATION_TYPES.includes(activations as ActivationType)) {
    throw new InvalidInputError(`options.activations must be one of ${ACTIVATION_TYPES.join(', ')}; got "${activations}".`);
  }
  const vaeWeights = options.vaeWeights ?? 'float';
  if (!VAE_WEIGHT_FORMATS.includes(vaeWeights as VaeWeightFormat)) {
    throw new InvalidInputError(`options.vaeWeights must be one of ${VAE_WEIGHT_FORMATS.join(', ')}; got "${vaeWeights}".`);
  }
  const vaeCache = options.vaeCache ?? 'float';
  if (!VAE_CACHE_FORMATS.includes(vaeCache as VaeCacheFormat)) {
    throw new InvalidInputError(`options.vaeCache must be one of ${VAE_CACHE_FORMATS.join(', ')}; got "${vaeCache}".`);
  }
  const textEmbedding = options.textEmbedding ?? 'source';
  if (!TEXT_EMBEDDING_FORMATS.includes(textEmbedding as TextEmbeddingFormat)) {
    throw new InvalidInputError(`options.textEmbedding must be one of ${TEXT_EMBEDDING_FORMATS.join(', ')}; got "${textEmbedding}".`);
  }
  const blockSize = options.blockSize ?? 32;
  if (![16, 32, 64, 128].includes(blockSize)) throw new InvalidInputError(`options.blockSize must be 16, 32, 64 or 128; got ${blockSize}.`);
  const accuracyLevel = options.accuracyLevel ?? 0;
  if (![0, 1, 2, 3, 4].includes(accuracyLevel)) throw new InvalidInputError(`options.accuracyLevel must be 0 to 4; got ${accuracyLevel}.`);
  return {
    weights: base,
    families,
    preset: preset as WeightPreset,
    activations: activations as ActivationType,
    blockSize,
    accuracyLevel: accuracyLevel as QuantConfig['accuracyLevel'],
    vaeWeights: vaeWeights as VaeWeightFormat,
    vaeCache: vaeCache as VaeCacheFormat,
    // Only when chosen, so that the bundles (and resume keys) of the default stay as they were.
    ...(textEmbedding === 'int8' ? { textEmbedding: 'int8' as const } : {}),
  };
}

/** Full precision: what the golden comparisons use. */
export const FP32_CONFIG: QuantConfig = { weights: 'fp32', activations: 'fp32', blockSize: 32, accuracyLevel: 0 };

/** Every family's format: `overrides` (checked) over `base`. */
function resolveFamilies(base: WeightFormat, overrides: Readonly<Record<string, string>>): Record<TensorFamily, WeightFormat> {
  for (const [family, format] of Object.entries(overrides)) {
    if (!TENSOR_FAMILIES.includes(family as TensorFamily)) {
      throw new InvalidInputError(`"${family}" is not a tensor family; the families are ${TENSOR_FAMILIES.join(', ')}.`);
    }
    if (!WEIGHT_FORMATS.includes(format as WeightFormat)) {
      throw new InvalidInputError(`The format of family "${family}" must be one of ${WEIGHT_FORMATS.join(', ')}; got "${format}".`);
    }
  }
  return Object.fromEntries(TENSOR_FAMILIES.map((family) => [family, (overrides[family] as WeightFormat | undefined) ?? base])) as Record<TensorFamily, WeightFormat>;
}
