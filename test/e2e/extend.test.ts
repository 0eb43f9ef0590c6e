import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openAppAfterSelfCheck, saveScreenshot } from './browser.ts';
import type { ReadyApp } from './browser.ts';
import { serveTinyBundle } from './tiny-bundle.ts';
import type { ServedTinyBundle } from './tiny-bundle.ts';
import { videoFrameCount } from '../helpers/video-frame-count.ts';

const FRAMES = 5;

let tiny: ServedTinyBundle;
let ready: ReadyApp;
let page: Page;
let out: string;

beforeAll(async () => {
  tiny = await serveTinyBundle({ tinyDecoder: true });
  out = await mkdtemp(join(tmpdir(), 'wan-e2e-extend-'));
  ready = await openAppAfterSelfCheck();
  page = ready.page;
});

afterAll(async () => {
  await ready?.close();
  await tiny?.close();
  await rm(out, { recursive: true, force: true });
});

async function generate(): Promise<void> {
  await page.getByTestId('generate').click();
  await page.locator('[data-testid=generation-status][data-status=running]').waitFor();
  await page.locator('[data-testid=generation-status][data-status=done]').waitFor({ timeout: 300_000 });
}


const resultFrames = async () => Number((/(\d+) frames/.exec((await page.getByTestId('result-info').textContent()) ?? '') ?? [])[1]);

describe('extend a video in the studio', () => {
  test('a self-test video extended twice (from the current video, then from the history) is one MP4 of 5 + 4 + 4 frames whose entry lists the segments', async () => {
    await page.getByTestId('model').selectOption('url');
    await page.getByTestId('bundle-url').fill(tiny.url);
    // Extending does not depend on the decoder, and the fast one saves SwiftShader most of a minute.
    await page.getByTestId('decoder').selectOption('tiny');
    await page.getByTestId('prompt').fill('a red fox in fresh snow');
    await page.getByTestId('size').selectOption('64x64');
    await page.getByTestId('frames').fill(String(FRAMES));
    await page.getByTestId('steps').fill('1');
    await page.getByTestId('seed').fill('42');
    await generate();
    expect(await resultFrames()).toBe(FRAMES);

    // From the current video, with a new prompt.
    await page.getByTestId('extend-current').click();
    await page.getByTestId('extend-notice').waitFor();
    expect(await page.getByTestId('prompt').inputValue()).toBe('a red fox in fresh snow');
    await page.getByTestId('prompt').fill('the fox runs into the forest');
    await page.getByTestId('seed').fill('43');
    await generate();
    expect(await resultFrames()).toBe(FRAMES + FRAMES - 1);

    // From the history's newest entry (the extended video), same prompt.
    await page.getByTestId('history-entry').first().getByTestId('history-extend').click();
    await page.locator('[data-testid=extend-notice][data-segments="2"]').waitFor();
    expect(await page.getByTestId('prompt').inputValue()).toBe('the fox runs into the forest');
    await page.getByTestId('seed').fill('44');
    await generate();
    const total = FRAMES + 2 * (FRAMES - 1);
    expect(await resultFrames()).toBe(total);
    await saveScreenshot(page, 'extend-done');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
    const file = join(out, download.suggestedFilename());
    await download.saveAs(file);
    expect(await videoFrameCount(file)).toBe(total);
    if (spawnSync('ffmpeg', ['-version']).status === 0) {
      // Every frame decodes: the joined packets form one valid stream.
      const decoded = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-']);
      expect(decoded.length).toBe(total * 64 * 64 * 4);
    }

    const entry = page.getByTestId('history-entry').first();
    const segments = entry.getByTestId('history-segment');
    expect(await segments.count()).toBe(3);
    expect(await segments.evaluateAll((items) => items.map((item) => [Number((item as HTMLElement).dataset.frames), Number((item as HTMLElement).dataset.seed)]))).toEqual([
      [FRAMES, 42],
      [FRAMES - 1, 43],
      [FRAMES - 1, 44],
    ]);
    const seams = await entry.getByTestId('history-seam').evaluateAll((items) => items.map((item) => ({ joint: Number((item as HTMLElement).dataset.joint), within: Number((item as HTMLElement).dataset.within) })));
    console.log(`browser seams (mean |ΔRGB|, 8-bit; self-test model): ${JSON.stringify(seams)}`);
    expect(seams).toHaveLength(2);
    for (const seam of seams) expect(seam.within).toBeGreaterThan(0);
  });
});
