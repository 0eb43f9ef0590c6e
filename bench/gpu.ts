/**
 * The GPU numbers in one process, on onnxruntime-node's native WebGPU EP (Dawn over Vulkan):
 * the adapter, the self-check on it (is the fused flash attention correct?), seconds per DiT
 * pass at 832×480×49 and 1280×704×121 (fp16 activations where the adapter has shader-f16, else
 * fp32), seconds per decoded latent frame at 480p and 720p (full VAE and tiny decoder), the
 * causal-conv formulations at full decoder width, the peak of GPU memory, and (when
 * WAN_OFFICIAL_DIR and PyTorch with CUDA are there) the official DiT forward at the same shapes.
 *   npm run bench:gpu -- --bundle DIR [--bundle DIR2] [--small] [--runs N] [--out table.md]
 * Give an fp16 and an fp32 bundle to let the adapter choose. --small: tiny sizes, for proving it
 * on SwiftShader in minutes. Runs from tsx or bundled into one file (the GPU kit's bench-gpu.mjs).
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import type { BundleAccess } from '../src/pipeline/bundle-access.ts';
import { openDirBundle } from '../src/node/dir-bundle.ts';
import { NodeWebGpuRuntime } from '../src/node/gpu/node-webgpu-runtime.ts';
import { WanError } from '../src/errors.ts';
import { formatBytes } from '../src/format-bytes.ts';
import { adapterDescription, flashAttentionVerdict } from './gpu/adapter-info.ts';
import { timeCausalConv } from './gpu/causal-conv.ts';
import { timeDitPass } from './gpu/dit-pass.ts';
import type { VideoSize } from './gpu/dit-pass.ts';
import { GpuMemoryPeak } from './gpu/nvidia-smi.ts';
import { timeDecode } from './gpu/vae-frames.ts';
import { officialDitTiming } from './official/official-dit.ts';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string', multiple: true },
    small: { type: 'boolean', default: false },
    runs: { type: 'string' },
    out: { type: 'string' },
  },
});
if (!values.bundle?.length) {
  console.error('bench:gpu needs --bundle DIR (a wan-web bundle; give an fp16 and an fp32 one to let the adapter choose).');
  process.exit(1);
}
const small = values.small;
const runs = Number(values.runs ?? 2);
const DIT_SIZES: readonly VideoSize[] = small
  ? [{ width: 64, height: 64, frames: 5 }, { width: 128, height: 96, frames: 9 }]
  : [{ width: 832, height: 480, frames: 49 }, { width: 1280, height: 704, frames: 121 }];
const DECODE_SIZES = small ? [{ width: 64, height: 64 }, { width: 128, height: 96 }] : [{ width: 832, height: 480 }, { width: 1280, height: 704 }];
const CONV_SHAPE = small ? { channels: 64, frames: 4, height: 12, width: 20 } : { channels: 1024, frames: 4, height: 22, width: 40 };

const rows: [string, string, string][] = [];
const row = (what: string, value: string, note = '') => {
  rows.push([what, value, note]);
  console.error(`${what}: ${value}${note ? ` (${note})` : ''}`);
};
const sizeName = (s: { width: number; height: number; frames?: number }) => `${s.width}×${s.height}${s.frames ? `×${s.frames}` : ''}`;
const seconds = (s: number) => `${s.toFixed(s < 10 ? 3 : 1)} s`;
/** A row that failed says why instead of stopping the bench. */
async function measured(what: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    row(what, 'failed', error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}

/** The bundle whose activations suit the adapter: fp16 with shader-f16, else fp32. */
async function chooseBundle(shaderF16: boolean): Promise<{ bundle: BundleAccess; dir: string; note: string } | null> {
  const opened = await Promise.all(values.bundle!.map(async (dir) => ({ dir, bundle: await openDirBundle(dir) })));
  const wanted = shaderF16 ? 'fp16' : 'fp32';
  const match = opened.find((o) => o.bundle.manifest.precision.activations === wanted);
  if (match) return { ...match, note: `${wanted} activations` };
  const fp32 = opened.find((o) => o.bundle.manifest.precision.activations === 'fp32');
  return fp32 ? { ...fp32, note: 'fp32 activations (no fp16 bundle given)' } : null;
}

async function bench(): Promise<void> {
  const memory = new GpuMemoryPeak();
  row('adapter', adapterDescription());
  const runtime = await NodeWebGpuRuntime.create();
  try {
    row('shader-f16', runtime.shaderF16 ? 'yes' : 'no', runtime.shaderF16 ? 'fp16 activations' : 'fp32 activations');
    row('flash attention (self-check)', flashAttentionVerdict(runtime.report));
    row('self-check chosen configuration', runtime.report.chosen ?? 'none');
    const chosen = await chooseBundle(runtime.shaderF16);
    if (!chosen) {
      row('DiT and VAE', 'skipped', 'only fp16 bundles were given and this adapter lacks shader-f16: give an fp32 bundle too');
    } else {
      await modelRows(runtime, chosen);
    }
    await measured('causal conv', async () => {
      const timings = await timeCausalConv(ort, runtime.sessionOptions(), CONV_SHAPE, runs + 1);
      const base = timings[0]!.secondsPerRun;
      for (const t of timings) {
        row(`causal conv ${CONV_SHAPE.channels}→${CONV_SHAPE.channels} 3×3×3, ${CONV_SHAPE.frames}+2 frames at ${CONV_SHAPE.width}×${CONV_SHAPE.height}: ${t.formulation}`, seconds(t.secondsPerRun), `${(base / t.secondsPerRun).toFixed(2)}× Conv3D, max |Δ| ${t.maxDiffFromConv3d.toExponential(1)}, fp32`);
      }
    });
    const peak = memory.peak();
    row('peak GPU memory', typeof peak === 'number' ? formatBytes(peak) : peak, 'above the memory used before the bench');
  } finally {
    memory.stop();
    await runtime.dispose();
  }
}

async function modelRows(runtime: NodeWebGpuRuntime, chosen: { bundle: BundleAccess; dir: string; note: string }): Promise<void> {
  const options = runtime.pipelineOptions(chosen.bundle);
  const dtype = chosen.bundle.manifest.precision.activations;
  row('bundle', `${chosen.bundle.manifest.name} (${chosen.dir})`, `${chosen.note}, ${chosen.bundle.manifest.precision.weights} weights`);
  const ours = new Map<string, number>();
  for (const size of DIT_SIZES) {
    await measured(`DiT pass ${sizeName(size)}`, async () => {
      const t = await timeDitPass(options, size, runs);
      ours.set(sizeName(size), t.secondsPerPass);
      row(`DiT pass ${sizeName(size)} (${t.tokens} tokens)`, seconds(t.secondsPerPass), `${dtype}, mean of ${runs}; sessions ${seconds(t.sessionSeconds)}, first pass ${seconds(t.firstPassSeconds)}`);
    });
  }
  for (const decoder of ['full', 'tiny'] as const) {
    if (decoder === 'tiny' && !chosen.bundle.manifest.tinyDecoder) {
      row('tiny decoder', 'skipped', 'the bundle has none (wan-web convert --tiny-decoder)');
      continue;
    }
    for (const size of DECODE_SIZES) {
      await measured(`${decoder} VAE decode ${sizeName(size)}`, async () => {
        const t = await timeDecode(options, size, 3, decoder);
        row(`${decoder === 'full' ? 'VAE' : 'tiny decoder'} per latent frame ${sizeName(size)}`, seconds(t.secondsPerLatentFrame), `4 video frames; first latent frame ${seconds(t.firstFrameSeconds)} (sessions, shaders)`);
      });
    }
  }
  for (const size of DIT_SIZES) {
    const official = await officialDitTiming(size, dtype, runs);
    if ('skipped' in official) {
      row(`official DiT pass ${sizeName(size)}`, 'skipped', official.skipped);
      continue;
    }
    const mine = ours.get(sizeName(size));
    row(`official DiT pass ${sizeName(size)}`, seconds(official.secondsPerPass), `PyTorch on ${official.device}, ${dtype}, random weights${mine ? `; ours/official ${(mine / official.secondsPerPass).toFixed(2)}×` : ''}`);
  }
}

const startedAt = new Date().toISOString();
try {
  await bench();
} catch (error) {
  console.error(`bench:gpu: ${error instanceof WanError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
const table = [
  `bench:gpu ${small ? '--small ' : ''}(onnxruntime-node ${ort.env.versions.common} WebGPU EP), ${startedAt}`,
  '',
  '| measurement | value | notes |',
  '|---|---|---|',
  ...rows.map((r) => `| ${r.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`),
].join('\n');
console.log(table);
if (values.out) await writeFile(values.out, `${table}\n`);
