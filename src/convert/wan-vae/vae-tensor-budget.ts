import type { FloatType } from '../build-context.ts';
import { GraphBuilder } from '../../onnx/index.ts';
import type { ActivationType, VaeCacheFormat } from '../../bundle/quant-config.ts';
import type { VaeConfig } from '../../bundle/vae-config.ts';
import { CACHE_PREFIX } from '../../bundle/vae-names.ts';
import type { VaeHalf } from './vae-graphs.ts';
import { vaeStagePlans } from './vae-graphs.ts';
import { VaeStage } from './vae-stage.ts';
import type { TrackedTensor } from './vae-tensors.ts';
import { trackedBytes } from './vae-tensors.ts';

/** The largest tensors of one stage graph at a given latent grid. */
export interface StageTensorBudget {
  readonly graph: string;
  /** The largest node output. */
  readonly largestNodeOutput: { readonly name: string; readonly bytes: number };
  /** The largest tensor of any kind (inputs included). */
  readonly largest: { readonly name: string; readonly bytes: number };
  /** Bytes of all cache inputs: the state the runner keeps for this graph between calls. */
  readonly cacheBytes: number;
}

/** Tensor sizes of a VAE half (decoder or encoder) at a latent grid. */
export interface VaeTensorBudget {
  readonly stages: readonly StageTensorBudget[];
  readonly largest: { readonly graph: string; readonly name: string; readonly bytes: number };
  readonly cacheBytes: number;
}

/**
 * Every tensor the stage graphs of `half` hold at run time, per stage, computed from the graph
 * structure alone (no weights, no runtime): the builders record each node's size law as they
 * emit it, and this evaluates them at latent grid `latentHeight × latentWidth` (44 × 80 for
 * 704×1280 video). Use it to check the WebGPU 1 GiB buffer limit for a config and resolution.
 */
export function vaeTensorBudget(
  config: VaeConfig,
  half: VaeHalf,
  latentHeight: number,
  latentWidth: number,
  activations: ActivationType = 'fp32',
  caches: VaeCacheFormat = 'float',
): VaeTensorBudget {
  const act = activations === 'fp16' ? 'float16' : 'float32';
  const stages = stageTensors(config, half, act, caches).map(({ graph, tracked }) => stageBudget(graph, tracked, latentHeight, latentWidth));
  const top = stages.reduce((a, b) => (b.largest.bytes > a.largest.bytes ? b : a));
  return {
    stages,
    largest: { graph: top.graph, ...top.largest },
    cacheBytes: stages.reduce((sum, stage) => sum + stage.cacheBytes, 0),
  };
}

/** The largest tensor, in bytes, of any VAE graph (encoder or decoder) at the latent grid. */
export function maxVaeTensorBytes(config: VaeConfig, latentHeight: number, latentWidth: number, activations: ActivationType = 'fp32'): number {
  return Math.max(
    vaeTensorBudget(config, 'decoder', latentHeight, latentWidth, activations).largest.bytes,
    vaeTensorBudget(config, 'encoder', latentHeight, latentWidth, activations).largest.bytes,
  );
}

function stageTensors(config: VaeConfig, half: VaeHalf, act: FloatType, caches: VaeCacheFormat): { graph: string; tracked: readonly TrackedTensor[] }[] {
  return vaeStagePlans(config, half).map((plan) => {
    const s = new VaeStage(new GraphBuilder(plan.name), act, half, 'float', caches);
    plan.emit(s);
    return { graph: plan.name, tracked: s.tracked };
  });
}

function stageBudget(graph: string, tracked: readonly TrackedTensor[], h: number, w: number): StageTensorBudget {
  let largest = { name: '', bytes: 0 };
  let largestNodeOutput = { name: '', bytes: 0 };
  let cacheBytes = 0;
  for (const tensor of tracked) {
    const bytes = trackedBytes(tensor, h, w);
    if (bytes > largest.bytes) largest = { name: tensor.name, bytes };
    if (!tensor.isInput && bytes > largestNodeOutput.bytes) largestNodeOutput = { name: tensor.name, bytes };
    if (tensor.isInput && tensor.name.startsWith(CACHE_PREFIX)) cacheBytes += bytes;
  }
  return { graph, largest, largestNodeOutput, cacheBytes };
}
