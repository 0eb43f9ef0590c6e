import { ConvertError } from '../errors.ts';
import { describeJson } from '../json-value.ts';
import { CONFIG_ADVICE, MAX_CONFIG_COUNT, MAX_CONFIG_WIDTH, configInteger, configObject } from './config-fields.ts';

const FILE = 'vae/config.json';

/**
 * The AutoencoderKLWan hyper-parameters our graphs depend on (diffusers config.json names),
 * restricted to the Wan2.2 layout: residual blocks, 2×2 patchify, AvgDown3D/DupUp3D shortcuts.
 */
export interface VaeConfig {
  /** Latent channels (48 for Wan2.2). */
  readonly zDim: number;
  /** Encoder base width (160). */
  readonly baseDim: number;
  /** Decoder base width (256). */
  readonly decoderBaseDim: number;
  readonly dimMult: readonly number[];
  readonly numResBlocks: number;
  /** Per encoder down block (all but the last): whether it halves time too. */
  readonly temporalDownsample: readonly boolean[];
  /** Spatial patchify factor (2). */
  readonly patchSize: number;
  /** Pixel channels (3); the graphs see 3·patch² after patchify. */
  readonly imageChannels: number;
  readonly latentsMean: readonly number[];
  readonly latentsStd: readonly number[];
}

function bad(message: string): never {
  throw new ConvertError(`${FILE}: ${message} ${CONFIG_ADVICE}`, FILE);
}

/** Down blocks (entries of dim_mult) at most: 2^7 · patch 2 = 256 pixels per latent cell. */
const MAX_LEVELS = 8;
/** Largest width multiplier of a level (Wan2.2: 4). */
const MAX_DIM_MULT = 64;

const positiveInt = (c: Record<string, unknown>, key: string, max = MAX_CONFIG_WIDTH) => configInteger(FILE, c, key, max);

function numberList(c: Record<string, unknown>, key: string, length?: number): number[] {
  const value = c[key];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    bad(`"${key}" must be a list of numbers, got ${describeJson(value)}.`);
  }
  if (length !== undefined && value.length !== length) bad(`"${key}" has ${value.length} values; z_dim says ${length}.`);
  return value as number[];
}

/**
 * Reads and checks vae/config.json. Only the Wan2.2 VAE (`is_residual: true`, `patch_size: 2`,
 * 4× temporal compression, no spatial attention levels) is supported; anything else is refused
 * with a message naming the key.
 */
