/**
 * One causal 3-D convolution layer of the VAE decoder at full width (1024 → 1024 channels,
 * 3×3×3) over a steady-state 4-frame chunk at 22×40, on onnxruntime-web's WebGPU EP in
 * headless chromium: plain Conv3D against the decoder's formulations (see
 * bench/vae/causal-conv-graphs.ts), with the largest difference from Conv3D's output.
 *   npm run bench:vae-conv [-- --channels 1024 --size 40x22 --frames 4 --runs 3]
 */
import { parseArgs } from 'node:util';
import { CHROMIUM_FLAGS, runPageBench } from './page-bench.ts';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: {
    channels: { type: 'string', default: '1024' },
    size: { type: 'string', default: '40x22' },
    frames: { type: 'string', default: '4' },
    runs: { type: 'string', default: '3' },
  },
});
const [width, height] = values.size.split('x').map(Number) as [number, number];

const result = await runPageBench<{ results: { formulation: string; sessionMs: number; runMs: number[]; maxDiff: number }[] }>('vae-conv.html', {
  channels: values.channels,
  frames: values.frames,
  width: String(width),
  height: String(height),
  runs: values.runs,
});
const median = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1]!;
const base = median(result.results.find((r) => r.formulation === 'conv3d')!.runMs);
console.log(`causal conv ${values.channels}→${values.channels}, 3×3×3, ${values.frames} frames (+2 cached) at ${width}×${height}, fp32, WebGPU EP in chromium (${CHROMIUM_FLAGS})`);
printTable(
  ['formulation', 'session (s)', 'run, median (s)', 'runs (s)', 'speed vs Conv3D', 'max |Δ| vs Conv3D'],
  result.results.map((r) => [
    r.formulation,
    (r.sessionMs / 1000).toFixed(1),
    (median(r.runMs) / 1000).toFixed(2),
    r.runMs.map((ms) => (ms / 1000).toFixed(2)).join(' '),
    `${(base / median(r.runMs)).toFixed(2)}×`,
    r.maxDiff.toExponential(2),
  ]),
);
