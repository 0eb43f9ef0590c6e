import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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

/** Where browser tests pass on the GPU self-check verdict a page remembered (see rememberGpuCheck). */
const REMEMBERED_CHECK_FILE = join(tmpdir(), 'wan-web-e2e-gpu-check.json');
/** The page's local-storage key for it (src/state/gpu-check-memory-store.ts). */
const GPU_CHECK_KEY = 'wan-web.gpu-check';

/**
 * Makes `context` a returning visitor's: its pages start with the GPU self-check verdict an earlier
 * browser test of this machine remembered, so they skip the checks' 13 s as a reload does. The page
 * still takes it only for this GPU, browser and build, and runs the checks otherwise. The tests of the
 * self-check itself and of a first visit use contexts without it.
 */
export async function rememberGpuCheck(context: BrowserContext): Promise<void> {
  const saved = await readFile(REMEMBERED_CHECK_FILE, 'utf8').catch(() => null);
  if (saved === null) return;
  await context.addInitScript(
    ([key, value]) => {
      try {
        if (localStorage.getItem(key) === null) localStorage.setItem(key, value);
      } catch {
        // A page without storage (about:blank) has nothing to remember.
      }
    },
    [GPU_CHECK_KEY, saved] as const,
  );
}

/** Keeps the verdict `page` remembered after its self-check, for later tests' contexts. */
async function keepGpuCheck(page: Page): Promise<void> {
  const value = await page.evaluate((key) => localStorage.getItem(key), GPU_CHECK_KEY);
  if (value !== null) await writeFile(REMEMBERED_CHECK_FILE, value);
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
  const context = await browser.newContext(viewport ? { viewport } : {});
  await rememberGpuCheck(context);
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && console.log(`[browser] ${m.text()}`));
  if (afterSelfCheck) {
    await page.goto(`${app.url}${query}`);
    await page.getByTestId('self-check').and(page.locator('[data-status="done"]')).waitFor({ timeout: 240_000 });
    await keepGpuCheck(page);
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
