import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { preview } from 'vite';
import type { PreviewServer } from 'vite';

/** Debian's chromium; tests never download a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** WebGPU without a GPU: SwiftShader (Vulkan on the CPU). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // measureUserAgentSpecificMemory otherwise waits for the next garbage collection (up to 20 s).
  '--enable-blink-features=ForceEagerMeasureMemory',
];

const ARTIFACTS = join(process.cwd(), 'test-results', 'e2e');

/** Serves the production build (dist/) with the same headers as `npm start`. */
export async function serveBuild(): Promise<{ url: string; close(): Promise<void> }> {
  const server: PreviewServer = await preview({ preview: { port: 4300, strictPort: false, open: false }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url, close: () => server.close() };
}

/** Chromium without the WebGPU flags: on Linux that is a browser with no usable WebGPU. */
export const CHROMIUM_ARGS_NO_WEBGPU = CHROMIUM_ARGS.filter((arg) => !arg.includes('webgpu'));

export async function launchChromium(args: readonly string[] = CHROMIUM_ARGS): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...args] });
}

/**
 * Opens a page, runs `body`, and on failure keeps a screenshot and the browser console
 * under test-results/e2e/<name>.{png,console.txt}.
 */
export async function withPage(browser: Browser, name: string, body: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const consoleLines: string[] = [];
  page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
  try {
    await body(page);
  } catch (error) {
    await mkdir(ARTIFACTS, { recursive: true });
    const safe = name.replace(/[^a-z0-9-]+/gi, '-');
    await page.screenshot({ path: join(ARTIFACTS, `${safe}.png`), fullPage: true }).catch(() => undefined);
    await writeFile(join(ARTIFACTS, `${safe}.console.txt`), consoleLines.join('\n'));
    throw error;
  } finally {
    await context.close();
  }
}

/** Saves a screenshot as a test artifact (for states worth looking at). */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** The served app open in chromium with its GPU self-check finished: what model tests start from. */
export interface ReadyApp {
  readonly page: Page;
  close(): Promise<void>;
}

/** `query` is appended to the app's address, e.g. `?ort=asyncify`. */
export async function openAppAfterSelfCheck(query = ''): Promise<ReadyApp> {
  const app = await serveBuild();
  const browser = await launchChromium();
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.log(`[browser] ${m.text()}`));
  await page.goto(`${app.url}${query}`);
  await page.getByTestId('self-check').and(page.locator('[data-status="done"]')).waitFor({ timeout: 240_000 });
  return {
    page,
    async close() {
      await browser.close();
      await app.close();
    },
  };
}
