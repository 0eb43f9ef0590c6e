import { ConvertError } from '../errors.ts';
import { describeJson } from '../json-value.ts';
import { CONFIG_ADVICE, MAX_CONFIG_COUNT, MAX_CONFIG_WIDTH, configEpsilon, configInteger, configObject } from './config-fields.ts';

/** The WanTransformer3DModel hyper-parameters our graphs depend on (diffusers config.json names). */
export interface DitConfig {
  readonly numLayers: number;
  readonly numHeads: number;
  readonly headDim: number;
  /** numHeads · headDim */
  readonly dim: number;
  readonly ffnDim: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly textDim: number;
  readonly freqDim: number;
  readonly eps: number;
  readonly patchSize: readonly [number, number, number];
}

const FILE = 'transformer/config.json';

const bad = (message: string) => new ConvertError(`${FILE}: ${message} ${CONFIG_ADVICE}`, FILE);
const width = (c: Record<string, unknown>, key: string) => configInteger(FILE, c, key, MAX_CONFIG_WIDTH);

/** Reads and checks transformer/config.json; rejects variants our graphs do not implement. */
export function parseDitConfig(json: unknown): DitConfig {
  const c = configObject(FILE, json);
  const patch = c.patch_size;
  if (!Array.isArray(patch) || patch.length !== 3 || patch[0] !== 1 || patch[1] !== 2 || patch[2] !== 2) {
    throw bad(`patch_size ${describeJson(patch)} is not supported; Wan2.2 TI2V uses [1, 2, 2].`);
  }
  if (c.qk_norm !== 'rms_norm_across_heads') {
    throw bad(`qk_norm ${describeJson(c.qk_norm)} is not supported; expected "rms_norm_across_heads".`);
  }
  if (c.cross_attn_norm !== true) throw bad('cross_attn_norm must be true (Wan2.2 TI2V).');
  const numHeads = configInteger(FILE, c, 'num_attention_heads', MAX_CONFIG_COUNT);
  const headDim = width(c, 'attention_head_dim');
  if (headDim % 2 !== 0) throw bad(`attention_head_dim ${headDim} must be even for rotary embeddings.`);
  const freqDim = width(c, 'freq_dim');
  if (freqDim % 2 !== 0) throw bad(`freq_dim ${freqDim} must be even (half cosines, half sines).`);
  return {
    numLayers: configInteger(FILE, c, 'num_layers', MAX_CONFIG_COUNT),
    numHeads,
    headDim,
    dim: numHeads * headDim,
    ffnDim: width(c, 'ffn_dim'),
    inChannels: width(c, 'in_channels'),
    outChannels: width(c, 'out_channels'),
    textDim: width(c, 'text_dim'),
    freqDim,
    eps: configEpsilon(FILE, c, 'eps'),
    patchSize: [1, 2, 2],
  };
}
