/**
 * The VAE decoder at full size (the Wan2.2 VAE config, random weights) on onnxruntime-node
 * (CPU): the stage graphs are built and written to a temporary folder, then a fresh process
 * loads them and decodes latent frames one at a time, the way the pipeline streams them. The
 * third chunk is the steady state (the first gives 1 frame, the second compiles nothing new on
 * CPU but fills the caches). Prints time per chunk and the decoding process's peak RSS.
 * With --row-bands N the stages after the first run on N horizontal bands of each frame.
 * The decoding process runs with glibc's MALLOC_MMAP_THRESHOLD_ fixed at 128 KiB (as the CLI
 * does; see bin/wan-web.ts) unless the environment sets it.
 *   npm run bench:vae-decode [-- --size 1280x704 --chunks 3 --activations fp32 --vae-weights float --vae-cache float --row-bands 1]
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../src/onnx/index.ts';
import { resolveQuantConfig } from '../src/bundle/quant-config.ts';
import { WAN22_TI2V_5B_CONFIGS, parameterCount, randomWeightSource, vaeTensorSpecs } from '../src/convert/random-checkpoint/index.ts';
import { buildVaeGraphs, parseVaeConfig, vaeTensorBudget } from '../src/convert/wan-vae/index.ts';
import { inlineWeightStore } from '../src/convert/weights/weight-store.ts';
import { createVaeDecoder } from '../src/pipeline/vae/index.ts';
import type { VaeStageSession } from '../src/pipeline/vae/index.ts';
import type { GraphContract } from '../src/bundle/graph-contract.ts';
import { LOW_FRAGMENTATION_MALLOC } from '../src/node/low-fragmentation-malloc.ts';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1280x704' },
    chunks: { type: 'string', default: '3' },
    activations: { type: 'string', default: 'fp32' },
    'vae-weights': { type: 'string', default: 'float' },
    'vae-cache': { type: 'string', default: 'float' },
    'row-bands': { type: 'string', default: '1' },
    child: { type: 'string' },
  },
});
const [width, height] = values.size.split('x').map(Number) as [number, number];

interface ChunkResult {
  readonly seconds: number;
  readonly frames: number;
  readonly rssAfter: number;
}

if (values.child) {
  // The decoding process: sessions from files, then chunk after chunk.
  const dir = values.child;
  const contracts = JSON.parse(await readFile(join(dir, 'contracts.json'), 'utf8')) as { name: string; contract: GraphContract }[];
  const stages: VaeStageSession[] = [];
  const sessionStart = performance.now();
  for (const { name, contract } of contracts) {
    stages.push({ session: await ort.InferenceSession.create(join(dir, `${name}.onnx`), { enableCpuMemArena: false }), contract });
  }
  const sessionSeconds = (performance.now() - sessionStart) / 1000;
  const rssLoaded = process.memoryUsage().rss;
  const decoder = createVaeDecoder(ort, stages, { rowBands: Number(values['row-bands']) });
  const grid = { height: height / 16, width: width / 16 };
  const chunks: ChunkResult[] = [];
  for (let index = 0; index < Number(values.chunks); index++) {
    const latent = new Float32Array(decoder.latentChannels * grid.height * grid.width).map((_, i) => Math.sin(i * 0.37 + index));
    const started = performance.now();
    const rgb = await decoder.decodeChunk(latent, grid, index === 0);
    chunks.push({ seconds: (performance.now() - started) / 1000, frames: rgb.length / (3 * width * height), rssAfter: process.memoryUsage().rss });
  }
  decoder.dispose();
  console.log(JSON.stringify({ sessionSeconds, rssLoaded, chunks, peakRss: process.resourceUsage().maxRSS * 1024 }));
} else {
  const vae = WAN22_TI2V_5B_CONFIGS.vae;
  const config = parseVaeConfig(vae);
  const specs = vaeTensorSpecs(vae).filter((spec) => !spec.name.startsWith('encoder.') && !spec.name.startsWith('quant_conv.'));
  const quant = resolveQuantConfig({ weights: 'fp32', activations: values.activations, vaeWeights: values['vae-weights'], vaeCache: values['vae-cache'] });
  const dir = await mkdtemp(join(tmpdir(), 'wan-bench-vae-'));
  try {
    const graphs = await buildVaeGraphs(
      (name) => ({ g: new GraphBuilder(name), weights: randomWeightSource(specs, 1, 'vae'), store: inlineWeightStore, quant }),
      config,
      'decoder',
    );
    for (const graph of graphs) await writeFile(join(dir, `${graph.name}.onnx`), graph.bytes);
    await writeFile(join(dir, 'contracts.json'), JSON.stringify(graphs.map(({ name, contract }) => ({ name, contract }))));
    const modelBytes = graphs.reduce((sum, graph) => sum + graph.bytes.byteLength, 0);
    const output = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, ...process.argv.slice(2), '--child', dir], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      env: { ...LOW_FRAGMENTATION_MALLOC, ...process.env },
    });
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as { sessionSeconds: number; rssLoaded: number; chunks: ChunkResult[]; peakRss: number };
    const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;
    console.log(
      `VAE decoder, Wan2.2 config (${(parameterCount(specs) / 1e6).toFixed(0)} M parameters, ${gb(modelBytes)} of graphs), random weights, ${values.activations} activations, ${quant.vaeWeights} conv weights, ${quant.vaeCache} caches, ${width}x${height}, ${values['row-bands']} row bands, onnxruntime-node CPU`,
    );
    const caches = vaeTensorBudget(config, 'decoder', height / 16, width / 16, quant.activations, quant.vaeCache).cacheBytes;
    console.log(`sessions created in ${result.sessionSeconds.toFixed(1)} s; RSS with the sessions loaded ${gb(result.rssLoaded)}; the causal-conv caches hold ${gb(caches)}`);
    printTable(
      ['chunk', 'frames', 'time (s)', 'RSS after (GB)'],
      result.chunks.map((chunk, i) => [String(i), String(chunk.frames), chunk.seconds.toFixed(1), (chunk.rssAfter / 1e9).toFixed(2)]),
    );
    console.log(`peak RSS of the decoding process: ${gb(result.peakRss)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
