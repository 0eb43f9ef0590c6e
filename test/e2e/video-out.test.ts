import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { openAppAfterSelfCheck, saveScreenshot } from './browser.ts';
import type { ReadyApp } from './browser.ts';
import { serveTinyBundle } from './tiny-bundle.ts';
import type { ServedTinyBundle } from './tiny-bundle.ts';

const SETTINGS = { prompt: 'a red fox in fresh snow', width: 64, height: 64, frames: 5, steps: 2, guidance: 5, shift: 5, sampler: 'unipc', seed: 42 };
const FFPROBE_CODEC: Record<string, string> = { avc: 'h264', vp9: 'vp9', av1: 'av1' };

let tiny: ServedTinyBundle;
let ready: ReadyApp;
let page: Page;
let out: string;

beforeAll(async () => {
  tiny = await serveTinyBundle();
  out = await mkdtemp(join(tmpdir(), 'wan-e2e-video-'));
  ready = await openAppAfterSelfCheck();
  page = ready.page;
});

afterAll(async () => {
  await ready?.close();
  await tiny?.close();
  await rm(out, { recursive: true, force: true });
});

async function fillSettings(seed = SETTINGS.seed) {
  await page.getByTestId('model').selectOption('url');
  await page.getByTestId('bundle-url').fill(tiny.url);
  await page.getByTestId('prompt').fill(SETTINGS.prompt);
  await page.getByTestId('size').selectOption(`${SETTINGS.width}x${SETTINGS.height}`);
  await page.getByTestId('frames').fill(String(SETTINGS.frames));
  await page.getByTestId('steps').fill(String(SETTINGS.steps));
  await page.getByTestId('seed').fill(String(seed));
}

interface PreviewLogEntry {
  /** Decoded frames shown so far. */
  shown: number;
  /** The denoising step whose latent preview is shown. */
  step: number;
  status: string;
  /** The tab title at that moment. */
  title: string;
}

/** Generates through the UI, logging what the preview shows and the status at every change. */
async function generateInUi(): Promise<PreviewLogEntry[]> {
  await page.evaluate(() => {
    const log: PreviewLogEntry[] = [];
    const record = () => {
      const canvas = document.querySelector<HTMLElement>('[data-testid=preview-canvas]');
      const status = document.querySelector<HTMLElement>('[data-testid=generation-status]')?.dataset.status ?? '';
      log.push({ shown: Number(canvas?.dataset.framesShown ?? 0), step: Number(canvas?.dataset.previewStep ?? 0), status, title: document.title });
    };
    const attributeFilter = ['data-frames-shown', 'data-preview-step', 'data-status'];
    new MutationObserver(record).observe(document.body, { subtree: true, attributes: true, attributeFilter });
    Object.assign(globalThis, { previewLog: log });
  });
  await page.getByTestId('generate').click();
  await page.locator('[data-testid=generation-status][data-status=done]').waitFor({ timeout: 300_000 });
  return page.evaluate(() => (globalThis as unknown as { previewLog: PreviewLogEntry[] }).previewLog);
}

/** The pipeline's first frame for these settings (RGBA), from the same core on onnxruntime-node (`wan-web generate` to PNGs). */
async function pipelineFirstFrame(): Promise<Uint8Array> {
  const frames = join(out, 'cli-frames');
  const code = await runCli([
    'generate', '--bundle', join(tiny.dir, 'bundle'), '--prompt', SETTINGS.prompt, '--out', frames,
    '--size', `${SETTINGS.width}x${SETTINGS.height}`, '--frames', String(SETTINGS.frames), '--steps', String(SETTINGS.steps), '--seed', String(SETTINGS.seed),
  ]);
  expect(code).toBe(0);
  const [first] = (await readdir(frames)).filter((name) => name.endsWith('.png')).sort();
  const png = decodePng(await readFile(join(frames, first!)));
  expect(png.channels).toBe(4);
  return png.data as Uint8Array;
}

/**
 * Luma PSNR (BT.709 weights), the codec-standard measure: the tiny random model draws
 * per-pixel colour noise, whose RGB PSNR 4:2:0 chroma subsampling alone caps near 18 dB.
 */
function lumaPsnr(a: Uint8Array, b: Uint8Array): number {
  const luma = (rgba: Uint8Array, i: number) => 0.2126 * rgba[i]! + 0.7152 * rgba[i + 1]! + 0.0722 * rgba[i + 2]!;
  let squared = 0;
  for (let i = 0; i < a.length; i += 4) squared += (luma(a, i) - luma(b, i)) ** 2;
  return 10 * Math.log10((255 * 255) / (squared / (a.length / 4)));
}

