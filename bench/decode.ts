/**
 * The full VAE decoder against the tiny decoder (taew2_2) on the same latents, in the same run,
 * at full size with random weights (fp32), on onnxruntime-node (CPU) and on onnxruntime-web's
 * WebGPU EP in headless chromium. Both decoders come from one bundle folder: the full-size
 * random bundle (bench/full-size-bundle.ts, or --full-bundle) with a seeded random taew2_2 added.
 * CPU: each decoder and size runs in a fresh process: sessions from files, then latent frame 0
 * (which fills the caches) and latent frame 1, timed: a steady-state latent frame (4 video
 * frames); peak memory is the process's peak RSS. WebGPU: each decoder and size in a fresh
 * browser (bench/browser/decode-page.ts), frames 0 … --webgpu-frames − 1, the steady time the
 * mean of frames 1 …; peak memory is the peak of GPU buffer bytes (GpuMemoryMeter), weights
 * included. Multiply-adds per latent frame are counted from the graphs: onnxruntime profiles
 * unoptimised sessions on small grids (2×3 and 4×6 latents), each node's multiply-adds come from
 * its recorded shapes, and the steady frame's count (frames 0 + 1 minus frame 0) is fitted as
 * a·area + b·area² (convolutions grow with the area, the full VAE's attention with its square)
 * and evaluated at each size. It also prints what a tiny-decoder step preview of a 121-frame
 * video costs in multiply-adds against a guided denoising step (two DiT passes) at each size.
 *   npm run bench:decode [-- --sizes 832x480,1280x704 --runtimes cpu,webgpu --webgpu-frames 2
 *                           --webgpu-full-sizes 832x480,1280x704 --full-bundle DIR]
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import type { BundleManifest } from '../src/bundle/manifest.ts';
import { tinyDecoderGraphName } from '../src/bundle/tiny-vae-names.ts';
import { decoderGraphName } from '../src/bundle/vae-names.ts';
import { WAN22_TI2V_5B_CONFIGS } from '../src/convert/random-checkpoint/index.ts';
import { LOW_FRAGMENTATION_MALLOC } from '../src/node/low-fragmentation-malloc.ts';
import { createVaeDecoder, stageGraphNames } from '../src/pipeline/vae/index.ts';
import type { VaeStageSession } from '../src/pipeline/vae/index.ts';
import { bundleWithBothDecoders } from './decode/decode-bundle.ts';
import { profiledMultiplyAdds } from './decode/profile-macs.ts';
import { webgpuDecodeRows } from './decode/webgpu-decode.ts';
import { fullSizeBundle } from './full-size-bundle.ts';
import { printTable } from './table.ts';
import { parseDitConfig } from '../src/bundle/dit-config.ts';
import { ditTokenCount } from '../src/pipeline/dit/dit-tokens.ts';
import { ditPassMacs, ditWork } from '../src/pipeline/estimate/dit-work.ts';
import { latentDims } from '../src/pipeline/generate/generation-settings.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '832x480,1280x704' },
    runtimes: { type: 'string', default: 'cpu,webgpu' },
    'webgpu-frames': { type: 'string', default: '2' },
    'webgpu-full-sizes': { type: 'string' },
    'full-bundle': { type: 'string' },
    child: { type: 'string' },
    decoder: { type: 'string', default: 'full' },
    grid: { type: 'string' },
    frames: { type: 'string', default: '2' },
    profile: { type: 'string' },
  },
});

type Decoder = 'full' | 'tiny';
const stageName = (decoder: Decoder) => (decoder === 'tiny' ? tinyDecoderGraphName : decoderGraphName);

interface ChildResult {
  readonly sessionSeconds: number;
  readonly frameSeconds: readonly number[];
  readonly peakRss: number;
}

/** The same latent frames for both decoders and both runtimes: frame t of a [48, H, W] grid (bench/browser/decode-page.ts draws the same). */
const latentFrame = (t: number, height: number, width: number) => Float32Array.from({ length: 48 * height * width }, (_, i) => Math.sin(i * 0.37 + t) * 1.5);

