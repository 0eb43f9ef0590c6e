import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM_ARGS_NO_WEBGPU, launchChromium, saveScreenshot, serveBuild, withPage } from './browser.ts';

let browser: Browser;
let server: Awaited<ReturnType<typeof serveBuild>>;

beforeAll(async () => {
  server = await serveBuild();
  browser = await launchChromium(CHROMIUM_ARGS_NO_WEBGPU);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('without WebGPU the page explains what works instead of failing blank', async () => {
  await withPage(browser, 'no-webgpu', async (page) => {
    await page.goto(server.url);
    const verdict = page.getByTestId('verdict');
    await expect.poll(() => verdict.getAttribute('data-precision'), { timeout: 60_000 }).toBe('none');
    const text = await verdict.textContent();
    expect(text).toContain('WebGPU is not available');
    expect(text).toContain('Chrome or Edge 113+');
    expect(await page.getByTestId('self-check').getAttribute('data-status')).toBe('idle');
    await saveScreenshot(page, 'no-webgpu');
  });
});