export function parseVaeConfig(json: unknown): VaeConfig {
  const c = configObject(FILE, json);
  if (c._class_name !== undefined && c._class_name !== 'AutoencoderKLWan') {
    bad(`_class_name ${describeJson(c._class_name)} is not supported; expected "AutoencoderKLWan".`);
  }
  if (c.is_residual !== true) bad('"is_residual" must be true: only the Wan2.2 VAE (residual up/down blocks) is supported, not the Wan2.1 VAE.');
  if (c.patch_size !== 2) bad(`"patch_size" ${describeJson(c.patch_size)} is not supported; the Wan2.2 VAE uses 2.`);
  const attnScales = c.attn_scales ?? [];
  if (!Array.isArray(attnScales) || attnScales.length > 0) bad(`"attn_scales" ${describeJson(attnScales)} is not supported; expected [].`);

  const zDim = positiveInt(c, 'z_dim');
  const baseDim = positiveInt(c, 'base_dim');
  const decoderBaseDim = c.decoder_base_dim === undefined || c.decoder_base_dim === null ? baseDim : positiveInt(c, 'decoder_base_dim');
  const dimMult = numberList(c, 'dim_mult');
  if (dimMult.length < 2 || !dimMult.every((m) => Number.isInteger(m) && m > 0)) bad(`"dim_mult" ${describeJson(dimMult)} must list at least 2 positive integers.`);
  if (dimMult.length > MAX_LEVELS || dimMult.some((m) => m > MAX_DIM_MULT)) {
    bad(`"dim_mult" ${describeJson(dimMult)} has more than ${MAX_LEVELS} levels or a multiplier above ${MAX_DIM_MULT}.`);
  }
  const numResBlocks = positiveInt(c, 'num_res_blocks', MAX_CONFIG_COUNT);

  const temporal = c.temperal_downsample;
  if (!Array.isArray(temporal) || !temporal.every((t) => typeof t === 'boolean') || temporal.length !== dimMult.length - 1) {
    bad(`"temperal_downsample" must list ${dimMult.length - 1} booleans (one per down block but the last), got ${describeJson(temporal)}.`);
  }
  const temporalCount = (temporal as boolean[]).filter(Boolean).length;
  if (temporalCount !== 2) {
    bad(`"temperal_downsample" ${describeJson(temporal)} halves time ${temporalCount} times; the Wan2.2 VAE's chunked encoding (1 + 4k frames) needs exactly 2.`);
  }
  const scaleTemporal = c.scale_factor_temporal;
  if (scaleTemporal !== undefined && scaleTemporal !== 4) bad(`"scale_factor_temporal" ${describeJson(scaleTemporal)} is not supported; expected 4.`);

  const patchSize = 2;
  const inChannels = positiveInt(c, 'in_channels');
  if (inChannels % (patchSize * patchSize) !== 0) bad(`"in_channels" ${inChannels} is not a multiple of patch_size² = 4.`);
  const outChannels = positiveInt(c, 'out_channels');
  if (outChannels !== inChannels) bad(`"out_channels" ${outChannels} differs from "in_channels" ${inChannels}; expected both 12.`);
  const imageChannels = inChannels / (patchSize * patchSize);

  const config: VaeConfig = {
    zDim,
    baseDim,
    decoderBaseDim,
    dimMult,
    numResBlocks,
    temporalDownsample: temporal as boolean[],
    patchSize,
    imageChannels,
    latentsMean: numberList(c, 'latents_mean', zDim),
    latentsStd: numberList(c, 'latents_std', zDim),
  };
  if (config.latentsStd.some((s) => s === 0)) bad('"latents_std" contains 0.');
  const scaleSpatial = c.scale_factor_spatial;
  if (scaleSpatial !== undefined && scaleSpatial !== spatialCompression(config)) {
    bad(`"scale_factor_spatial" ${describeJson(scaleSpatial)} does not match patch_size·2^(len(dim_mult)−1) = ${spatialCompression(config)}.`);
  }
  checkShortcutFactors(config);
  return config;
}

/** AvgDown3D and DupUp3D regroup channels; their factors must divide evenly. */
function checkShortcutFactors(config: VaeConfig): void {
  const enc = encoderDims(config);
  for (let i = 0; i < config.dimMult.length; i++) {
    const factor = (config.temporalDownsample[i] ? 2 : 1) * (i < config.dimMult.length - 1 ? 4 : 1);
    if ((enc[i]! * factor) % enc[i + 1]! !== 0) bad(`encoder block ${i}: ${enc[i]}·${factor} channels do not group into ${enc[i + 1]}.`);
  }
  const dec = decoderDims(config);
  for (let j = 0; j < config.dimMult.length - 1; j++) {
    const factor = (decoderTemporalUpsample(config)[j] ? 2 : 1) * 4;
    if ((dec[j + 1]! * factor) % dec[j]! !== 0) bad(`decoder block ${j}: ${dec[j + 1]}·${factor} channels are not a multiple of ${dec[j]}.`);
  }
}

/** Encoder widths: conv_in output, then each down block's output ([160, 160, 320, 640, 640]). */
export function encoderDims(config: VaeConfig): number[] {
  return [1, ...config.dimMult].map((m) => config.baseDim * m);
}

/** Decoder widths: conv_in output, then each up block's output ([1024, 1024, 1024, 512, 256]). */
export function decoderDims(config: VaeConfig): number[] {
  const mult = config.dimMult;
  return [mult[mult.length - 1]!, ...[...mult].reverse()].map((m) => config.decoderBaseDim * m);
}

/** Per decoder up block (all but the last): whether it doubles time (the reversed encoder flags). */
export function decoderTemporalUpsample(config: VaeConfig): boolean[] {
  return [...config.temporalDownsample].reverse();
}

/** Pixels per latent cell along H and W (16 for Wan2.2). */
export function spatialCompression(config: VaeConfig): number {
  return config.patchSize * 2 ** (config.dimMult.length - 1);
}