/** Mean of each of R, G, B: a wrong colour matrix or range shifts them. */
function channelMeans(rgba: Uint8Array): number[] {
  const sums = [0, 0, 0];
  for (let i = 0; i < rgba.length; i += 4) for (let c = 0; c < 3; c++) sums[c]! += rgba[i + c]!;
  return sums.map((sum) => sum / (rgba.length / 4));
}

const historyEntries = () => page.getByTestId('history-entry');
const PAGE_TITLE = 'wan-web: Wan2.2 video generation in your browser';

describe('video out: preview, WebCodecs + Mediabunny MP4, history in OPFS', () => {
  test('frames show while generating; the MP4 is what ffprobe and ffmpeg say it should be', async () => {
    await fillSettings();
    const log = await generateInUi();
    const running = log.filter((entry) => entry.status === 'running');
    // The latent preview of every denoising step, before any frame is decoded, then decoded frames, all before the end.
    expect([...new Set(running.filter((entry) => entry.shown === 0 && entry.step > 0).map((entry) => entry.step))]).toEqual([1, 2]);
    expect(running.some((entry) => entry.shown > 0)).toBe(true);
    // The tab says how far the job is while it runs, and has the page's own title back at the end.
    expect(running.some((entry) => /^\d+% · (Denoising|Decoding frames) \d+\/\d+ · wan-web$/.test(entry.title))).toBe(true);
    expect(await page.title()).toBe(PAGE_TITLE);

    const info = page.getByTestId('result-info');
    const codec = (await info.getAttribute('data-codec'))!;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
    const file = join(out, download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^wan-a-red-fox-in-fresh-snow-\\d{4}-\\d{2}-\\d{2}-\\d{4}-s${SETTINGS.seed}\\.mp4$`));

    const probe = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_name,width,height,r_frame_rate,nb_read_frames:format=duration,format_name:format_tags', '-of', 'json', file], {
        encoding: 'utf8',
      }),
    ) as { streams: Record<string, string | number>[]; format: { duration: string; format_name: string; tags?: Record<string, string> } };
    const [stream] = probe.streams;
    console.log(`ffprobe: ${JSON.stringify(probe)}`);
    expect(stream!.codec_name).toBe(FFPROBE_CODEC[codec]);
    expect(stream!.width).toBe(SETTINGS.width);
    expect(stream!.height).toBe(SETTINGS.height);
    expect(stream!.r_frame_rate).toBe('24/1');
    expect(Number(stream!.nb_read_frames)).toBe(SETTINGS.frames);
    expect(Number(probe.format.duration)).toBeCloseTo(SETTINGS.frames / 24, 2);
    expect(probe.format.format_name).toContain('mp4');
    expect(probe.format.tags?.title).toBe(SETTINGS.prompt);
    expect(JSON.parse(probe.format.tags!.comment!).settings).toMatchObject({ ...SETTINGS });

    const decoded = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-']);
    expect(decoded.length).toBe(SETTINGS.width * SETTINGS.height * 4);
    const reference = await pipelineFirstFrame();
    const psnr = lumaPsnr(decoded, reference);
    console.log(`first frame luma PSNR (ffmpeg-decoded MP4 vs the Node pipeline's PNG): ${psnr.toFixed(2)} dB`);
    expect(psnr).toBeGreaterThanOrEqual(30);
    const [decodedMeans, referenceMeans] = [channelMeans(decoded), channelMeans(reference)];
    decodedMeans.forEach((mean, c) => expect(Math.abs(mean - referenceMeans[c]!)).toBeLessThan(3));
  });

  test('after a reload the history lists the video with its settings, and it plays', async () => {
    await page.reload();
    await page.locator('[data-testid=gallery][data-loaded=true]').waitFor();
    await expect.poll(() => historyEntries().count()).toBe(1);
    const entry = historyEntries().first();
    expect(await entry.textContent()).toContain(SETTINGS.prompt);
    expect(await entry.getByTestId('history-settings').textContent()).toContain(`seed ${SETTINGS.seed}`);
    const played = await entry.getByTestId('history-video').evaluate(async (video: HTMLVideoElement) => {
      await video.play();
      await new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()));
      return { width: video.videoWidth, height: video.videoHeight, duration: video.duration };
    });
    expect(played).toEqual({ width: SETTINGS.width, height: SETTINGS.height, duration: expect.closeTo(SETTINGS.frames / 24, 2) as number });
  });

  test('a cancelled generation leaves no entry; a full disk keeps the old entries and says so', async () => {
    await fillSettings(43);
    await page.getByTestId('steps').fill('40');
    await page.getByTestId('generate').click();
    await page.getByTestId('job-progress-bar').waitFor();
    await expect.poll(() => page.getByTestId('generation-status').textContent(), { timeout: 120_000, interval: 100 }).toMatch(/Denoising ([3-9]|\d\d)\//);
    expect(await page.getByTestId('job-times').textContent()).toMatch(/^Elapsed \d+\.\d s\. About .* left/);
    await saveScreenshot(page, 'video-out-generating');
    await page.getByTestId('cancel').click();
    await page.locator('[data-testid=generation-status][data-status=canceled]').waitFor({ timeout: 120_000 });
    expect(await historyEntries().count()).toBe(1);
    expect(await page.title()).toBe(PAGE_TITLE);
    await page.getByTestId('steps').fill(String(SETTINGS.steps));

    const cdp = await page.context().newCDPSession(page);
    const origin = new URL(page.url()).origin;
    const { usage } = await page.evaluate(() => navigator.storage.estimate());
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: (usage ?? 0) + 1024 });
    try {
      await generateInUi();
      expect(await page.getByTestId('save-error').textContent()).toContain('no room left');
      expect(await page.getByTestId('download').isVisible()).toBe(true);
      expect(await historyEntries().count()).toBe(1);
      // A job cancelled after that leaves the finished video in the player.
      await page.getByTestId('generate').click();
      await page.getByTestId('cancel').click();
      await page.locator('[data-testid=generation-status][data-status=canceled]').waitFor({ timeout: 120_000 });
      expect(await page.getByTestId('result-video').isVisible()).toBe(true);
      await page.reload();
      await page.locator('[data-testid=gallery][data-loaded=true]').waitFor();
      await expect.poll(() => historyEntries().count()).toBe(1);
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    }

    await historyEntries().first().getByTestId('history-delete').click();
    await expect.poll(() => historyEntries().count()).toBe(0);
  });

  test('invalid settings are marked on their fields, all listed, and Generate is off until they are fixed', async () => {
    const generate = page.getByTestId('generate');
    const invalid = (id: string) => page.getByTestId(id).getAttribute('aria-invalid');
    await page.getByTestId('steps').fill('0');
    await page.getByTestId('guidance').fill('-3');
    await page.getByTestId('fps').fill('0');
    await page.getByTestId('seed').fill('');
    await page.getByTestId('frames').fill('6');
    for (const id of ['frames', 'steps', 'guidance', 'seed', 'fps']) expect(await invalid(id)).toBe('true');
    expect(await page.getByTestId('steps-problem').textContent()).toBe('Steps: use a whole number from 1 to 200.');
    expect(await page.getByTestId('setting-problems').getByRole('listitem').count()).toBe(5);
    expect(await generate.isDisabled()).toBe(true);
    expect(await generate.getAttribute('aria-describedby')).toBe('setting-problems');
    expect(await page.getByTestId('setting-problems').textContent()).toContain('Generate is off until these 5 settings are fixed');
    await saveScreenshot(page, 'video-out-invalid-fields');
    await page.keyboard.press('Control+Enter');
    expect(await page.getByTestId('generation-status').getAttribute('data-status')).not.toBe('running');

    // Leaving the frames field rounds it to 4n + 1; the dice draws a seed; the rest are typed right.
    await page.getByTestId('steps').focus();
    expect(await page.getByTestId('frames').inputValue()).toBe('5');
    expect(await page.getByText(/Infinity/).count()).toBe(0);
    await page.getByTestId('seed-dice').click();
    expect(Number(await page.getByTestId('seed').inputValue())).toBeGreaterThanOrEqual(0);
    await page.getByTestId('steps').fill('2');
    await page.getByTestId('guidance').fill('5');
    await page.getByTestId('fps').fill('24');
    for (const id of ['frames', 'steps', 'guidance', 'seed', 'fps']) expect(await invalid(id)).toBe('false');
    expect(await page.getByTestId('setting-problems').textContent()).toBe('');
    expect(await generate.isDisabled()).toBe(false);
  });
});
