// Installing a second model that shares its text encoder and VAE with an installed one, in headless
// chromium: the second conversion reads only its own transformer (and a few sampled kilobytes of the
// shared files, for their key) and stores only its own files; deleting either model keeps what the
// other still uses.
import { cp, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, rememberGpuCheck, serveBuild } from './browser.ts';
import { serveTinyBundle } from './tiny-bundle.ts';
import type { ServedTinyBundle } from './tiny-bundle.ts';
import { readCheckpointConfigs, writeRandomCheckpoint } from '../../src/node/write-random-checkpoint.ts';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import { goldenCasePath, TINY } from '../helpers/golden-cases.ts';

let tiny: ServedTinyBundle;
let app: { url: string; close(): Promise<void> };
let browser: Browser;
let context: BrowserContext;

async function folderBytes(dir: string, under = ''): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(join(dir, under), { recursive: true, withFileTypes: true })) if (entry.isFile()) bytes += (await stat(join(entry.parentPath, entry.name))).size;
  return bytes;
}

beforeAll(async () => {
  tiny = await serveTinyBundle();
  // The second model: another transformer, the same text encoder, tokenizer and VAE files (as FastWan beside Wan2.2).
  const second = join(tiny.dir, 'second');
  await writeRandomCheckpoint(second, { configs: await readCheckpointConfigs(TINY), seed: 8 });
  for (const shared of ['text_encoder', 'tokenizer', 'vae']) await cp(join(tiny.dir, 'checkpoint', shared), join(second, shared), { recursive: true, force: true });
  app = await serveBuild();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await rememberGpuCheck(context);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await tiny?.close();
});

const sentUnder = (prefix: string) => [...tiny.server.bytesSent].filter(([path]) => path.startsWith(prefix)).reduce((sum, [, bytes]) => sum + bytes, 0);

/** Bytes in OPFS: each model's own bundle folder, and the shared components. */
async function storedBytes(page: Page): Promise<{ models: Record<string, number>; components: number }> {
  return (await page.evaluate(`(async () => {
    const size = async (folder) => { let n = 0; for await (const [, h] of folder.entries()) n += h.kind === 'file' ? (await h.getFile()).size : await size(h); return n; };
    const root = await navigator.storage.getDirectory();
    const models = {};
    for await (const [id, folder] of (await root.getDirectoryHandle('models')).entries()) models[id] = await size(folder);
    return { models, components: await size(await root.getDirectoryHandle('components')) };
  })()`)) as { models: Record<string, number>; components: number };
}

async function convertFrom(page: Page, path: string): Promise<void> {
  const before = await page.getByTestId('installed-model').count();
  await page.getByTestId('convert-url').fill(`${tiny.server.url}${path}`);
  await page.getByTestId('convert-weights').selectOption('fp32');
  await page.getByTestId('convert-activations').selectOption('fp32');
  await page.getByTestId('convert').click();
  await expect.poll(() => page.getByTestId('installed-model').count(), { timeout: 120_000 }).toBe(before + 1);
}

type Location = { kind: 'installed'; id: string } | { kind: 'url'; url: string };

/** The text encoder's output for the golden case's ids, run in the worker from `location`. */
async function encodeInBrowser(page: Page, location: Location): Promise<number[]> {
  const file = await readCaseFile(goldenCasePath('text_encoder'));
  const inputs = Object.fromEntries(await Promise.all(['ids', 'mask'].map(async (name) => { const t = await file.int64(name); return [name, { data: Array.from(t.data, Number), dims: t.dims }] as const; })));
  await file.close();
  return page.evaluate(
    async ({ location, inputs }) => {
      const posted = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, { dtype: 'int64', dims: t.dims, data: BigInt64Array.from(t.data, (v) => BigInt(v)) }]));
      const api = (globalThis as unknown as { wanWeb: { worker: { runComponent(request: Record<string, unknown>): Promise<Record<string, { data: Float32Array }>> } } }).wanWeb;
      const outputs = await api.worker.runComponent({ location, component: 'text-encoder', inputs: posted });
      return Array.from(outputs['output']!.data);
    },
    { location, inputs },
  );
}

describe('a second model that shares the text encoder and VAE', () => {
  test('reads and stores only its transformer; the Models panel says what is shared; deleting one keeps the other whole', { timeout: 300_000 }, async () => {
    const page = await context.newPage();
    await page.goto(app.url);
    await page.locator('[data-testid=models][data-loaded=true]').waitFor();
    const checkpointBytes = await folderBytes(join(tiny.dir, 'checkpoint'));
    const transformerBytes = await folderBytes(join(tiny.dir, 'second'), 'transformer');

    tiny.server.bytesSent.clear();
    await convertFrom(page, 'checkpoint');
    const firstRead = sentUnder('/checkpoint/');
    const afterFirst = await storedBytes(page);
    const firstStored = Object.values(afterFirst.models).reduce((a, b) => a + b, 0) + afterFirst.components;

    tiny.server.bytesSent.clear();
    await convertFrom(page, 'second');
    const secondRead = sentUnder('/second/');
    console.log(`second install, bytes sent per file: ${JSON.stringify(Object.fromEntries([...tiny.server.bytesSent].filter(([p]) => p.startsWith('/second/'))))}`);
    const afterSecond = await storedBytes(page);
    const secondStored = Object.values(afterSecond.models).reduce((a, b) => a + b, 0) + afterSecond.components - firstStored;
    console.log(
      `first install: read ${firstRead} B of a ${checkpointBytes} B checkpoint, stored ${firstStored} B (${afterFirst.components} B shared components); ` +
        `second install: read ${secondRead} B (its transformer is ${transformerBytes} B), stored ${secondStored} B; without sharing it would read ${checkpointBytes} B and store ${firstStored} B`,
    );
    // Only the transformer, its config and index, and 16 sampled 4 KiB blocks per shared file for the key.
    const sharedFiles = 2;
    expect(secondRead).toBeLessThan(transformerBytes + 16 * 4096 * sharedFiles + 64 * 1024);
    expect(afterSecond.components).toBe(afterFirst.components);
    expect(secondStored).toBeLessThan(firstStored - afterFirst.components + 64 * 1024);

    const listed = page.getByTestId('installed-model');
    await expect.poll(() => listed.filter({ hasText: 'shared with other models' }).count()).toBe(2);

    // The second model's text encoder runs from the shared files, as the CLI's bundle of the first checkpoint does.
    const reference = await encodeInBrowser(page, { kind: 'url', url: tiny.url });
    const ids = await listed.evaluateAll((items) => items.map((item) => item.getAttribute('data-model-id')!));
    for (const id of ids) expect(await encodeInBrowser(page, { kind: 'installed', id })).toEqual(reference);

    await page.getByTestId('model-delete').first().click();
    await expect.poll(() => listed.count(), { timeout: 90_000 }).toBe(1);
    const remaining = (await listed.first().getAttribute('data-model-id'))!;
    expect(await encodeInBrowser(page, { kind: 'installed', id: remaining })).toEqual(reference);
    const afterDelete = await storedBytes(page);
    expect(afterDelete.components).toBe(afterFirst.components);
    expect(await listed.filter({ hasText: 'shared with other models' }).count()).toBe(0);
    await page.getByTestId('model-delete').first().click();
    await expect.poll(() => listed.count(), { timeout: 90_000 }).toBe(0);
    expect((await storedBytes(page)).components).toBe(0);
    await page.close();
  });
});
