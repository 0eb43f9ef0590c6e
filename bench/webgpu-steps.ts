/**
 * The denoising loop on onnxruntime-web's WebGPU EP in headless chromium, with a small
 * bundle (random weights, tiny-a's shapes): per run, session creation time, time and
 * GPU→CPU readbacks per denoising step (and their bytes), decode time per latent frame, and the
 * peak of GPU buffer bytes. The first run creates the sessions; the second shows the loaded model.
 * --preview adds the step previews (each reads RGB at latent resolution).
 *   npm run bench:webgpu-steps [-- --size 128x96 --frames 9 --steps 4 --guidance 5 --runs 2 --preview]
 */
import { parseArgs } from 'node:util';
import { serveTinyBundle } from '../test/e2e/tiny-bundle.ts';
import { runPageBench } from './page-bench.ts';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '128x96' },
    frames: { type: 'string', default: '9' },
    steps: { type: 'string', default: '4' },
    guidance: { type: 'string', default: '5' },
    runs: { type: 'string', default: '2' },
    preview: { type: 'boolean', default: false },
  },
});
const [width, height] = values.size.split('x');

interface StepsResult {
  adapter: string | null;
  results: { sessionMs: number; stepMs: number[]; readbacksPerStep: number[]; readbackBytesPerStep: number[]; decodeMs: number[]; totalMs: number; peakGpuBytes: number | null }[];
}

const bundle = await serveTinyBundle();
try {
  const query = { bundle: bundle.url, width: width!, height: height!, frames: values.frames, steps: values.steps, guidance: values.guidance, runs: values.runs, preview: values.preview ? '1' : '0' };
  const result = await runPageBench<StepsResult>('webgpu-steps.html', query);
  const s = (ms: number) => (ms / 1000).toFixed(2);
  console.log(
    `denoising on the WebGPU EP in chromium (${result.adapter}), tiny random bundle, ${values.size}, ${values.frames} frames, ${values.steps} UniPC steps, guidance ${values.guidance}, preview ${values.preview ? 'on' : 'off'}`,
  );
  printTable(
    ['run', 'session creation (s)', 'step times (s)', 'readbacks per step', 'bytes read per step', 'decode per latent frame (s)', 'whole run (s)', 'peak GPU buffers (MB)'],
    result.results.map((r, i) => [
      String(i + 1),
      s(r.sessionMs),
      r.stepMs.map(s).join(' '),
      r.readbacksPerStep.join(' '),
      r.readbackBytesPerStep.join(' '),
      r.decodeMs.map(s).join(' '),
      s(r.totalMs),
      r.peakGpuBytes === null ? 'n/a' : (r.peakGpuBytes / 1e6).toFixed(1),
    ]),
  );
} finally {
  await bundle.close();
}
