import { ConvertError } from '../errors.ts';
import { describeJson } from '../json-value.ts';
import {
  CONFIG_ADVICE,
  MAX_CONFIG_COUNT,
  MAX_CONFIG_VOCAB,
  MAX_CONFIG_WIDTH,
  configEpsilon,
  configInteger,
  configObject,
} from './config-fields.ts';

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

const bad = (message: string) => new ConvertError(`${FILE}: ${message} ${CONFIG_ADVICE}`, FILE);

/**
 * Reads and checks text_encoder/config.json. Only the variant Wan2.2 uses is accepted:
 * a gated-GELU (tanh approximation) feed-forward, as in `google/umt5-xxl`.
 */
export function parseUmt5Config(json: unknown): Umt5Config {
  const c = configObject(FILE, json);
  const projection = c.feed_forward_proj ?? 'relu';
  if (projection !== 'gated-gelu') {
    throw bad(`feed_forward_proj ${describeJson(projection)} is not supported; UMT5-XXL uses "gated-gelu".`);
  }
  const activation = c.dense_act_fn ?? 'gelu_new';
  if (activation !== 'gelu_new' && activation !== 'gelu_pytorch_tanh') {
    throw bad(`dense_act_fn ${describeJson(activation)} is not supported; UMT5-XXL uses "gelu_new" (GELU, tanh approximation).`);
  }
  const eps = configEpsilon(FILE, c, 'layer_norm_epsilon', 1e-6);
  const numBuckets = configInteger(FILE, c, 'relative_attention_num_buckets', MAX_CONFIG_WIDTH);
  if (numBuckets < 4) {
    throw bad(`relative_attention_num_buckets ${numBuckets} is too small; T5 needs at least 4 (2 per direction, half of them exact).`);
  }
  const maxDistance = configInteger(FILE, c, 'relative_attention_max_distance', MAX_CONFIG_WIDTH);
  const exact = Math.floor(numBuckets / 4);
  if (maxDistance <= exact) {
    throw bad(`relative_attention_max_distance ${maxDistance} must exceed the ${exact} distances that get a bucket each (a quarter of relative_attention_num_buckets).`);
  }
  const numHeads = configInteger(FILE, c, 'num_heads', MAX_CONFIG_COUNT);
  const dKv = configInteger(FILE, c, 'd_kv', MAX_CONFIG_WIDTH);
  return {
    vocabSize: configInteger(FILE, c, 'vocab_size', MAX_CONFIG_VOCAB),
    dModel: configInteger(FILE, c, 'd_model', MAX_CONFIG_WIDTH),
    dKv,
    numHeads,
    innerDim: numHeads * dKv,
    dFf: configInteger(FILE, c, 'd_ff', MAX_CONFIG_WIDTH),
    numLayers: configInteger(FILE, c, 'num_layers', MAX_CONFIG_COUNT),
    numBuckets,
    maxDistance,
    eps,
  };
}
