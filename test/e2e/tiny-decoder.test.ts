import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomTaehvDecoderTensors } from '../../src/convert-install/random-tiny-decoder.ts';
import { TAEW2_2 } from '../../src/convert/tiny-vae/index.ts';
import { encodeSafetensors } from '../../src/safetensors/safetensors-writer.ts';
import { openAppAfterSelfCheck, saveScreenshot } from './browser.ts';
import type { ReadyApp } from './browser.ts';
import { serveTinyBundle } from './tiny-bundle.ts';
import type { ServedTinyBundle } from './tiny-bundle.ts';

const FRAMES = 5;
const SIZE = { width: 64, height: 64 };

let ready: ReadyApp;
let page: Page;
let out: string;
let plain: ServedTinyBundle;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'wan-e2e-tiny-decoder-'));
  plain = await serveTinyBundle();
  ready = await openAppAfterSelfCheck();
  page = ready.page;
});

afterAll(async () => {
  await ready?.close();
  await plain?.close();
  await rm(out, { recursive: true, force: true });
});

interface PreviewLogEntry {
  readonly step: number;
  readonly source: string;
  readonly shown: number;
  readonly status: string;
}

/** Generates through the UI, logging the step preview on display, what made it, and the status at every change. */
async function generateInUi(): Promise<PreviewLogEntry[]> {
  await page.evaluate(() => {
    const log: PreviewLogEntry[] = [];
    const record = () => {
      const canvas = document.querySelector<HTMLElement>('[data-testid=preview-canvas]');
      const status = document.querySelector<HTMLElement>('[data-testid=generation-status]')?.dataset.status ?? '';
      log.push({ step: Number(canvas?.dataset.previewStep ?? 0), source: canvas?.dataset.previewSource ?? '', shown: Number(canvas?.dataset.framesShown ?? 0), status });
    };
    const attributeFilter = ['data-preview-step', 'data-preview-source', 'data-frames-shown', 'data-status'];
    new MutationObserver(record).observe(document.body, { subtree: true, attributes: true, attributeFilter });
    Object.assign(globalThis, { previewLog: log });
  });
  await page.getByTestId('generate').click();
  await page.locator('[data-testid=generation-status][data-status=done]').waitFor({ timeout: 300_000 });
  return page.evaluate(() => (globalThis as unknown as { previewLog: PreviewLogEntry[] }).previewLog);
}

describe('the tiny decoder in the studio', () => {
  test('the self-test model: true-colour previews from the tiny decoder while denoising, Decoder = fast makes the MP4, the history says so', { timeout: 600_000 }, async () => {
    await page.getByTestId('generate').click();
    await page.getByTestId('install-self-test-from-error').click();
    await page.locator('[data-testid=install-status][data-status=done]').waitFor({ timeout: 240_000 });
    expect(await page.locator('[data-testid=installed-model][data-model-id=self-test]').getAttribute('data-tiny-decoder')).toBe('yes');
    expect(await page.getByTestId('add-tiny-decoder').count()).toBe(0);

    const decoder = page.getByTestId('decoder');
    expect(await decoder.isDisabled()).toBe(false);
    expect(await decoder.inputValue()).toBe('full');
    await decoder.selectOption('tiny');
    expect(await page.getByTestId('decoder-hint').textContent()).toContain('tiny decoder (taew2_2)');
    await page.getByTestId('prompt').fill('a lighthouse on a cliff');
    await page.getByTestId('size').selectOption(`${SIZE.width}x${SIZE.height}`);
    await page.getByTestId('frames').fill(String(FRAMES));
    await page.getByTestId('steps').fill('2');

    const log = await generateInUi();
    const previews = log.filter((entry) => entry.status === 'running' && entry.shown === 0 && entry.step > 0);
    // Step 1 always has its preview; later ones only while previews stay a tenth of the denoising time (on a software GPU they cost more than a toy model's step).
    expect(previews[0]?.step).toBe(1);
    expect([...new Set(previews.map((entry) => entry.source))]).toEqual(['tiny-decoder']);
    await saveScreenshot(page, 'tiny-decoder-done');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
    const file = join(out, download.suggestedFilename());
    await download.saveAs(file);
    const probe = JSON.parse(
      execFileSync('/usr/bin/ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=width,height,nb_read_frames:format_tags', '-of', 'json', file], { encoding: 'utf8' }),
    ) as { streams: Record<string, string | number>[]; format: { tags?: Record<string, string> } };
    expect(probe.streams[0]).toMatchObject({ ...SIZE, nb_read_frames: String(FRAMES) });
    expect(JSON.parse(probe.format.tags?.comment ?? '{}')).toMatchObject({ generator: 'wan-web', decoder: 'tiny' });

    const entry = page.getByTestId('history-entry').first();
    await entry.waitFor({ timeout: 30_000 });
    expect(await entry.getByTestId('history-settings').textContent()).toContain('fast decoder (tiny)');
  });

  test('a bundle used from a URL without a tiny decoder: the choice is disabled, with why', { timeout: 120_000 }, async () => {
    await page.getByTestId('model').selectOption('url');
    await page.getByTestId('bundle-url').fill(plain.url);
    const hint = page.getByTestId('decoder-hint');
    await expect.poll(() => hint.textContent(), { timeout: 30_000 }).toContain('This bundle has no fast decoder');
    expect(await page.getByTestId('decoder').isDisabled()).toBe(true);
    expect(await page.getByTestId('decoder').inputValue()).toBe('full');
  });

  test('an installed model without one gets it from a taew2_2.safetensors picked on this computer, without installing it again', { timeout: 300_000 }, async () => {
    const file = join(out, 'taew2_2.safetensors');
    const tensors = randomTaehvDecoderTensors(TAEW2_2, 1);
    await writeFile(file, encodeSafetensors(tensors.map((t) => ({ name: t.name, dtype: 'F16', shape: t.shape, data: t.halves }))));
    await page.getByTestId('install-url').fill(plain.url);
    await page.getByTestId('install').click();
    const model = page.locator('[data-testid=installed-model][data-tiny-decoder=no]');
    await model.waitFor({ timeout: 120_000 });
    await page.locator('[data-testid=install-status][data-status=done]').waitFor({ timeout: 10_000 });
    expect(await model.getByTestId('add-tiny-decoder').count()).toBe(1);
    const id = (await model.getAttribute('data-model-id'))!;
    await model.getByTestId('model-use').click();
    expect(await page.getByTestId('decoder').isDisabled()).toBe(true);
    expect(await page.getByTestId('decoder-hint').textContent()).toContain('has no fast decoder yet: add it in the Models panel');

    await model.getByTestId('add-tiny-decoder-file').setInputFiles(file);
    const installed = page.locator(`[data-testid=installed-model][data-model-id="${id}"]`);
    await expect.poll(() => installed.getAttribute('data-tiny-decoder'), { timeout: 240_000, interval: 500 }).toBe('yes');
    expect(await page.getByTestId('install-status').getAttribute('data-status')).toBe('done');
    expect(await installed.getByTestId('add-tiny-decoder').count()).toBe(0);
    expect(await page.getByTestId('decoder').isDisabled()).toBe(false);
  });
});
