import { ConvertError } from '../errors.ts';

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

function field(json: Record<string, unknown>, key: string): number {
  const value = json[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConvertError(`transformer/config.json: "${key}" must be a number, got ${JSON.stringify(value)}.`, 'transformer/config.json');
  }
  return value;
}

/** Reads and checks transformer/config.json; rejects variants our graphs do not implement. */
export function parseDitConfig(json: unknown): DitConfig {
  if (typeof json !== 'object' || json === null) throw new ConvertError('transformer/config.json is not a JSON object.', 'transformer/config.json');
  const c = json as Record<string, unknown>;
  const patch = c.patch_size;
  if (!Array.isArray(patch) || patch.join(',') !== '1,2,2') {
    throw new ConvertError(`transformer/config.json: patch_size ${JSON.stringify(patch)} is not supported; Wan2.2 TI2V uses [1, 2, 2].`, 'transformer/config.json');
  }
  if (c.qk_norm !== 'rms_norm_across_heads') {
    throw new ConvertError(`transformer/config.json: qk_norm "${String(c.qk_norm)}" is not supported; expected "rms_norm_across_heads".`, 'transformer/config.json');
  }
  if (c.cross_attn_norm !== true) {
    throw new ConvertError('transformer/config.json: cross_attn_norm must be true (Wan2.2 TI2V).', 'transformer/config.json');
  }
  const numHeads = field(c, 'num_attention_heads');
  const headDim = field(c, 'attention_head_dim');
  if (headDim % 2 !== 0) throw new ConvertError(`attention_head_dim ${headDim} must be even for rotary embeddings.`, 'transformer/config.json');
  return {
    numLayers: field(c, 'num_layers'),
    numHeads,
    headDim,
    dim: numHeads * headDim,
    ffnDim: field(c, 'ffn_dim'),
    inChannels: field(c, 'in_channels'),
    outChannels: field(c, 'out_channels'),
    textDim: field(c, 'text_dim'),
    freqDim: field(c, 'freq_dim'),
    eps: field(c, 'eps'),
    patchSize: [1, 2, 2],
  };
}
