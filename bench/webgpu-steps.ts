/**
 * The denoising loop on onnxruntime-web's WebGPU EP in headless chromium, with a small
 * bundle (random weights, tiny-a's shapes): per run, session creation time, time and
 * GPU→CPU readbacks per denoising step (and their bytes), decode time per latent frame, and the
 * peak of GPU buffer bytes. The first run creates the sessions; the second shows the loaded model.
 * --preview adds the step previews (each reads RGB at latent resolution). --model self-test uses the
 * self-test model, whose previews come from its tiny decoder (the step's clean estimate read back and
 * decoded); self-test-map the same model without it (previews through the latent → RGB map).
 *   npm run bench:webgpu-steps [-- --size 128x96 --frames 9 --steps 4 --guidance 5 --runs 2 --preview --model tiny-a|self-test|self-test-map]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSelfTestBundle } from '../src/node/write-self-test-bundle.ts';
import { startStaticServer } from '../test/e2e/static-server.ts';
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
    model: { type: 'string', default: 'tiny-a' },
  },
});
const [width, height] = values.size.split('x');

interface StepsResult {
  adapter: string | null;
  results: { sessionMs: number; stepMs: number[]; readbacksPerStep: number[]; readbackBytesPerStep: number[]; decodeMs: number[]; totalMs: number; peakGpuBytes: number | null }[];
}

/** The self-test model (with or without its tiny decoder) written and served like the tiny bundle. */
async function serveSelfTest(tinyDecoder: boolean) {
  const dir = await mkdtemp(join(tmpdir(), 'wan-bench-self-test-'));
  await writeSelfTestBundle(join(dir, 'bundle'), { tinyDecoder });
  const server = await startStaticServer(dir);
  return { url: `${server.url}bundle/`, close: async () => (await server.close(), await rm(dir, { recursive: true, force: true })) };
}

const bundle = values.model === 'tiny-a' ? await serveTinyBundle() : await serveSelfTest(values.model === 'self-test');
try {
  const query = { bundle: bundle.url, width: width!, height: height!, frames: values.frames, steps: values.steps, guidance: values.guidance, runs: values.runs, preview: values.preview ? '1' : '0' };
  const result = await runPageBench<StepsResult>('webgpu-steps.html', query);
  const s = (ms: number) => (ms / 1000).toFixed(2);
  console.log(
    `denoising on the WebGPU EP in chromium (${result.adapter}), ${values.model} bundle (random weights), ${values.size}, ${values.frames} frames, ${values.steps} UniPC steps, guidance ${values.guidance}, preview ${values.preview ? 'on' : 'off'}`,
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
