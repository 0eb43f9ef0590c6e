import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import { openDirBundle } from '../../src/node/dir-bundle.ts';
import { COMPONENTS } from '../../src/pipeline/components.ts';
import type { ComponentName, TensorOutputs } from '../../src/pipeline/components.ts';
import { openAppAfterSelfCheck } from './browser.ts';
import type { ReadyApp } from './browser.ts';
import { startStaticServer } from './static-server.ts';
import type { StaticServer } from './static-server.ts';
import { goldenCasePath } from '../helpers/golden-cases.ts';
import { convertTinyA } from '../helpers/convert-tiny-a.ts';

let work: string;
let bundleDir: string;
let files: StaticServer;
let ready: ReadyApp;
let page: Page;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-e2e-bundle-'));
  bundleDir = join(work, 'bundle');
  await convertTinyA(bundleDir);
  files = await startStaticServer(work);
  ready = await openAppAfterSelfCheck();
  page = ready.page;
});

afterAll(async () => {
  await ready?.close();
  await files?.close();
  await rm(work, { recursive: true, force: true });
});

type Plain = Record<string, { dtype: 'float32' | 'int64'; data: number[]; dims: number[] }>;

async function caseInputs(caseName: string, names: Record<string, 'float32' | 'int64'>): Promise<Plain> {
  const file = await readCaseFile(goldenCasePath(caseName));
  const out: Plain = {};
  for (const [name, dtype] of Object.entries(names)) {
    const t = dtype === 'float32' ? await file.float(name) : await file.int64(name);
    out[name] = { dtype, data: Array.from(t.data, Number), dims: t.dims };
  }
  await file.close();
  return out;
}

async function inBrowser(component: ComponentName, inputs: Plain, on: Page = page): Promise<Record<string, { data: number[]; dims: number[] }>> {
  return on.evaluate(
    async ({ url, component, inputs }) => {
      const posted = Object.fromEntries(
        Object.entries(inputs).map(([name, t]) => [
          name,
          { dtype: t.dtype, dims: t.dims, data: t.dtype === 'float32' ? Float32Array.from(t.data) : BigInt64Array.from(t.data, (v) => BigInt(v)) },
        ]),
      );
      const api = (globalThis as unknown as { wanWeb: { worker: { runComponent(request: Record<string, unknown>): Promise<Record<string, { data: Float32Array; dims: number[] }>> } } }).wanWeb;
      const outputs = await api.worker.runComponent({ location: { kind: 'url', url }, component, inputs: posted });
      return Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, { data: Array.from(t.data), dims: [...t.dims] }]));
    },
    { url: `${files.url}bundle/`, component, inputs },
  );
}

async function inNode(component: ComponentName, inputs: Plain): Promise<TensorOutputs> {
  const bundle = await openDirBundle(bundleDir);
  return COMPONENTS[component]({ ort, bundle }, {
    has: (name) => name in inputs,
    float: async (name) => ({ data: Float32Array.from(inputs[name]!.data), dims: inputs[name]!.dims }),
    int64: async (name) => ({ data: BigInt64Array.from(inputs[name]!.data, (v) => BigInt(v)), dims: inputs[name]!.dims }),
  });
}

const CASES: [string, ComponentName, Record<string, 'float32' | 'int64'>][] = [
  ['dit_t2v', 'dit', { x: 'float32', t: 'float32', context: 'float32' }],
  ['dit_i2v', 'dit', { x: 'float32', t: 'float32', context: 'float32' }],
  ['text_encoder', 'text-encoder', { ids: 'int64', mask: 'int64', 'long.ids': 'int64', 'long.mask': 'int64' }],
  ['vae_decode', 'vae-decode', { z: 'float32' }],
  ['vae_encode', 'vae-encode', { image: 'float32', video: 'float32' }],
];

async function expectSameAsNode(caseName: string, component: ComponentName, names: Record<string, 'float32' | 'int64'>, on: Page = page): Promise<void> {
  const inputs = await caseInputs(caseName, names);
  const [gpu, cpu] = await Promise.all([inBrowser(component, inputs, on), inNode(component, inputs)]);
  expect(Object.keys(gpu).sort()).toEqual(Object.keys(cpu).sort());
  for (const [name, expected] of Object.entries(cpu)) {
    const actual = gpu[name]!;
    expect(actual.dims).toEqual([...expected.dims]);
    let max = 0;
    for (let i = 0; i < expected.data.length; i++) max = Math.max(max, Math.abs(actual.data[i]! - expected.data[i]!));
    console.log(`${caseName}/${name}: max |WebGPU − CPU| = ${max.toExponential(2)}`);
    expect(max).toBeLessThan(1e-4);
  }
}

describe('the same bundle on the WebGPU EP in chromium and on onnxruntime-node (CPU), fp32', () => {
  for (const [caseName, component, names] of CASES) {
    test(`${component} on ${caseName}`, () => expectSameAsNode(caseName, component, names));
  }

  test('20 component runs in a row release everything they load: only onnxruntime\'s few constants stay on the GPU', async () => {
    const [caseName, component, names] = CASES[0]!;
    const inputs = await caseInputs(caseName, names);
    const after: { liveBytes: number; weights: { bytes: number } }[] = [];
    for (let i = 0; i < 20; i++) {
      await inBrowser(component, inputs);
      after.push(
        await page.evaluate(async () => {
          const api = (globalThis as unknown as { wanWeb: { worker: { memory(): Promise<{ gpu: { liveBytes: number; weights: { bytes: number } } | null }> } } }).wanWeb;
          return (await api.worker.memory()).gpu!;
        }),
      );
    }
    console.log(`GPU bytes live after DiT component runs 1, 5 and 20: ${[0, 4, 19].map((i) => after[i]!.liveBytes).join(', ')}`);
    for (const memory of after) {
      expect(memory.weights.bytes).toBe(0);
      expect(memory.liveBytes).toBeLessThan(256 * 1024);
      expect(memory.liveBytes).toBe(after[0]!.liveBytes);
    }
  });

  test('the Asyncify build (what browsers without JSPI get) loads the weights the same way', async () => {
    const asyncify = await openAppAfterSelfCheck('?ort=asyncify');
    try {
      const flavor = await asyncify.page.evaluate(async () => {
        const api = (globalThis as unknown as { wanWeb: { worker: { selfCheck(): Promise<{ ortFlavor: string }> } } }).wanWeb;
        return (await api.worker.selfCheck()).ortFlavor;
      });
      expect(flavor).toBe('asyncify');
      const [caseName, component, names] = CASES[0]!;
      await expectSameAsNode(caseName, component, names, asyncify.page);
    } finally {
      await asyncify.close();
    }
  });
});