if (values.child) {
  // A decoding process: one decoder's sessions from the bundle's files, then latent frames 0, 1, … on one grid.
  const dir = values.child;
  const [height, width] = values.grid!.split('x').map(Number) as [number, number];
  const { graphs } = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as BundleManifest;
  const profile = values.profile;
  const options = profile ? { enableCpuMemArena: false, graphOptimizationLevel: 'disabled' as const, enableProfiling: true, profileFilePrefix: join(profile, 'stage') } : { enableCpuMemArena: false };
  const started = performance.now();
  const stages: VaeStageSession[] = [];
  for (const name of stageGraphNames(graphs, stageName(values.decoder as Decoder))) {
    stages.push({ session: await ort.InferenceSession.create(join(dir, graphs[name]!.file), options), contract: graphs[name]!.contract });
  }
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

function child(dir: string, decoder: Decoder, grid: readonly [number, number], extra: readonly string[] = []): ChildResult {
  const output = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, '--child', dir, '--decoder', decoder, '--grid', `${grid[0]}x${grid[1]}`, ...extra], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    env: { ...LOW_FRAGMENTATION_MALLOC, ...process.env },
  });
  return JSON.parse(output.trim().split('\n').at(-1)!) as ChildResult;
}

/** Multiply-adds of one steady latent frame as a function of the latent area (see the header). */
async function multiplyAddsLaw(dir: string, decoder: Decoder, work: string): Promise<(area: number) => number> {
  const steady = async (grid: readonly [number, number]) => {
    const counted = async (frames: number) => {
      const profile = await mkdtemp(join(work, 'profile-'));
      child(dir, decoder, grid, ['--frames', String(frames), '--profile', profile]);
      return profiledMultiplyAdds(profile);
    };
    return (await counted(2)) - (await counted(1));
  };
  const [a1, a2] = [6, 24];
  const [m1, m2] = [await steady([2, 3]), await steady([4, 6])];
  console.error(`${decoder}: ${(m1 / 1e9).toFixed(2)} G multiply-adds per steady latent frame on 2×3 latents, ${(m2 / 1e9).toFixed(2)} G on 4×6`);
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
  const runtimes = values.runtimes.split(',');
  const sizes = values.sizes.split(',');
  const bundle = await bundleWithBothDecoders(values['full-bundle'] ?? (await fullSizeBundle('fp32', (line) => console.error(line))), join(work, 'bundle'));
  const laws = { full: await multiplyAddsLaw(bundle, 'full', work), tiny: await multiplyAddsLaw(bundle, 'tiny', work) };
  const macs = (kind: Decoder, size: string) => {
    const [width, height] = size.split('x').map(Number) as [number, number];
    return (laws[kind]((height / 16) * (width / 16)) / 1e9).toFixed(1);
  };
  console.log('random weights, fp32 activations and VAE weights; full VAE from the full-size bundle, tiny decoder taew2_2 added to it');
  const rows: string[][] = [];
  if (runtimes.includes('cpu')) {
    for (const size of sizes) {
      const [width, height] = size.split('x').map(Number) as [number, number];
      const grid = [height / 16, width / 16] as const;
      const results = { full: child(bundle, 'full', grid), tiny: child(bundle, 'tiny', grid) };
      for (const kind of ['full', 'tiny'] as const) {
        const r = results[kind];
        rows.push(['onnxruntime-node CPU', size, kind, '2', r.frameSeconds[1]!.toFixed(2), r.frameSeconds[0]!.toFixed(2), `${(r.peakRss / 1e9).toFixed(2)} GB RSS`, macs(kind, size), r.sessionSeconds.toFixed(1)]);
      }
      const ratio = (results.full.frameSeconds[1]! / results.tiny.frameSeconds[1]!).toFixed(1);
      rows.push(['onnxruntime-node CPU', size, 'full / tiny', '', ratio, '', (results.full.peakRss / results.tiny.peakRss).toFixed(1), (Number(macs('full', size)) / Number(macs('tiny', size))).toFixed(1), '']);
    }
  }
  if (runtimes.includes('webgpu')) {
    const fullSizes = values['webgpu-full-sizes']?.split(',') ?? sizes;
    rows.push(...(await webgpuDecodeRows(bundle, sizes, fullSizes, Number(values['webgpu-frames']), macs)));
  }
  printPreviewShare(sizes, laws.tiny);
  printTable(
    ['runtime (adapter)', 'size', 'decoder', 'latent frames run', 's per latent frame (steady, 4 video frames)', 's for latent frame 0', 'peak memory', 'G multiply-adds per latent frame', 'sessions (s)'],
    rows,
  );
}
