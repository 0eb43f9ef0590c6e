/**
 * The full-size model in headless chromium (WebGPU on SwiftShader), the way a user meets it:
 * a bundle with the real 5B / UMT5-XXL / VAE shapes (random int4 weights, made once and
 * cached) is installed into OPFS through the app's install path from a local URL (and again
 * from the same files picked as a folder), every
 * graph is loaded from each place a model can be read (the installed copy, and the URL
 * without installing) with each build of onnxruntime-web (JSPI, and the Asyncify build that
 * browsers without JSPI get), and then the smallest video is generated through the same
 * worker path as the Generate button, and its MP4 checked with ffprobe. Per step: time, peak
 * resident memory of the renderer and GPU processes (summed over the browser's process
 * tree), GPU bytes, and the JS memory of the page and its workers after the step.
 *
 *   npm run bench:full-browser [-- --bundle DIR --builds jspi,asyncify --paths installed,url
 *                                 --graphs dit,text-encoder --size 64x64 --frames 5 --steps 2 --no-generate --no-folder-install]
 *
 * The first run writes and converts a 34 GB random checkpoint (deleted afterwards; the 11 GB
 * bundle stays in .cache/bench, or WAN_WEB_BENCH_CACHE). The profile's OPFS holds another copy.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import type { BundleManifest } from '../src/bundle/manifest.ts';
import { CHROMIUM, CHROMIUM_ARGS, serveBuild } from '../test/e2e/browser.ts';
import { startStaticServer } from '../test/e2e/static-server.ts';
import { fullSizeBundle, BENCH_CACHE } from './full-size-bundle.ts';
import { ProcessTreeMemory } from './process-tree-memory.ts';
import type { ProcessPeaks } from './process-tree-memory.ts';
import { printTable } from './table.ts';
import { bundleAtUrl, installedModel } from '../src/model/model-location.ts';
import type { ModelLocation } from '../src/model/model-location.ts';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    activations: { type: 'string', default: 'fp32' },
    builds: { type: 'string', default: 'jspi,asyncify' },
    paths: { type: 'string', default: 'installed,url' },
    graphs: { type: 'string' },
    size: { type: 'string', default: '64x64' },
    frames: { type: 'string', default: '5' },
    steps: { type: 'string', default: '2' },
    generate: { type: 'boolean', default: true },
    'folder-install': { type: 'boolean', default: true },
  },
  allowNegative: true,
});

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const gb = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? '–' : (bytes / 1e9).toFixed(2));
const s = (ms: number) => (ms / 1000).toFixed(1);

const activations = values.activations === 'fp16' ? 'fp16' : 'fp32';
// Real path: a folder input picked through a symbolic link comes out empty.
const bundleDir = realpathSync(values.bundle ?? (await fullSizeBundle(activations, log)));
const manifest = JSON.parse(readFileSync(join(bundleDir, 'manifest.json'), 'utf8')) as BundleManifest;
const graphs = values.graphs?.split(',') ?? Object.keys(manifest.graphs);
const bundleBytes = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
log(`bundle ${bundleDir}: ${gb(bundleBytes)} GB, graphs ${graphs.join(', ')}`);

const files = await startStaticServer(dirname(bundleDir));
const bundleUrl = `${files.url}${basename(bundleDir)}/`;
const app = await serveBuild();
await mkdir(BENCH_CACHE, { recursive: true });
const profile = await mkdtemp(join(BENCH_CACHE, 'chromium-profile-'));
// Headless chromium gives an origin 10 GiB, less than the bundle (CDP's Storage.overrideQuotaForOrigin did not raise
// it in chromium 156); --unlimited-storage lets it use the free disk, as a desktop Chrome does (60% of the disk).
const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, '--unlimited-storage'] });
// tsx names the functions it compiles with a __name helper, which the page does not have.
await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
const memory = new ProcessTreeMemory(profile);

type WorkerApi = {
  selfCheck(): Promise<{ ortFlavor: string; report: { chosen: string | null } }>;
  listModels(): Promise<{ installed: { id: string; name: string }[] }>;
  deleteModel(id: string): Promise<void>;
  loadGraph(request: { location: ModelLocation; graph: string }): Promise<{ ms: number; weightBytes: number; gpuBytes: number }>;
  memory(): Promise<{ gpu: { liveBytes: number; peakBytes: number; weights: { bytes: number; buffers: number } } | null; jsHeapBytes: number | null }>;
};
declare const wanWeb: { worker: WorkerApi; generate: (run: Record<string, unknown>) => Promise<{ video: { bytes: Uint8Array; mimeType: string } | null; frames: number }> };

interface Row {
  readonly step: string;
  readonly seconds: number;
  readonly peaks: ProcessPeaks;
  readonly gpuBytes: number | null;
  readonly jsHeapBytes: number | null;
}

const rows: Row[] = [];
const record = (step: string, seconds: number, gpuBytes: number | null, jsHeapBytes: number | null) => {
  const row = { step, seconds, peaks: memory.mark(), gpuBytes, jsHeapBytes };
  rows.push(row);
  log(`${step}: ${seconds.toFixed(1)} s, renderer ${gb(row.peaks.renderer)} GB, GPU process ${gb(row.peaks.gpu)} GB, GPU buffers ${gb(gpuBytes)} GB`);
};

const watched = new WeakSet<Page>();

async function openApp(build: string): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  if (!watched.has(page)) {
    watched.add(page);
    page.on('console', (message) => ['error', 'warning'].includes(message.type()) && log(`[browser ${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => log(`[page error] ${error.message}`));
    page.on('crash', () => log('[page crashed]'));
    await page.exposeFunction('benchLog', log);
  }
  await page.goto(`${app.url}${build === 'asyncify' ? '?ort=asyncify' : ''}`);
  const check = await page.evaluate(() => wanWeb.worker.selfCheck());
  log(`${build}: onnxruntime-web ${check.ortFlavor} build, GPU configuration ${check.report.chosen}`);
  if (check.ortFlavor !== build) throw new Error(`asked for the ${build} build, got ${check.ortFlavor}`);
  memory.mark();
  return page;
}

/** The JS memory of the page and its workers now (measureUserAgentSpecificMemory; the page is cross-origin isolated). */
function jsMemory(page: Page): Promise<number | null> {
  return page.evaluate(async () => {
    const measure = (performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }).measureUserAgentSpecificMemory;
    return measure ? ((await measure.call(performance).catch(() => null))?.bytes ?? null) : null;
  });
}

