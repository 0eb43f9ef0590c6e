import { readFile } from 'node:fs/promises';
import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApp, saveScreenshot } from './browser.ts';
import type { ReadyApp } from './browser.ts';

// Faults injected from outside the product: the test reaches into the model worker with
// Playwright (Worker.evaluate) or blocks its script, and the app must end each job with a
// plain message, keep the history, and carry on.

let app: ReadyApp;
let page: Page;

beforeAll(async () => {
  app = await openApp({ viewport: { width: 1280, height: 800 } });
  page = app.page;
});

afterAll(() => app?.close());

const status = () => page.getByTestId('generation-status');
const history = () => page.getByTestId('history-entry');
/** Waits for `count` history entries; on a timeout the message shows the job's status and error. */
const historyReaches = (count: number) =>
  expect
    .poll(async () => `${await history().count()} entries; status: ${await status().textContent()}; error: ${await page.getByTestId('generation-error').textContent({ timeout: 100 }).catch(() => 'none')}`, { timeout: 300_000, interval: 500 })
    .toMatch(new RegExp(`^${count} entries`));
const failedWith = async (text: RegExp) => {
  await page.locator('[data-testid=generation-status][data-status=failed]').waitFor({ state: 'attached', timeout: 120_000 });
  expect(await page.getByTestId('generation-error').textContent()).toMatch(text);
};

/** The page's model worker. */
function modelWorker(): Worker {
  const found = page.workers().find((worker) => /worker/.test(worker.url()));
  if (!found) throw new Error(`no model worker among ${page.workers().map((w) => w.url()).join(', ')}`);
  return found;
}

/** Destroys the worker's GPU device at its next command: what a driver reset does to a running job. */
async function loseGpuDevice(): Promise<void> {
  await modelWorker().evaluate(() => {
    const proto = GPUDevice.prototype;
    const original = { encoder: proto.createCommandEncoder, buffer: proto.createBuffer };
    const lose = (device: GPUDevice) => {
      proto.createCommandEncoder = original.encoder;
      proto.createBuffer = original.buffer;
      device.destroy();
    };
    proto.createCommandEncoder = function (this: GPUDevice, ...args: Parameters<GPUDevice['createCommandEncoder']>) {
      lose(this);
      return original.encoder.apply(this, args);
    };
    proto.createBuffer = function (this: GPUDevice, ...args: Parameters<GPUDevice['createBuffer']>) {
      lose(this);
      return original.buffer.apply(this, args);
    };
  });
}

/** Folders in the history's OPFS directory: one per listed video, and nothing half saved. */
const historyFolders = () =>
  page.evaluate(async () => {
    let folders = 0;
    for await (const handle of (await (await navigator.storage.getDirectory()).getDirectoryHandle('history')).values()) if (handle.kind === 'directory') folders++;
    return folders;
  });

/**
 * The decoder of the next job. A job that only has to run after a fault decodes with the fast
 * one: on a new GPU device SwiftShader compiles every shader again, about 20 s for the full VAE's.
 */
const decodeWith = (decoder: 'full' | 'tiny') => page.getByTestId('decoder').selectOption(decoder);

/** Waits until the running job's status reads `phase` at `step` or later. */
async function reach(phase: RegExp, step = 0): Promise<void> {
  await expect
    .poll(
      async () => {
        const match = new RegExp(`${phase.source} (\\d+)/`).exec((await status().textContent()) ?? '');
        return match !== null && Number(match[1]) >= step;
      },
      { timeout: 240_000, interval: 100 },
    )
    .toBe(true);
}

