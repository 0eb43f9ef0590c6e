import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import { openAppAfterSelfCheck } from './browser.ts';
import type { ReadyApp } from './browser.ts';
import { serveTinyBundle } from './tiny-bundle.ts';
import type { ServedTinyBundle } from './tiny-bundle.ts';

const SETTINGS = { prompt: 'a red fox in fresh snow', width: 64, height: 64, frames: 9, steps: 4, guidance: 5, shift: 5, sampler: 'unipc', seed: 42 };
let tiny: ServedTinyBundle;
let work: string;
let ready: ReadyApp;
let page: Page;
let bundleUrl: string;

beforeAll(async () => {
  tiny = await serveTinyBundle();
  work = tiny.dir;
  bundleUrl = tiny.url;
  ready = await openAppAfterSelfCheck();
  page = ready.page;
});

afterAll(async () => {
  await ready?.close();
  await tiny?.close();
});

interface BrowserRun {
  latents?: number[];
  error?: string;
  frameEvents: { chunk: number; frames: number; beforeEnd: boolean }[];
  phases: string[];
}

/** Runs one generation through the page's console API; `cancelAt` aborts at the first event of that phase after step 1. */
function generateInBrowser(settings: object, cancelAt?: 'denoising' | 'decoding'): Promise<BrowserRun> {
  return page.evaluate(
    async ({ url, settings, cancelAt }) => {
      const api = (globalThis as unknown as { wanWeb: { generate: (run: Record<string, unknown>) => Promise<{ latents: Float32Array }> } }).wanWeb;
      const controller = new AbortController();
      const run: BrowserRun = { frameEvents: [], phases: [] };
      let done = false;
      try {
        const result = await api.generate({
          location: { kind: 'url', url },
          settings,
          onEvent: (e: { type: string; phase: string; step: number }) => {
            if (e.type === 'progress' && !run.phases.includes(e.phase)) run.phases.push(e.phase);
            if (cancelAt && e.type === 'progress' && e.phase === cancelAt && e.step >= 1) controller.abort();
          },
          onFrames: (e: { chunk: number; frames: unknown[] }) => {
            run.frameEvents.push({ chunk: e.chunk, frames: e.frames.length, beforeEnd: !done });
            if (cancelAt === 'decoding' && e.chunk >= 1) controller.abort();
          },
          signal: controller.signal,
        });
        done = true;
        run.latents = Array.from(result.latents);
      } catch (error) {
        run.error = `${(error as Error).name}: ${(error as Error).message}`;
      }
      return run;
    },
    { url: bundleUrl, settings, cancelAt },
  );
}

/** GPU bytes live on the device (all of them, and the weights' part), and the JS memory of the page and its workers (measureUserAgentSpecificMemory). */
const memory = () =>
  page.evaluate(async () => {
    const api = (globalThis as unknown as { wanWeb: { worker: { memory(): Promise<{ gpu: { liveBytes: number; weights: { bytes: number } } | null; jsHeapBytes: number | null }> } } }).wanWeb;
    const worker = await api.worker.memory();
    const measure = (performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }).measureUserAgentSpecificMemory;
    const js = measure ? (await measure.call(performance).catch(() => null))?.bytes ?? null : null;
    return { gpu: worker.gpu, jsHeapBytes: js ?? worker.jsHeapBytes };
  });

describe('generation in chromium through the worker on the WebGPU EP', () => {
  test('streams frames and ends with the same latents as the Node CLI for the same seed', async () => {
    const run = await generateInBrowser(SETTINGS);
    expect(run.error).toBeUndefined();
    expect(run.phases).toEqual(['encoding-text', 'loading', 'denoising', 'decoding']);
    expect(run.frameEvents.map((e) => e.frames)).toEqual([1, 4, 4]);
    expect(run.frameEvents.every((e) => e.beforeEnd)).toBe(true);

    const latentsFile = join(work, 'node-latents.safetensors');
    const cli = ['generate', '--bundle', join(work, 'bundle'), '--prompt', SETTINGS.prompt, '--size', `${SETTINGS.width}x${SETTINGS.height}`, '--frames', '9', '--steps', '4', '--seed', '42'];
    expect(await runCli([...cli, '--out', join(work, 'node.mp4'), '--latents-out', latentsFile])).toBe(0);
    const file = await readCaseFile(latentsFile);
    const node = (await file.float('latents')).data;
    await file.close();
    expect(run.latents!.length).toBe(node.length);
    let max = 0;
    for (let i = 0; i < node.length; i++) max = Math.max(max, Math.abs(run.latents![i]! - node[i]!));
    console.log(`final latents: max |browser WebGPU − Node CPU| = ${max.toExponential(2)}`);
    expect(max).toBeLessThan(1e-3);
  });

  test('cancelling mid-denoise and mid-decode leaves the worker ready for the next job', async () => {
    const denoise = await generateInBrowser({ ...SETTINGS, steps: 12 }, 'denoising');
    expect(denoise.error).toMatch(/^GenerationCanceledError/);
    const decode = await generateInBrowser(SETTINGS, 'decoding');
    expect(decode.error).toMatch(/^GenerationCanceledError/);
    expect(decode.frameEvents.length).toBeLessThan(3);
    const after = await generateInBrowser(SETTINGS);
    expect(after.error).toBeUndefined();
    expect(after.frameEvents).toHaveLength(3);
  });

  // CI runs a few; `WAN_E2E_RUNS=20 npx vitest run --project e2e test/e2e/generate-webgpu.test.ts` measures the 20.
  const RUNS = Number(process.env.WAN_E2E_RUNS ?? 3);
  test(`${RUNS} generations in a row do not grow GPU or JS memory, and leave only the loaded weights on the GPU`, { timeout: RUNS * 60_000 }, async () => {
    const samples: { gpu: number; weights: number; heap: number | null }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await generateInBrowser({ ...SETTINGS, frames: 5, seed: 100 + i, steps: 1 });
      expect(run.error).toBeUndefined();
      const m = await memory();
      samples.push({ gpu: m.gpu?.liveBytes ?? -1, weights: m.gpu?.weights.bytes ?? -1, heap: m.jsHeapBytes });
    }
    const last = samples[RUNS - 1]!;
    console.log(
      `after each of ${RUNS} runs: GPU live bytes ${samples.map((s) => s.gpu).join(', ')} (weights ${samples.map((s) => s.weights).join(', ')}); worker JS heap ${samples.map((s) => s.heap).join(', ')}`,
    );
    // Besides the weights and constants we upload, onnxruntime holds buffers for the small latent-update graphs that stay loaded: tens of kB.
    for (const sample of samples) expect(sample.gpu - sample.weights).toBeLessThan(256 * 1024);
    expect(samples[0]!.gpu).toBeGreaterThan(0);
    expect(last.gpu).toBeLessThanOrEqual(samples[0]!.gpu);
    if (samples[0]!.heap !== null) expect(last.heap!).toBeLessThan(samples[0]!.heap * 1.5 + 8e6);
  });
});
