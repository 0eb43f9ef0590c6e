import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UNDO_WINDOW_MS } from '../../src/state/pending-deletes.ts';
import { accessibilityProblems } from './accessibility.ts';
import { openAppAfterSelfCheck, saveScreenshot } from './browser.ts';
import type { ReadyApp } from './browser.ts';
import { serveTinyBundle } from './tiny-bundle.ts';
import type { ServedTinyBundle } from './tiny-bundle.ts';

const PROMPT = 'a red fox in fresh snow';
/** Two videos that differ in seed and frame rate. */
const FIRST = { seed: 42, fps: 16 };
const SECOND = { seed: 43, fps: 24 };

let tiny: ServedTinyBundle;
let ready: ReadyApp;
let page: Page;
let out: string;
/** The first video as downloaded from the app. */
let appVideo: string;

beforeAll(async () => {
  tiny = await serveTinyBundle({ tinyDecoder: true });
  out = await mkdtemp(join(tmpdir(), 'wan-e2e-history-'));
  ready = await openAppAfterSelfCheck();
  page = ready.page;
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
});

afterAll(async () => {
  await ready?.close();
  await tiny?.close();
  await rm(out, { recursive: true, force: true });
});

const entries = () => page.getByTestId('history-entry');
const field = (id: string) => page.getByTestId(id).inputValue();

async function fill(seed: number, fps: number, prompt = PROMPT) {
  await page.getByTestId('model').selectOption('url');
  await page.getByTestId('bundle-url').fill(tiny.url);
  await page.getByTestId('prompt').fill(prompt);
  await page.getByTestId('size').selectOption('64x64');
  await page.getByTestId('frames').fill('5');
  await page.getByTestId('steps').fill('2');
  await page.getByTestId('seed').fill(String(seed));
  await page.getByTestId('fps').fill(String(fps));
  // What is tested here does not depend on the decoder, and the fast one saves SwiftShader most of a minute.
  await page.getByTestId('decoder').selectOption('tiny');
}

const generated = () => page.locator('[data-testid=generation-status][data-status=done]').waitFor({ timeout: 300_000 });

/** The entry folders in the history's OPFS folder. */
function historyFolders(): Promise<string[]> {
  return page.evaluate(async () => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('history');
    const names: string[] = [];
    for await (const [name] of root.entries()) names.push(name);
    return names;
  });
}

/** Drops a file on an element, as a drag from the desktop would. */
async function dropFile(testId: string, path: string, type: string) {
  const base64 = (await readFile(path)).toString('base64');
  const dataTransfer = await page.evaluateHandle(
    ({ base64, name, type }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }));
      return transfer;
    },
    { base64, name: path.split('/').at(-1)!, type },
  );
  await page.getByTestId(testId).dispatchEvent('drop', { dataTransfer });
}

