import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { convertCheckpoint } from '../../src/convert/convert-checkpoint.ts';
import { openLoraFile } from '../../src/convert/lora/lora-file.ts';
import { resolveQuantConfig } from '../../src/bundle/quant-config.ts';
import { dirBundleSink } from '../../src/node/dir-bundle-sink.ts';
import { fileByteSource, nodeCheckpointFiles } from '../../src/node/file-source.ts';
import { readCheckpointConfigs, writeRandomCheckpoint } from '../../src/node/write-random-checkpoint.ts';
import { TINY } from '../helpers/golden-cases.ts';
import { randomDiffusersLora, randomKohyaLora } from '../helpers/random-lora.ts';
import { accessibilityProblems } from './accessibility.ts';
import { launchChromium, rememberGpuCheck, serveBuild } from './browser.ts';

const LORAS = [
  { file: 'diffusers-lora.safetensors', bytes: randomDiffusersLora(1).bytes, strength: 0.8 },
  { file: 'kohya-lora.safetensors', bytes: randomKohyaLora(2).bytes, strength: 0.5 },
];
let dir: string;
let app: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wan-e2e-lora-'));
  await writeRandomCheckpoint(join(dir, 'checkpoint'), { configs: await readCheckpointConfigs(TINY), seed: 7 });
  for (const lora of LORAS) await writeFile(join(dir, lora.file), lora.bytes);
  // The converter the browser runs, in Node, with the LoRA products in JavaScript as there (the CLI
  // multiplies on onnxruntime, whose float32 sums differ in the last bits; test/node/lora-merge.test.ts checks it).
  const sources = LORAS.map((l) => fileByteSource(join(dir, l.file)));
  const checkpoint = nodeCheckpointFiles(join(dir, 'checkpoint'));
  try {
    const loras = await Promise.all(LORAS.map((l, k) => openLoraFile(sources[k]!, l.strength)));
    const quant = resolveQuantConfig({ weights: 'fp32', activations: 'fp32' });
    await convertCheckpoint(checkpoint, await dirBundleSink(join(dir, 'bundle')), { quant, source: { repo: 'checkpoint', revision: 'local' }, loras });
  } finally {
    await Promise.all([...sources.map((s) => s.close()), checkpoint.close()]);
  }
  app = await serveBuild();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

test('a checkpoint folder converted with two LoRAs in the browser is the bundle the Node converter makes with the same LoRAs, byte for byte', { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await rememberGpuCheck(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log(`[pageerror] ${error.message}`));
  await page.goto(app.url);
  await page.locator('[data-testid=models][data-loaded=true]').waitFor();
  const before = await page.getByTestId('installed-model').count();

  await page.getByTestId('convert-weights').selectOption('fp32');
  await page.getByTestId('convert-activations').selectOption('fp32');
  await page.getByTestId('lora-files').setInputFiles(LORAS.map((l) => join(dir, l.file)));
  await expect.poll(() => page.getByTestId('lora-entry').count()).toBe(2);
  for (const lora of LORAS) await page.getByLabel(`${lora.file}, strength`).fill(String(lora.strength));
  expect(await page.getByTestId('lora-strength').nth(0).inputValue()).toBe('0.8');
  expect(await accessibilityProblems(page, 'LoRA picker with two files')).toEqual([]);

  await page.getByTestId('install-folder').setInputFiles(join(dir, 'checkpoint'));
  await expect.poll(() => page.getByTestId('installed-model').count(), { timeout: 90_000 }).toBe(before + 1);
  expect(await page.getByTestId('installed-model').last().textContent()).toContain('diffusers-lora (0.8) + kohya-lora (0.5)');

  const cli = JSON.parse(await readFile(join(dir, 'bundle', 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string }[]; loras: unknown };
  const browserBundle = (await page.evaluate(`(async () => {
    const root = await navigator.storage.getDirectory();
    const models = await root.getDirectoryHandle('models');
    const out = { files: {}, loras: null };
    const hashFiles = async (folder) => {
      for await (const [name, handle] of folder.entries()) {
        if (handle.kind !== 'file') continue;
        const digest = await crypto.subtle.digest('SHA-256', await (await handle.getFile()).arrayBuffer());
        out.files[name] = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
      }
    };
    for await (const [id, folder] of models.entries()) {
      const bundle = await folder.getDirectoryHandle('bundle');
      const manifest = JSON.parse(await (await (await bundle.getFileHandle('manifest.json')).getFile()).text());
      if (!manifest.loras) continue;
      out.loras = manifest.loras;
      await hashFiles(bundle);
      // The text encoder and VAE are shared components (components.json names them); the LoRA touches only the transformer.
      const refs = JSON.parse(await (await (await folder.getFileHandle('components.json')).getFile()).text());
      const components = await root.getDirectoryHandle('components');
      for (const key of Object.values(refs)) await hashFiles(await (await components.getDirectoryHandle(key)).getDirectoryHandle('files'));
    }
    return out;
  })()`)) as { files: Record<string, string>; loras: unknown };
  expect(browserBundle.loras).toEqual(cli.loras);
  for (const file of cli.files) expect(browserBundle.files[file.path], file.path).toBe(file.sha256);
  await page.close();
});
