import { createServer } from 'vite';
import { CHROMIUM_ARGS, launchChromium } from '../test/e2e/browser.ts';

export interface PageBenchOptions {
  /** Extra chromium flags. */
  readonly chromiumArgs?: readonly string[];
  /** Called once the page has loaded; what it returns is called when the page has published its result. */
  readonly whileRunning?: () => () => void;
  /** Receives what the page logs to its console (progress of long runs). */
  readonly log?: (line: string) => void;
}

/**
 * Opens bench/browser/`page` with `query` in headless chromium (WebGPU on SwiftShader, served
 * by Vite) and returns what the page publishes as `benchResult`, or throws its `error`.
 */
export async function runPageBench<T>(page: string, query: Record<string, string>, options: PageBenchOptions = {}): Promise<T> {
  const server = await createServer({ server: { port: 0 }, logLevel: 'warn' });
  await server.listen();
  const browser = await launchChromium([...CHROMIUM_ARGS, ...(options.chromiumArgs ?? [])]);
  try {
    const tab = await browser.newPage();
    const log = options.log;
    if (log) tab.on('console', (message) => log(message.text()));
    await tab.goto(`${server.resolvedUrls!.local[0]}bench/browser/${page}?${new URLSearchParams(query)}`);
    const stop = options.whileRunning?.();
    await tab.waitForFunction(() => 'benchResult' in globalThis, undefined, { timeout: 0, polling: 200 }).finally(() => stop?.());
    const result = (await tab.evaluate('benchResult')) as T & { error?: string };
    if (result.error) throw new Error(result.error);
    return result;
  } finally {
    await browser.close();
    await server.close();
  }
}

export const CHROMIUM_FLAGS = CHROMIUM_ARGS.join(' ');
