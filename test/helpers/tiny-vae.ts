import * as ort from 'onnxruntime-node';
import { FP32_CONFIG } from '../../src/bundle/quant-config.ts';
import type { QuantConfig } from '../../src/bundle/quant-config.ts';
import type { BuiltGraph } from '../../src/convert/built-graph.ts';
import { buildVaeGraphs, parseVaeConfig } from '../../src/convert/wan-vae/index.ts';
import type { VaeConfig, VaeHalf } from '../../src/convert/wan-vae/index.ts';
import { checkpointWeightSource } from '../../src/convert/weights/weight-source.ts';
import type { WeightSource } from '../../src/convert/weights/weight-source.ts';
import { inlineWeightStore } from '../../src/convert/weights/weight-store.ts';
import { nodeCheckpointFiles } from '../../src/node/file-source.ts';
import type { NodeCheckpointFiles } from '../../src/node/file-source.ts';
import { GraphBuilder } from '../../src/onnx/index.ts';
import type { VaeStageSession } from '../../src/pipeline/vae/index.ts';
import { openCheckpoint } from '../../src/safetensors/index.ts';
import { TINY } from './golden-cases.ts';

export const FP16_CONFIG: QuantConfig = { weights: 'fp16', activations: 'fp16', blockSize: 32, accuracyLevel: 0 };

/** The tiny-a VAE checkpoint, open for building its stage graphs; close it in afterAll. */
export class TinyVae {
  private constructor(
    private readonly files: NodeCheckpointFiles,
    private readonly weights: WeightSource,
    readonly config: VaeConfig,
  ) {}

  static async open(): Promise<TinyVae> {
    const files = nodeCheckpointFiles(TINY);
    const checkpoint = await openCheckpoint(files, 'vae');
    return new TinyVae(files, checkpointWeightSource(checkpoint), parseVaeConfig(await checkpoint.readJson('config.json')));
  }

  /** The stage graphs of one half at a precision (fp32 by default). */
  build(half: VaeHalf, quant: QuantConfig = FP32_CONFIG): Promise<BuiltGraph[]> {
    return buildVaeGraphs((name) => ({ g: new GraphBuilder(name), weights: this.weights, store: inlineWeightStore, quant }), this.config, half);
  }

  close(): Promise<void> {
    return this.files.close();
  }
}

/** onnxruntime-node sessions of built stage graphs, as the VAE encoder and decoder take them. */
export function stageSessionsOf(graphs: readonly BuiltGraph[]): Promise<VaeStageSession[]> {
  return Promise.all(graphs.map(async (graph) => ({ session: await ort.InferenceSession.create(graph.bytes), contract: graph.contract })));
}