/** Installs the bundle as a user does: its URL in the Models panel, Install (or the folder, picked), until it is listed as installed. */
async function installThroughTheUi(page: Page, from: 'url' | 'folder'): Promise<string> {
  if (from === 'url') {
    await page.getByTestId('install-url').fill(bundleUrl);
    await page.getByTestId('install').click();
  } else {
    await page.getByTestId('install-folder').setInputFiles(bundleDir);
  }
  const status = page.getByTestId('install-status');
  for (;;) {
    const state = await status.getAttribute('data-status');
    if (state === 'done') break;
    if (state === 'failed' || state === 'paused') throw new Error(`install ${state}: ${await page.getByTestId('install-error').textContent().catch(() => '')}`);
    log(`install: ${(await page.getByTestId('install-progress-text').textContent().catch(() => null)) ?? '…'}`);
    await page.waitForTimeout(15_000);
  }
  const { installed } = await page.evaluate(() => wanWeb.worker.listModels());
  const model = installed.find((m) => m.name === manifest.name) ?? installed[0];
  if (!model) throw new Error('the install finished but no model is listed');
  return model.id;
}

let installedId: string | null = null;
try {
  const builds = values.builds.split(',');
  for (const build of builds) {
    const page = await openApp(build);
    if (!installedId) {
      let started = performance.now();
      installedId = await installThroughTheUi(page, 'url');
      record(`install into OPFS from a local URL, through the Models panel (${gb(bundleBytes)} GB)`, (performance.now() - started) / 1000, null, null);
      if (values['folder-install']) {
        await page.evaluate((id) => wanWeb.worker.deleteModel(id), installedId);
        await page.reload();
        await page.evaluate(() => wanWeb.worker.selfCheck());
        memory.mark();
        started = performance.now();
        installedId = await installThroughTheUi(page, 'folder');
        record(`install into OPFS from the same bundle as a picked folder (${gb(bundleBytes)} GB)`, (performance.now() - started) / 1000, null, null);
      }
    }
    for (const path of values.paths.split(',').filter(Boolean)) {
      const location = path === 'installed' ? installedModel(installedId) : bundleAtUrl(bundleUrl);
      for (const graph of graphs) {
        const loaded = await page.evaluate(({ location, graph }) => wanWeb.worker.loadGraph({ location, graph }), { location, graph });
        const jsHeapBytes = await jsMemory(page);
        record(`${build} · ${path === 'installed' ? 'installed (OPFS)' : 'URL, not installed'} · ${graph}`, loaded.ms / 1000, loaded.gpuBytes, jsHeapBytes);
      }
    }
  }

  if (values.generate) {
    const [width, height] = values.size.split('x').map(Number);
    const settings = { prompt: 'a red fox trotting through fresh snow', width, height, frames: Number(values.frames), steps: Number(values.steps), guidance: 1, shift: 5, sampler: 'unipc', seed: 42 };
    const page = await openApp('jspi');
    log(`generating ${values.size}, ${settings.frames} frames, ${settings.steps} steps, guidance 1 with the installed model …`);
    const started = performance.now();
    const result = await page.evaluate(
      async ({ location, settings }) => {
        const phases: Record<string, { first: number; last: number; steps: number }> = {};
        const start = performance.now();
        const done = await wanWeb.generate({
          location,
          settings,
          onEvent: (event: { type: string; phase: string; step: number }) => {
            if (event.type !== 'progress') return;
            const now = performance.now() - start;
            if (!phases[event.phase]) void (globalThis as unknown as { benchLog(line: string): Promise<void> }).benchLog(`${event.phase}…`);
            const phase = (phases[event.phase] ??= { first: now, last: now, steps: 0 });
            phase.last = now;
            phase.steps = event.step;
          },
          video: { container: 'mp4', fps: 24 },
        });
        return { phases, frames: done.frames, video: done.video ? Array.from(done.video.bytes) : null, totalMs: performance.now() - start };
      },
      { location: installedModel(installedId ?? ''), settings },
    );
    const after = await page.evaluate(() => wanWeb.worker.memory());
    record(`generate ${values.size}, ${settings.frames} frames, ${settings.steps} steps (whole job)`, (performance.now() - started) / 1000, after.gpu?.peakBytes ?? null, await jsMemory(page));
    console.log('\nPhases of the generation (time from the job start to the phase\'s first and last progress event):');
    printTable(
      ['phase', 'from (s)', 'to (s)', 'steps'],
      Object.entries(result.phases).map(([phase, p]) => [phase, s(p.first), s(p.last), String(p.steps)]),
    );
    console.log(`\nAfter the generation: ${after.gpu?.liveBytes} GPU bytes live, of which ${after.gpu?.weights.bytes} in ${after.gpu?.weights.buffers} weight buffers (the loaded sessions' weights); the rest is onnxruntime's own graph constants.`);
    if (result.video) {
      const mp4 = join(profile, 'full-size.mp4');
      await writeFile(mp4, Uint8Array.from(result.video));
      const probe = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_name,width,height,nb_read_frames,avg_frame_rate', '-of', 'default=noprint_wrappers=1', mp4], { encoding: 'utf8' });
      console.log(`\nffprobe ${mp4} (${result.video.length} bytes, ${result.frames} frames):\n${probe}`);
    }
  }
} finally {
  memory.stop();
  await context.close();
  await app.close();
  await files.close();
  if (installedId) await rm(profile, { recursive: true, force: true });
}

console.log(`\nFull-size bundle (${gb(bundleBytes)} GB, int4 weights, ${activations} activations) in headless chromium, SwiftShader WebGPU. Peaks are resident memory summed over the process kind.`);
printTable(
  ['step', 'time (s)', 'renderer peak (GB)', 'GPU process peak (GB)', 'browser process peak (GB)', 'GPU buffers (GB)', 'JS memory after (GB)'],
  rows.map((r) => [r.step, r.seconds.toFixed(1), gb(r.peaks.renderer), gb(r.peaks.gpu), gb(r.peaks.browser), gb(r.gpuBytes), gb(r.jsHeapBytes)]),
);
