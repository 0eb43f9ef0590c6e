/**
 * The full VAE decoder against the tiny decoder (taew2_2) on the same latents, in the same run,
 * at full size with random weights (fp32), on onnxruntime-node (CPU). Each decoder and size runs
 * in a fresh process: sessions from files, then latent frame 0 (which fills the caches) and
 * latent frame 1, timed: a steady-state latent frame (4 video frames). Prints seconds per
 * latent frame, the process's peak RSS, and multiply-adds per latent frame counted from the
 * graphs: onnxruntime profiles unoptimised sessions on small grids (2×3 and 4×6 latents),
 * each node's multiply-adds come from its recorded shapes, and the steady frame's count
 * (frames 0 + 1 minus frame 0) is fitted as a·area + b·area² (convolutions grow with the
 * area, the full VAE's attention with its square) and evaluated at each size. It also prints what
 * a tiny-decoder step preview of a 121-frame video (all 31 latent frames decoded) costs in
 * multiply-adds against a guided denoising step (two DiT passes) at each size.
 *   npm run bench:decode [-- --sizes 832x480,1280x704]
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import type { GraphContract } from '../src/bundle/graph-contract.ts';
import { FP32_CONFIG } from '../src/bundle/quant-config.ts';
import { randomTaehvDecoderTensors, randomTaehvWeightSource } from '../src/convert-install/random-tiny-decoder.ts';
import type { BuiltGraph } from '../src/convert/built-graph.ts';
import { WAN22_TI2V_5B_CONFIGS, randomWeightSource, vaeTensorSpecs } from '../src/convert/random-checkpoint/index.ts';
import { TAEW2_2, buildTaehvDecoderGraphs } from '../src/convert/tiny-vae/index.ts';
import { buildVaeGraphs, parseVaeConfig } from '../src/convert/wan-vae/index.ts';
import { inlineWeightStore } from '../src/convert/weights/weight-store.ts';
import { LOW_FRAGMENTATION_MALLOC } from '../src/node/low-fragmentation-malloc.ts';
import { GraphBuilder } from '../src/onnx/index.ts';
import { createVaeDecoder } from '../src/pipeline/vae/index.ts';
import type { VaeStageSession } from '../src/pipeline/vae/index.ts';
import { profiledMultiplyAdds } from './decode/profile-macs.ts';
import { printTable } from './table.ts';
import { parseDitConfig } from '../src/bundle/dit-config.ts';
import { ditTokenCount } from '../src/pipeline/dit/dit-tokens.ts';
import { ditPassMacs, ditWork } from '../src/pipeline/estimate/dit-work.ts';
import { latentDims } from '../src/pipeline/generate/generation-settings.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '832x480,1280x704' },
    child: { type: 'string' },
    grid: { type: 'string' },
    frames: { type: 'string', default: '2' },
    profile: { type: 'string' },
  },
});

interface ChildResult {
  readonly sessionSeconds: number;
  readonly frameSeconds: readonly number[];
  readonly peakRss: number;
}

/** The same latent frames for both decoders: frame t of a [48, H, W] grid. */
const latentFrame = (t: number, height: number, width: number) => Float32Array.from({ length: 48 * height * width }, (_, i) => Math.sin(i * 0.37 + t) * 1.5);

if (values.child) {
  // A decoding process: one decoder's sessions from files, then latent frames 0, 1, … on one grid.
  const dir = values.child;
  const [height, width] = values.grid!.split('x').map(Number) as [number, number];
  const contracts = JSON.parse(await readFile(join(dir, 'contracts.json'), 'utf8')) as { name: string; contract: GraphContract }[];
  const profile = values.profile;
  const options = profile ? { enableCpuMemArena: false, graphOptimizationLevel: 'disabled' as const, enableProfiling: true, profileFilePrefix: join(profile, 'stage') } : { enableCpuMemArena: false };
  const started = performance.now();
  const stages: VaeStageSession[] = [];
  for (const { name, contract } of contracts) stages.push({ session: await ort.InferenceSession.create(join(dir, `${name}.onnx`), options), contract });
  const sessionSeconds = (performance.now() - started) / 1000;
  const decoder = createVaeDecoder(ort, stages);
  const frameSeconds: number[] = [];
  for (let t = 0; t < Number(values.frames); t++) {
    const start = performance.now();
    await decoder.decodeChunk(latentFrame(t, height, width), { height, width }, t === 0);
    frameSeconds.push((performance.now() - start) / 1000);
  }
  decoder.dispose();
  if (profile) for (const stage of stages) (stage.session as unknown as { endProfiling(): void }).endProfiling();
  console.log(JSON.stringify({ sessionSeconds, frameSeconds, peakRss: process.resourceUsage().maxRSS * 1024 } satisfies ChildResult));
} else {
  const work = await mkdtemp(join(tmpdir(), 'wan-bench-decode-'));
  try {
    await main(work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function writeGraphs(dir: string, graphs: readonly BuiltGraph[]): Promise<number> {
  await mkdir(dir, { recursive: true });
  for (const graph of graphs) await writeFile(join(dir, `${graph.name}.onnx`), graph.bytes);
  await writeFile(join(dir, 'contracts.json'), JSON.stringify(graphs.map(({ name, contract }) => ({ name, contract }))));
  return graphs.reduce((sum, graph) => sum + graph.bytes.byteLength, 0);
}

function child(dir: string, grid: readonly [number, number], extra: readonly string[] = []): ChildResult {
  const output = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, '--child', dir, '--grid', `${grid[0]}x${grid[1]}`, ...extra], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    env: { ...LOW_FRAGMENTATION_MALLOC, ...process.env },
  });
  return JSON.parse(output.trim().split('\n').at(-1)!) as ChildResult;
}

