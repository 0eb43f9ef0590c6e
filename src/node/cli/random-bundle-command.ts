import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveQuantConfig } from '../../bundle/quant-config.ts';
import { describeWeights } from '../../bundle/precision-summary.ts';
import { WAN22_TI2V_5B_CONFIGS } from '../../convert/random-checkpoint/index.ts';
import { SELF_TEST_CONFIGS } from '../../convert-install/self-test-model.ts';
import { formatBytes } from '../../format-bytes.ts';
import { writeRandomBundleDir } from '../write-random-bundle.ts';
import { randomTaehvDecoderTensors, randomTaehvWeightSource } from '../../convert-install/random-tiny-decoder.ts';
import { SELF_TEST_TINY_DECODER } from '../../convert-install/self-test-model.ts';
import { TAEW2_2 } from '../../convert/tiny-vae/index.ts';
import type { TaehvDecoderConfig, TinyDecoderInput } from '../../convert/tiny-vae/index.ts';
import { integerOption } from './cli-options.ts';
import { ProgressBar } from './progress-bar.ts';

const USAGE = `wan-web random-bundle <out-dir> [--seed N] [--weights <preset>] [--activations fp16|fp32] [--small]

Writes a bundle with the shapes of Wan2.2 TI2V-5B, UMT5-XXL and its VAE and seeded random
weights, without any checkpoint: linear layers are drawn quantized (int4 by default), the rest
as the random checkpoint's values. For benchmarks on a machine that has no model (about 9 GB;
the same seed and options give the same bytes), with a random tiny decoder. Its videos are noise.

Options:
  --seed N                 default 0
  --weights <preset>       as for convert (default int4)
  --activations fp16|fp32  default fp16
  --small                  the self-test model's toy widths instead (a few MB; software GPUs)`;

export async function randomBundleCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      seed: { type: 'string' },
      weights: { type: 'string' },
      activations: { type: 'string' },
      small: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [outDir] = positionals;
  if (values.help || outDir === undefined || positionals.length > 1) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 1;
  }
  const quant = resolveQuantConfig({ weights: values.weights ?? 'int4', ...(values.activations !== undefined ? { activations: values.activations } : {}) });
  const seed = integerOption('seed', values.seed, 0);
  const configs = values.small ? SELF_TEST_CONFIGS : WAN22_TI2V_5B_CONFIGS;
  const bar = new ProgressBar(`writing a random ${values.small ? 'small' : 'full-size'} bundle (${describeWeights(quant)} weights, ${quant.activations} activations)`);
  const manifest = await writeRandomBundleDir(resolve(outDir), {
    configs,
    seed,
    quant,
    tinyDecoder: randomTinyDecoder(values.small ? SELF_TEST_TINY_DECODER : TAEW2_2, seed),
    onProgress: (p) => bar.update(p.sourceBytesRead, p.sourceBytesTotal, p.phase),
  });
  const total = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
  bar.done(`wrote ${outDir}: ${manifest.files.length} files, ${formatBytes(total)}`);
  return 0;
}

/** A tiny decoder of seeded random weights (taew2_2's shapes, or the self-test model's narrower ones). */
function randomTinyDecoder(config: TaehvDecoderConfig, seed: number): TinyDecoderInput {
  return {
    weights: randomTaehvWeightSource(randomTaehvDecoderTensors(config, seed)),
    source: { repo: 'wan-web/random', revision: `tiny-decoder-seed-${seed}` },
    config,
  };
}
