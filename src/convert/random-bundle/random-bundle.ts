import type { BundleSink } from '../../bundle/bundle-sink.ts';
import type { BundleManifest } from '../../bundle/manifest.ts';
import type { QuantConfig } from '../../bundle/quant-config.ts';
import type { ConvertProgress } from '../../bundle/convert-progress.ts';
import { convertSourceModel } from '../convert-checkpoint.ts';
import type { SourceModel } from '../convert-checkpoint.ts';
import { ditTensorSpecs, umt5TensorSpecs, vaeTensorSpecs } from '../random-checkpoint/index.ts';
import type { WanCheckpointConfigs } from '../random-checkpoint/index.ts';
import { tensorStreamState } from '../random-checkpoint/normal-stream.ts';
import { buildRandomTokenizerJson } from '../tokenizer/random-tokenizer.ts';
import { parseDitConfig } from '../../bundle/dit-config.ts';
import { parseUmt5Config } from '../../bundle/umt5-config.ts';
import { parseVaeConfig } from '../wan-vae/index.ts';
import { randomCheckpointView } from './random-checkpoint-view.ts';
import type { TinyDecoderInput } from '../tiny-vae/index.ts';

export interface RandomBundleOptions {
  readonly configs: WanCheckpointConfigs;
  /** Non-negative integer; the same seed, configs and quantization give the same bytes. */
  readonly seed: number;
  readonly quant: QuantConfig;
  /** Also build this tiny decoder into the bundle (random weights too, for the decoder benchmarks). */
  readonly tinyDecoder?: TinyDecoderInput;
  readonly onProgress?: (progress: ConvertProgress) => void;
}

/**
 * The model of a random checkpoint with these configs (a BF16 text encoder, like the real
 * one), its tensors made when the builder reads them, its linear weights drawn quantized.
 */
export function randomSourceModel(configs: WanCheckpointConfigs, seed: number): SourceModel {
  // The parsers bound every size before the specs enumerate layers and blocks.
  parseDitConfig(configs.transformer);
  parseVaeConfig(configs.vae);
  parseUmt5Config(configs.textEncoder);
  tensorStreamState(seed, 'seed check');
  const textEncoderConfig = { ...configs.textEncoder, torch_dtype: 'bfloat16' };
  return {
    transformer: randomCheckpointView('transformer', ditTensorSpecs(configs.transformer), 'F32', seed, configs.transformer),
    vae: randomCheckpointView('vae', vaeTensorSpecs(configs.vae), 'F32', seed, configs.vae),
    textEncoder: randomCheckpointView('text_encoder', umt5TensorSpecs(textEncoderConfig), 'BF16', seed, textEncoderConfig),
    configs: { transformer: configs.transformer, vae: configs.vae, text_encoder: textEncoderConfig },
  };
}

/**
 * Writes a bundle with the given configs' shapes and seeded random weights straight from the
 * generator into the builder: the graphs, weight files and manifest `wan-web convert` makes,
 * without a source checkpoint on disk and without quantizing (the full-size model in about a
 * minute, for benchmarks on machines that have no checkpoint).
 */
export function writeRandomBundle(sink: BundleSink, options: RandomBundleOptions): Promise<BundleManifest> {
  const { configs, seed, quant } = options;
  const vocab = configs.textEncoder.vocab_size as number;
  const tokenizer = new TextEncoder().encode(JSON.stringify(buildRandomTokenizerJson(vocab, seed)));
  return convertSourceModel(randomSourceModel(configs, seed), sink, {
    quant,
    source: { repo: 'wan-web/random', revision: `seed-${seed}` },
    name: `Random weights (seed ${seed})`,
    ...(options.tinyDecoder ? { tinyDecoder: options.tinyDecoder } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  }, tokenizer);
}