/** Multiply-adds of one steady latent frame as a function of the latent area (see the header). */
async function multiplyAddsLaw(dir: string, work: string): Promise<(area: number) => number> {
  const steady = async (grid: readonly [number, number]) => {
    const counted = async (frames: number) => {
      const profile = await mkdtemp(join(work, 'profile-'));
      child(dir, grid, ['--frames', String(frames), '--profile', profile]);
      return profiledMultiplyAdds(profile);
    };
    return (await counted(2)) - (await counted(1));
  };
  const [a1, a2] = [6, 24];
  const [m1, m2] = [await steady([2, 3]), await steady([4, 6])];
  console.error(`${dir}: ${(m1 / 1e9).toFixed(2)} G multiply-adds per steady latent frame on 2×3 latents, ${(m2 / 1e9).toFixed(2)} G on 4×6`);
  // m = a·A + b·A²: two areas, two unknowns.
  const b = (m2 / a2 - m1 / a1) / (a2 - a1);
  const a = m1 / a1 - b * a1;
  return (area) => a * area + b * area * area;
}

/** A step preview (the tiny decoder over every latent frame of a 121-frame video) against a guided denoising step, in multiply-adds. */
function printPreviewShare(sizes: readonly string[], tinyLaw: (area: number) => number): void {
  const work = ditWork(parseDitConfig(WAN22_TI2V_5B_CONFIGS.transformer));
  const rows = sizes.map((size) => {
    const [width, height] = size.split('x').map(Number) as [number, number];
    const dims = latentDims({ width, height, frames: 121 });
    const preview = dims[2] * tinyLaw((height / 16) * (width / 16));
    const step = 2 * ditPassMacs(work, ditTokenCount(dims));
    return [size, (preview / 1e12).toFixed(2), (step / 1e12).toFixed(1), `${((100 * preview) / step).toFixed(2)} %`];
  });
  printTable(['size, 121 frames', 'T multiply-adds per tiny-decoder preview', 'T per guided denoising step', 'preview / step'], rows);
}

async function main(work: string): Promise<void> {
  const vae = WAN22_TI2V_5B_CONFIGS.vae;
  const specs = vaeTensorSpecs(vae).filter((spec) => !spec.name.startsWith('encoder.') && !spec.name.startsWith('quant_conv.'));
  const full = join(work, 'full');
  const fullBytes = await writeGraphs(
    full,
    await buildVaeGraphs((name) => ({ g: new GraphBuilder(name), weights: randomWeightSource(specs, 1, 'vae'), store: inlineWeightStore, quant: FP32_CONFIG }), parseVaeConfig(vae), 'decoder'),
  );
  const tiny = join(work, 'tiny');
  const tinyWeights = randomTaehvWeightSource(randomTaehvDecoderTensors(TAEW2_2, 1));
  const tinyBytes = await writeGraphs(tiny, await buildTaehvDecoderGraphs((name) => ({ g: new GraphBuilder(name), weights: tinyWeights, store: inlineWeightStore, quant: FP32_CONFIG }), TAEW2_2));
  const laws = { full: await multiplyAddsLaw(full, work), tiny: await multiplyAddsLaw(tiny, work) };
  const gb = (bytes: number) => (bytes / 1e9).toFixed(2);
  console.log(`full VAE decoder: ${gb(fullBytes)} GB of graphs; tiny decoder (taew2_2): ${(tinyBytes / 1e6).toFixed(1)} MB; random weights, fp32, onnxruntime-node CPU`);
  const rows: string[][] = [];
  for (const size of values.sizes.split(',')) {
    const [width, height] = size.split('x').map(Number) as [number, number];
    const grid = [height / 16, width / 16] as const;
    const results = { full: child(full, grid), tiny: child(tiny, grid) };
    const macs = { full: laws.full(grid[0] * grid[1]), tiny: laws.tiny(grid[0] * grid[1]) };
    for (const kind of ['full', 'tiny'] as const) {
      const r = results[kind];
      rows.push([size, kind, r.frameSeconds[1]!.toFixed(2), r.frameSeconds[0]!.toFixed(2), gb(r.peakRss), (macs[kind] / 1e9).toFixed(1), r.sessionSeconds.toFixed(1)]);
    }
    rows.push([size, 'full / tiny', (results.full.frameSeconds[1]! / results.tiny.frameSeconds[1]!).toFixed(1), '', (results.full.peakRss / results.tiny.peakRss).toFixed(1), (macs.full / macs.tiny).toFixed(1), '']);
  }
  printPreviewShare(values.sizes.split(','), laws.tiny);
  printTable(['size', 'decoder', 's per latent frame (steady, 4 video frames)', 's for latent frame 0', 'peak RSS (GB)', 'G multiply-adds per latent frame', 'sessions (s)'], rows);
}
