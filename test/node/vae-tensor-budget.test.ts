import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BuildContext } from '../../src/convert/build-context.ts';
import { GraphBuilder } from '../../src/convert/onnx/index.ts';
import { FP32_CONFIG } from '../../src/convert/quant/quant-config.ts';
import { openCheckpoint } from '../../src/convert/safetensors/index.ts';
import { checkpointWeightSource } from '../../src/convert/weights/weight-source.ts';
import { inlineWeightStore } from '../../src/convert/weights/weight-store.ts';
import { buildVaeDecoderGraphs, buildVaeEncoderGraphs, maxVaeTensorBytes, parseVaeConfig, vaeTensorBudget } from '../../src/convert/wan-vae/index.ts';
import type { VaeConfig, VaeGraph } from '../../src/convert/wan-vae/index.ts';
import { resolveDims } from '../../src/pipeline/vae/index.ts';
import { nodeCheckpointFiles } from '../../src/node/file-source.ts';
import type { NodeCheckpointFiles } from '../../src/node/file-source.ts';

const TINY = join(import.meta.dirname, '../fixtures/tiny-a');
const GIB = 1024 ** 3;

/** The real Wan2.2-TI2V-5B vae/config.json, as the tiny one but at full width. */
function realConfig(tiny: VaeConfig): VaeConfig {
  return { ...tiny, baseDim: 160, decoderBaseDim: 256 };
}

let files: NodeCheckpointFiles;
let tiny: VaeConfig;
let decoderGraphs: readonly VaeGraph[];
let encoderGraphs: readonly VaeGraph[];
const profileDir = mkdtempSync(join(tmpdir(), 'vae-profile-'));

beforeAll(async () => {
  files = nodeCheckpointFiles(TINY);
  const checkpoint = await openCheckpoint(files, 'vae');
  tiny = parseVaeConfig(await checkpoint.readJson('config.json'));
  const weights = checkpointWeightSource(checkpoint);
  const context = (name: string): BuildContext => ({ g: new GraphBuilder(name), weights, store: inlineWeightStore, quant: FP32_CONFIG });
  decoderGraphs = (await buildVaeDecoderGraphs(context, tiny)).graphs;
  encoderGraphs = (await buildVaeEncoderGraphs(context, tiny)).graphs;
});

afterAll(async () => {
  await files.close();
  rmSync(profileDir, { recursive: true, force: true });
});

/**
 * Runs a graph once with onnxruntime's profiler, graph optimisations off (so every node we
 * emitted runs as written), and returns the largest node output in bytes.
 */
async function profiledLargestOutput(graph: VaeGraph, grid: { height: number; width: number }): Promise<number> {
  const prefix = join(profileDir, graph.name);
  const session = await ort.InferenceSession.create(graph.bytes, { enableProfiling: true, profileFilePrefix: prefix, graphOptimizationLevel: 'disabled' });
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of graph.contract.inputs) {
    const dims = resolveDims(input.dims, grid);
    const count = dims.reduce((a, b) => a * b, 1);
    feeds[input.name] = input.dtype === 'bool' ? new ort.Tensor('bool', Uint8Array.of(0), dims) : new ort.Tensor('float32', new Float32Array(count).fill(0.5), dims);
  }
  await session.run(feeds);
  session.endProfiling();
  await session.release();
  const file = readdirSync(profileDir).find((name) => name.startsWith(`${graph.name}_`) && name.endsWith('.json'))!;
  const events = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as { cat: string; args?: { output_size?: string } }[];
  return Math.max(...events.filter((e) => e.cat === 'Node').map((e) => Number(e.args?.output_size ?? 0)));
}

describe('VAE tensor sizes', () => {
  test('at 720p (latent 44×80) with the real widths, every tensor of every graph fits a 1 GiB WebGPU buffer', () => {
    const config = realConfig(tiny);
    for (const half of ['decoder', 'encoder'] as const) {
      for (const activations of ['fp32', 'fp16'] as const) {
        const budget = vaeTensorBudget(config, half, 44, 80, activations);
        const perStage = budget.stages.map((s) => `${s.graph} ${(s.largest.bytes / 2 ** 20).toFixed(1)} MiB`).join(', ');
        console.log(
          `720p ${half} ${activations}: largest tensor ${(budget.largest.bytes / 2 ** 20).toFixed(1)} MiB (${budget.largest.graph}: ${budget.largest.name}); ` +
            `per stage: ${perStage}; cache state ${(budget.cacheBytes / GIB).toFixed(2)} GiB`,
        );
        expect(budget.largest.bytes).toBeLessThan(GIB);
      }
    }
    // The decoder's largest: 512 channels at 352×640 (up block 2's upsampler), one frame.
    expect(vaeTensorBudget(config, 'decoder', 44, 80).largest.bytes).toBe(512 * 352 * 640 * 4);
    expect(maxVaeTensorBytes(config, 44, 80)).toBe(512 * 352 * 640 * 4);
    // The bound is not vacuous: for 1152×2048 video (latent 72×128) the same tensor passes 1 GiB.
    expect(maxVaeTensorBytes(config, 72, 128)).toBe(512 * 576 * 1024 * 4);
    expect(maxVaeTensorBytes(config, 72, 128)).toBeGreaterThan(GIB);
  });

  test('the computed sizes are the ones onnxruntime allocates (tiny-a graphs, profiled)', async () => {
    const grid = { height: 4, width: 6 };
    for (const [half, graphs] of [['decoder', decoderGraphs], ['encoder', encoderGraphs]] as const) {
      const budget = vaeTensorBudget(tiny, half, grid.height, grid.width);
      for (const [k, graph] of graphs.entries()) {
        const measured = await profiledLargestOutput(graph, grid);
        expect({ graph: graph.name, bytes: measured }).toEqual({ graph: budget.stages[k]!.graph, bytes: budget.stages[k]!.largestNodeOutput.bytes });
      }
    }
  });
});
