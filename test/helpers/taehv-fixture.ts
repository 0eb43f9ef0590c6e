import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FP32_CONFIG } from '../../src/bundle/quant-config.ts';
import type { QuantConfig } from '../../src/bundle/quant-config.ts';
import { randomTaehvDecoderTensors, randomTaehvWeightSource } from '../../src/convert-install/random-tiny-decoder.ts';
import type { RandomTaehvTensor } from '../../src/convert-install/random-tiny-decoder.ts';
import type { BuiltGraph } from '../../src/convert/built-graph.ts';
import { TAEW2_2, buildTaehvDecoderGraphs } from '../../src/convert/tiny-vae/index.ts';
import { inlineWeightStore } from '../../src/convert/weights/weight-store.ts';
import { GraphBuilder } from '../../src/onnx/index.ts';

/** test/fixtures/taehv (README.md there): upstream TAEHV (taew2_2) on seeded random weights. */
export const TAEHV_FIXTURES = join(import.meta.dirname, '../fixtures/taehv');

/** The latent cases of cases.safetensors, [1, T, 48, H, W]. */
export const TAEHV_CASES = ['t1_h2_w3', 't3_h2_w3', 't5_h2_w3', 't1_h3_w4', 't3_h3_w4', 't5_h3_w4'] as const;

/** What make-reference.py drew: its seed, the tensors in draw order, and the SHA-256 of their float16 bytes. */
export interface TaehvWeightsRecord {
  readonly seed: number;
  readonly sha256_f16: string;
  readonly tensors: Readonly<Record<string, number[]>>;
}

export const TAEHV_WEIGHTS = (JSON.parse(readFileSync(join(TAEHV_FIXTURES, 'stats.json'), 'utf8')) as { weights: TaehvWeightsRecord }).weights;

/** The fixture's random taew2_2 weights, regenerated, and the stage graphs built from them (fp32 unless `quant` says otherwise). */
export async function buildFixtureTinyDecoder(quant: QuantConfig = FP32_CONFIG): Promise<{ tensors: RandomTaehvTensor[]; graphs: BuiltGraph[] }> {
  const tensors = randomTaehvDecoderTensors(TAEW2_2, TAEHV_WEIGHTS.seed);
  const weights = randomTaehvWeightSource(tensors);
  const graphs = await buildTaehvDecoderGraphs((name) => ({ g: new GraphBuilder(name), weights, store: inlineWeightStore, quant }), TAEW2_2);
  return { tensors, graphs };
}