describe('faults in the browser end in plain words, lose nothing, and the next job runs', () => {
  test('Generate with no model offers the installs beside its button; pressed during the install, the job waits and then runs', { timeout: 600_000 }, async () => {
    await page.getByTestId('prompt').fill('a red fox in fresh snow');
    expect(await page.getByTestId('generate').textContent()).toBe('Install a model to generate');
    await page.getByTestId('generate').click();
    await page.getByTestId('install-offer').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('install-offer').textContent()).toMatch(/no model to generate with yet.*self-test model/);
    await page.getByTestId('install-self-test-from-error').click();
    await expect.poll(() => page.getByTestId('generate').textContent(), { timeout: 10_000 }).toBe('Generate');
    // The jobs here only have to run: the smallest video keeps SwiftShader's full VAE short.
    await page.getByTestId('size').selectOption('64x64');
    await page.getByTestId('frames').fill('1');
    await page.getByTestId('generate').click();
    await expect.poll(() => status().textContent(), { timeout: 10_000 }).toContain('Waiting for the model install to finish');
    await saveScreenshot(page, 'faults-01-waiting-for-install');
    await page.locator('[data-testid=install-status][data-status=done]').waitFor({ timeout: 240_000 });
    expect(await page.getByTestId('install-offer').count()).toBe(0);
    await historyReaches(1);
    await page.locator('[data-testid=generation-status][data-status=done]').waitFor({ timeout: 30_000 });
  });

  test('the GPU device lost mid-denoise: a plain message, the history untouched, the next job on a fresh device without a reload', { timeout: 600_000 }, async () => {
    await page.getByTestId('steps').fill('30');
    await page.getByTestId('generate').click();
    await reach(/Denoising/, 2);
    await loseGpuDevice();
    await failedWith(/The GPU stopped working for this page.*Press Generate again/);
    await saveScreenshot(page, 'faults-02-device-lost-denoising');
    expect(await history().count()).toBe(1);
    await page.getByTestId('steps').fill('2');
    await decodeWith('tiny');
    await page.getByTestId('generate').click();
    await historyReaches(2);
  });

  test('the GPU device lost mid-decode: the same, and the partial video is not kept', { timeout: 600_000 }, async () => {
    // Enough latent frames that the decode is still running when the device goes.
    await page.getByTestId('size').selectOption('128x96');
    await page.getByTestId('frames').fill('17');
    await page.getByTestId('generate').click();
    await reach(/Decoding frames/, 1);
    await loseGpuDevice();
    await failedWith(/The GPU stopped working for this page/);
    expect(await history().count()).toBe(2);
    await page.getByTestId('size').selectOption('64x64');
    await page.getByTestId('frames').fill('5');
    await page.getByTestId('generate').click();
    await historyReaches(3);
  });

  test('the worker crashing mid-job: the job ends, the page says so and offers a reload that brings everything back', { timeout: 600_000 }, async () => {
    await page.getByTestId('steps').fill('30');
    await page.getByTestId('generate').click();
    await reach(/Denoising/, 1);
    await modelWorker().evaluate(() => {
      setTimeout(() => {
        throw new Error('injected crash');
      });
    });
    await page.getByTestId('worker-failure').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('worker-failure').textContent()).toMatch(/The model worker stopped \(.*injected crash\)\. Reload the page/);
    await failedWith(/The model worker stopped/);
    await saveScreenshot(page, 'faults-03-worker-crashed');
    expect(await history().count()).toBe(3);
    await page.getByTestId('reload').click();
    await page.getByTestId('self-check').and(page.locator('[data-status="done"]')).waitFor({ timeout: 240_000 });
    await expect.poll(() => history().count(), { timeout: 30_000 }).toBe(3);
    expect(await page.getByTestId('worker-failure').count()).toBe(0);
  });

  test('no room left to save a finished video: it can still be downloaded, no half entry is kept, and the next save works', { timeout: 600_000 }, async () => {
    const cdp = await page.context().newCDPSession(page);
    const origin = new URL(app.url).origin;
    const { usage } = await page.evaluate(() => navigator.storage.estimate());
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage ?? 0 });
    try {
      await page.getByTestId('steps').fill('1');
      await page.getByTestId('frames').fill('1');
      await decodeWith('tiny');
      await page.getByTestId('generate').click();
      await page.locator('[data-testid=generation-status][data-status=done]').waitFor({ timeout: 300_000 });
      expect(await page.getByTestId('save-error').textContent()).toMatch(/no room left in this browser's storage for the video .* you can still download it/);
      await saveScreenshot(page, 'faults-04-no-room-for-the-video');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
      const bytes = await readFile((await download.path())!);
      expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
      expect(await history().count()).toBe(3);
      expect(await historyFolders()).toBe(3);
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    }
    await page.getByTestId('generate').click();
    await historyReaches(4);
    expect(await historyFolders()).toBe(4);
  });

  test('a worker that cannot start: the page says so instead of waiting forever', { timeout: 120_000 }, async () => {
    const context = await app.browser.newContext();
    try {
      const blocked = await context.newPage();
      await blocked.route(/worker.*\.js/, (route) => route.fulfill({ status: 404, body: '' }));
      await blocked.goto(app.url);
      await blocked.getByTestId('worker-failure').waitFor({ timeout: 60_000 });
      expect(await blocked.getByTestId('worker-failure').textContent()).toMatch(/The model worker stopped.*Reload the page/);
      expect(await blocked.getByTestId('reload').isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });
});