describe('history: named downloads, queue repeats, compare, share links, dropped videos, undo', () => {
  test('two videos; a repeated fixed seed in the queue is flagged; downloads are named from the prompt and time', async () => {
    await fill(FIRST.seed, FIRST.fps);
    await page.getByTestId('generate').click();
    await page.getByTestId('generate').click();
    expect(await page.getByTestId('queue-repeats').textContent()).toContain('The running job and job 1 have the same seed and settings');
    await page.getByTestId('unqueue').click();
    await generated();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^wan-a-red-fox-in-fresh-snow-\\d{4}-\\d{2}-\\d{2}-\\d{4}-s${FIRST.seed}\\.mp4$`));
    appVideo = join(out, download.suggestedFilename());
    await download.saveAs(appVideo);

    await fill(SECOND.seed, SECOND.fps);
    await page.getByTestId('generate').click();
    await generated();
    await expect.poll(() => entries().count()).toBe(2);
    const [fromHistory] = await Promise.all([page.waitForEvent('download'), entries().first().getByTestId('history-download').click()]);
    expect(fromHistory.suggestedFilename()).toMatch(new RegExp(`-s${SECOND.seed}\\.mp4$`));
  });

  test('Re-use restores every setting, the frame rate included, and clears a stale error', async () => {
    // A job that fails (no bundle at that address), not a refusal that holds while the URL stays wrong.
    await page.getByTestId('bundle-url').fill(`${tiny.url}../no-such-bundle/`);
    await page.getByTestId('generate').click();
    await page.getByTestId('generation-error').waitFor({ timeout: 60_000 });
    await entries().filter({ hasText: `seed ${FIRST.seed}` }).getByTestId('history-reuse').click();
    await expect.poll(() => field('fps')).toBe(String(FIRST.fps));
    expect(await field('seed')).toBe(String(FIRST.seed));
    expect(await page.getByTestId('generation-error').count()).toBe(0);
    await page.getByTestId('bundle-url').fill(tiny.url);
  });

  test('compare: two picked videos side by side, playing together, the differences marked', async () => {
    await entries().nth(0).getByTestId('history-compare').check();
    await entries().nth(1).getByTestId('history-compare').check();
    await page.getByTestId('compare-open').click();
    const view = page.getByTestId('compare-view');
    await view.waitFor();
    const differing = await view.locator('tr[data-differs=true] th').allTextContents();
    expect(differing.map((text) => text.replace(' (differs)', ''))).toEqual(['Frame rate', 'Seed']);
    await expect.poll(() => view.getByTestId('compare-video').count()).toBe(2);
    await page.getByTestId('compare-play').click();
    await expect.poll(() => view.getByTestId('compare-video').evaluateAll((videos: HTMLVideoElement[]) => videos.map((v) => !v.paused))).toEqual([true, true]);
    await page.getByTestId('compare-play').click();
    const paused = await view.getByTestId('compare-video').evaluateAll((videos: HTMLVideoElement[]) => videos.map((v) => ({ paused: v.paused, time: v.currentTime })));
    expect(paused.map((v) => v.paused)).toEqual([true, true]);
    expect(Math.abs(paused[0]!.time - paused[1]!.time)).toBeLessThan(0.3);
    await saveScreenshot(page, 'history-compare');
    expect(await accessibilityProblems(page, 'compare view')).toEqual([]);
    await page.getByTestId('compare-close').click();
  });

  test('a share link round trip fills the studio; a damaged one is refused in plain words', async () => {
    await entries().filter({ hasText: `seed ${SECOND.seed}` }).getByTestId('copy-link').click();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toContain(`#wan=1&prompt=a+red+fox+in+fresh+snow`);
    await fill(7, 30, 'something else');
    await page.goto(link);
    await expect.poll(() => field('prompt')).toBe(PROMPT);
    expect([await field('seed'), await field('fps')]).toEqual([String(SECOND.seed), String(SECOND.fps)]);
    expect(await page.locator('[data-testid=restore-notice][data-kind=done]').textContent()).toContain('Nothing was uploaded');
    expect(new URL(page.url()).hash).toBe('');

    await page.goto(link.replace('frames=5', 'frames=6'));
    await page.locator('[data-testid=restore-notice][data-kind=failed]').waitFor();
    expect(await page.getByTestId('restore-notice').textContent()).toContain('This share link is damaged');
    expect(await field('seed')).toBe(String(SECOND.seed));
  });

  test('an app MP4 dropped on the start image area restores its settings; a video from elsewhere says it has none', async () => {
    await fill(7, 30, 'something else');
    await dropFile('start-image', appVideo, 'video/mp4');
    await expect.poll(() => field('seed')).toBe(String(FIRST.seed));
    expect([await field('prompt'), await field('fps')]).toEqual([PROMPT, String(FIRST.fps)]);
    expect(await page.getByTestId('start-image-error').count()).toBe(0);

    const foreign = join(out, 'holiday.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=8', '-t', '0.5', '-c:v', 'mpeg4', foreign]);
    await page.getByTestId('video-settings-file').setInputFiles(foreign);
    await page.locator('[data-testid=restore-notice][data-kind=failed]').waitFor();
    expect(await page.getByTestId('restore-notice').textContent()).toContain('holiday.mp4 has no wan-web settings in it');
  });

  test('delete hides the entry at once and Undo brings it back; after the undo window its folder is gone', async () => {
    const id = (await entries().first().getAttribute('data-id'))!;
    await entries().first().getByTestId('history-delete').click();
    await expect.poll(() => entries().count()).toBe(1);
    expect(await historyFolders()).toContain(id);
    await saveScreenshot(page, 'history-undo');
    expect(await accessibilityProblems(page, 'undo row')).toEqual([]);
    await page.getByTestId('history-undo').click();
    await expect.poll(() => entries().count()).toBe(2);

    await page.locator(`[data-testid=history-entry][data-id="${id}"]`).getByTestId('history-delete').click();
    await expect.poll(() => entries().count()).toBe(1);
    await expect.poll(historyFolders, { timeout: UNDO_WINDOW_MS + 5000, interval: 500 }).not.toContain(id);
    expect(await historyFolders()).toHaveLength(1);
    await page.reload();
    await page.locator('[data-testid=gallery][data-loaded=true]').waitFor();
    await expect.poll(() => entries().count()).toBe(1);
  });
});
