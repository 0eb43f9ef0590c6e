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

/** The served app open in chromium: what browser tests start from. */
export interface ReadyApp {
  readonly page: Page;
  readonly browser: Browser;
  /** The served app's address, without the query. */
  readonly url: string;
  close(): Promise<void>;
}

export interface OpenAppOptions {
  /** Appended to the app's address, e.g. `?ort=asyncify`. */
  readonly query?: string;
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Wait until the GPU self-check has finished (what model tests need). */
  readonly afterSelfCheck?: boolean;
}

export async function openApp({ query = '', viewport, afterSelfCheck = true }: OpenAppOptions = {}): Promise<ReadyApp> {
  const app = await serveBuild();
  const browser = await launchChromium();
  const page = await (await browser.newContext(viewport ? { viewport } : {})).newPage();
  page.on('console', (m) => m.type() === 'error' && console.log(`[browser] ${m.text()}`));
  if (afterSelfCheck) {
    await page.goto(`${app.url}${query}`);
    await page.getByTestId('self-check').and(page.locator('[data-status="done"]')).waitFor({ timeout: 240_000 });
  }
  return {
    page,
    browser,
    url: app.url,
    async close() {
      await browser.close();
      await app.close();
    },
  };
}

/** The served app open in chromium with its GPU self-check finished; `query` is appended to its address. */
export function openAppAfterSelfCheck(query = ''): Promise<ReadyApp> {
  return openApp({ query });
}
