import { ConvertError } from '../errors.ts';

const FILE = 'text_encoder/config.json';

/** The UMT5EncoderModel hyper-parameters our graph depends on (HF config.json names in the comments). */
export interface Umt5Config {
  /** vocab_size: rows of the token embedding table. */
  readonly vocabSize: number;
  /** d_model */
  readonly dModel: number;
  /** d_kv: size of one attention head. */
  readonly dKv: number;
  /** num_heads */
  readonly numHeads: number;
  /** numHeads · dKv: width of q, k, v (need not equal dModel). */
  readonly innerDim: number;
  /** d_ff */
  readonly dFf: number;
  /** num_layers (encoder blocks) */
  readonly numLayers: number;
  /** relative_attention_num_buckets */
  readonly numBuckets: number;
  /** relative_attention_max_distance */
  readonly maxDistance: number;
  /** layer_norm_epsilon */
  readonly eps: number;
}

function positiveInteger(c: Record<string, unknown>, key: string): number {
  const value = c[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConvertError(`${FILE}: "${key}" must be a positive integer, got ${JSON.stringify(value)}.`, FILE);
  }
  return value;
}

/**
 * Reads and checks text_encoder/config.json. Only the variant Wan2.2 uses is accepted:
 * a gated-GELU (tanh approximation) feed-forward, as in `google/umt5-xxl`.
 */
export function parseUmt5Config(json: unknown): Umt5Config {
  if (typeof json !== 'object' || json === null) throw new ConvertError(`${FILE} is not a JSON object.`, FILE);
  const c = json as Record<string, unknown>;
  const projection = c.feed_forward_proj ?? 'relu';
  if (projection !== 'gated-gelu') {
    throw new ConvertError(`${FILE}: feed_forward_proj "${String(projection)}" is not supported; UMT5-XXL uses "gated-gelu".`, FILE);
  }
  const activation = c.dense_act_fn ?? 'gelu_new';
  if (activation !== 'gelu_new' && activation !== 'gelu_pytorch_tanh') {
    throw new ConvertError(`${FILE}: dense_act_fn "${String(activation)}" is not supported; UMT5-XXL uses "gelu_new" (GELU, tanh approximation).`, FILE);
  }
  const eps = c.layer_norm_epsilon ?? 1e-6;
  if (typeof eps !== 'number' || !(eps > 0)) throw new ConvertError(`${FILE}: "layer_norm_epsilon" must be a positive number, got ${JSON.stringify(eps)}.`, FILE);
  const numBuckets = positiveInteger(c, 'relative_attention_num_buckets');
  if (numBuckets < 4) {
    throw new ConvertError(`${FILE}: relative_attention_num_buckets ${numBuckets} is too small; T5 needs at least 4 (2 per direction, half of them exact).`, FILE);
  }
  const numHeads = positiveInteger(c, 'num_heads');
  const dKv = positiveInteger(c, 'd_kv');
  return {
    vocabSize: positiveInteger(c, 'vocab_size'),
    dModel: positiveInteger(c, 'd_model'),
    dKv,
    numHeads,
    innerDim: numHeads * dKv,
    dFf: positiveInteger(c, 'd_ff'),
    numLayers: positiveInteger(c, 'num_layers'),
    numBuckets,
    maxDistance: positiveInteger(c, 'relative_attention_max_distance'),
    eps,
  };
}
