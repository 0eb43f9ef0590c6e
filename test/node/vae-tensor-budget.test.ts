import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FP32_CONFIG } from '../../src/bundle/quant-config.ts';
import { maxVaeTensorBytes, vaeTensorBudget } from '../../src/convert/wan-vae/index.ts';
import type { VaeConfig } from '../../src/convert/wan-vae/index.ts';
import type { BuiltGraph } from '../../src/convert/built-graph.ts';
import { resolveDims } from '../../src/pipeline/vae/index.ts';
import { ModelProtoType } from '../../src/onnx/onnx-proto.ts';
import { TinyVae } from '../helpers/tiny-vae.ts';

const GIB = 1024 ** 3;

/** The real Wan2.2-TI2V-5B vae/config.json, as the tiny one but at full width. */
function realConfig(tiny: VaeConfig): VaeConfig {
  return { ...tiny, baseDim: 160, decoderBaseDim: 256 };
}

let vae: TinyVae;
let tiny: VaeConfig;
let decoderGraphs: readonly BuiltGraph[];
let encoderGraphs: readonly BuiltGraph[];
const profileDir = mkdtempSync(join(tmpdir(), 'vae-profile-'));

beforeAll(async () => {
  vae = await TinyVae.open();
  tiny = vae.config;
  decoderGraphs = await vae.build('decoder');
  encoderGraphs = await vae.build('encoder');
});

afterAll(async () => {
  await vae.close();
  rmSync(profileDir, { recursive: true, force: true });
});

/** The nodes of one run in execution order, with the bytes of their outputs. */
type ProfiledNode = { readonly name: string; readonly outputBytes: number };

/**
 * Runs a graph once with onnxruntime's profiler, graph optimisations off (so every node we
 * emitted runs as written), and returns its nodes in the order they ran.
 */
async function profiledRun(graph: BuiltGraph, grid: { height: number; width: number }): Promise<ProfiledNode[]> {
  const prefix = join(profileDir, graph.name);
  const session = await ort.InferenceSession.create(graph.bytes, { enableProfiling: true, profileFilePrefix: prefix, graphOptimizationLevel: 'disabled' });
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of graph.contract.inputs) {
    const dims = resolveDims(input.dims, grid);
    const count = dims.reduce((a, b) => a * b, 1);
    if (input.dtype === 'bool') feeds[input.name] = new ort.Tensor('bool', Uint8Array.of(0), dims);
    else if (input.dtype === 'int8') feeds[input.name] = new ort.Tensor('int8', new Int8Array(count).fill(64), dims);
    else feeds[input.name] = new ort.Tensor('float32', new Float32Array(count).fill(0.5), dims);
  }
  await session.run(feeds);
  session.endProfiling();
  await session.release();
  const file = readdirSync(profileDir).find((name) => name.startsWith(`${graph.name}_`) && name.endsWith('.json'))!;
  const events = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as { cat: string; name: string; ts: number; args?: { output_size?: string } }[];
  rmSync(join(profileDir, file));
  return events
    .filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'))
    .sort((a, b) => a.ts - b.ts)
    .map((e) => ({ name: e.name.slice(0, -'_kernel_time'.length), outputBytes: Number(e.args?.output_size ?? 0) }));
}

/** The most bytes of node outputs alive at once when the nodes run in `order` (each freed after its last reader; graph outputs kept). */
function peakLiveBytes(graph: BuiltGraph, order: readonly ProfiledNode[]): number {
  const model = ModelProtoType.decode(graph.bytes) as unknown as { graph: { node: { name: string; input: string[]; output: string[] }[]; output: { name: string }[] } };
  const nodes = new Map(model.graph.node.map((n) => [n.name, n]));
  const kept = new Set(model.graph.output.map((o) => o.name));
  const lastRead = new Map<string, number>();
  order.forEach(({ name }, step) => nodes.get(name)!.input.forEach((input) => lastRead.set(input, step)));
  const live = new Map<string, number>();
  let peak = 0;
  order.forEach(({ name, outputBytes }, step) => {
    const node = nodes.get(name)!;
    live.set(node.output[0]!, outputBytes);
    peak = Math.max(peak, [...live.values()].reduce((a, b) => a + b, 0));
    for (const tensor of [...live.keys()]) if (!kept.has(tensor) && (lastRead.get(tensor) ?? -1) <= step) live.delete(tensor);
  });
  return peak;
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

  test('int8 caches hold a quarter of the float32 cache state, plus one float32 scale per position', () => {
    const config = realConfig(tiny);
    const [fp32, fp16, int8] = [
      vaeTensorBudget(config, 'decoder', 44, 80, 'fp32').cacheBytes,
      vaeTensorBudget(config, 'decoder', 44, 80, 'fp16').cacheBytes,
      vaeTensorBudget(config, 'decoder', 44, 80, 'fp32', 'int8').cacheBytes,
    ];
    console.log(`720p decoder cache state: fp32 ${(fp32 / GIB).toFixed(2)} GiB, fp16 ${(fp16 / GIB).toFixed(2)} GiB, int8 ${(int8 / GIB).toFixed(2)} GiB`);
    expect(fp16).toBe(fp32 / 2);
    // The smallest cache is conv_out's 12 partial-sum channels, where the scale adds a third.
    expect(int8).toBeGreaterThan(fp32 / 4);
    expect(int8).toBeLessThan((fp32 / 4) * 1.02);
    expect(vaeTensorBudget(config, 'decoder', 44, 80, 'fp16', 'int8').cacheBytes).toBe(int8);
  });

  test("in onnxruntime's order int8 cache outputs are made as soon as their frame exists, not at the end of the run", async () => {
    const grid = { height: 4, width: 6 };
    const quant = { ...FP32_CONFIG, vaeCache: 'int8' } as const;
    for (const [half, graphs] of [
      ['decoder', await vae.build('decoder', quant)],
      ['encoder', await vae.build('encoder', quant)],
    ] as const) {
      const budget = vaeTensorBudget(tiny, half, grid.height, grid.width, 'fp32', 'int8');
      for (const [k, graph] of graphs.entries()) {
        const peak = peakLiveBytes(graph, await profiledRun(graph, grid));
        const frames = peak / budget.stages[k]!.largestNodeOutput.bytes;
        console.log(`${graph.name}, int8 caches: at most ${frames.toFixed(1)} of its largest frames alive at once`);
        // Made at the end of the run instead, they hold ≥ 6 (decoder) and 10 (encoder stage 0) frames.
        expect(frames).toBeLessThan(half === 'decoder' ? 5.5 : 7);
      }
    }
  });

  test('the computed sizes are the ones onnxruntime allocates (tiny-a graphs, profiled)', async () => {
    const grid = { height: 4, width: 6 };
    for (const [half, graphs] of [['decoder', decoderGraphs], ['encoder', encoderGraphs]] as const) {
      const budget = vaeTensorBudget(tiny, half, grid.height, grid.width);
      for (const [k, graph] of graphs.entries()) {
        const measured = Math.max(...(await profiledRun(graph, grid)).map((n) => n.outputBytes));
        expect({ graph: graph.name, bytes: measured }).toEqual({ graph: budget.stages[k]!.graph, bytes: budget.stages[k]!.largestNodeOutput.bytes });
      }
    }
  });
});
