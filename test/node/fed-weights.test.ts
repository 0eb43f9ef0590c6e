import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BundleManifest } from '../../src/bundle/manifest.ts';
import type { DataType } from '../../src/onnx/tensor-types.ts';
import { webBundleAccess } from '../../src/model/web-bundle-access.ts';
import type { WebBundle } from '../../src/model/web-bundle-access.ts';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import { openDirBundle } from '../../src/node/dir-bundle.ts';
import { COMPONENTS } from '../../src/pipeline/components.ts';
import type { ComponentName, TensorOutputs } from '../../src/pipeline/components.ts';
import type { BundleAccess } from '../../src/pipeline/bundle-access.ts';
import { chunkSelfAttention } from '../../src/pipeline/dit/chunk-attention.ts';
import { FedWeightSessions } from '../../src/pipeline/weights/fed-weight-sessions.ts';
import type { WeightMemory } from '../../src/pipeline/weights/fed-weight-sessions.ts';
import { goldenCasePath } from '../helpers/golden-cases.ts';
import { convertTinyA } from '../helpers/convert-tiny-a.ts';

const work = await mkdtemp(join(tmpdir(), 'wan-fed-weights-'));
afterAll(() => rm(work, { recursive: true, force: true }));

/** The browser's arrangement on the CPU: buffers are arrays, and int8 (which a WebGPU tensor cannot hold) is not feedable. */
function hostMemory(): WeightMemory & { live: number } {
  const memory = {
    live: 0,
    feedable: (dtype: DataType) => dtype !== 'int8',
    startLoad: () => ({ allocate: memory.allocate, finish: () => undefined, abandon: () => undefined }),
    allocate(weight: { dtype: DataType; dims: readonly number[]; length: number }) {
      const bytes = new Uint8Array(weight.length);
      let written = 0;
      memory.live++;
      const view = () => {
        const { buffer } = bytes;
        switch (weight.dtype) {
          case 'float32':
            return new Float32Array(buffer);
          case 'float16':
            return new Uint16Array(buffer);
          case 'int64':
            return new BigInt64Array(buffer);
          case 'int32':
            return new Int32Array(buffer);
          default:
            return bytes;
        }
      };
      return {
        bytes: weight.length,
        write: (chunk: Uint8Array) => {
          bytes.set(chunk, written);
          written += chunk.length;
        },
        seal: () => undefined,
        tensor: () => new ort.Tensor(weight.dtype as 'float32', view() as Float32Array, weight.dims),
        destroy: () => {
          memory.live--;
        },
      };
    },
  };
  return memory;
}

/** A bundle folder read the way the browser reads one: ranges streamed in small, unaligned pieces. */
async function fedBundle(dir: string, sessions: FedWeightSessions, chunkBytes = 1000): Promise<BundleAccess> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as BundleManifest;
  const web: WebBundle = {
    manifest,
    files: {
      title: `The bundle in ${dir}`,
      key: dir,
      bytes: async (path) => new Uint8Array(await readFile(join(dir, path))),
      async *stream(path, offset, length) {
        let got = 0;
        for await (const chunk of createReadStream(join(dir, path), { start: offset, end: offset + length - 1, highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
          got += chunk.length;
          yield new Uint8Array(chunk);
        }
        if (got < length) throw new Error(`${path} ended early`);
      },
      async readRange(path, offset, length) {
        const handle = await open(join(dir, path), 'r');
        try {
          const bytes = new Uint8Array(length);
          await handle.read(bytes, 0, length, offset);
          return bytes;
        } finally {
          await handle.close();
        }
      },
      readText: (path) => readFile(join(dir, path), 'utf8'),
    },
  };
  return webBundleAccess(sessions, web);
}

async function runCase(bundle: BundleAccess, component: ComponentName, caseName: string): Promise<TensorOutputs> {
  const inputs = await readCaseFile(goldenCasePath(caseName));
  try {
    return await COMPONENTS[component]({ ort, bundle }, inputs);
  } finally {
    await inputs.close();
  }
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    max = Math.max(max, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return max / scale;
}

let fp32: string;
let int4: string;
let int8Vae: string;
beforeAll(async () => {
  fp32 = await convertTinyA(join(work, 'fp32'));
  int4 = await convertTinyA(join(work, 'int4'), ['--weights', 'int4', '--activations', 'fp32']);
  int8Vae = await convertTinyA(join(work, 'int8-vae'), ['--weights', 'fp32', '--activations', 'fp32', '--vae-weights', 'int8']);
});

describe('weights streamed into buffers of ours and fed to every run (the browser’s loading), on onnxruntime-node', () => {
  const cases: [string, () => string, ComponentName, string, string][] = [
    ['fp32 DiT', () => fp32, 'dit', 'dit_t2v', 'v'],
    ['int4 DiT (MatMulNBits weights as inputs)', () => int4, 'dit', 'dit_i2v', 'v'],
    ['int4 text encoder', () => int4, 'text-encoder', 'text_encoder', 'output'],
    ['VAE decoder with int8 kernels (kept inside the graph)', () => int8Vae, 'vae-decode', 'vae_decode', 'video'],
  ];
  for (const [label, dir, component, caseName, output] of cases) {
    test(`${label}: the same output as onnxruntime loading the files itself`, async () => {
      const memory = hostMemory();
      const fed = await runCase(await fedBundle(dir(), new FedWeightSessions(ort, memory)), component, caseName);
      const own = await runCase(await openDirBundle(dir()), component, caseName);
      const diff = maxRelDiff(fed[output]!.data, own[output]!.data);
      console.log(`${label}: max |fed − files| / max |files| = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-6);
      expect(memory.live).toBe(0);
    });
  }

  test('a weight two sessions use is loaded once, and freed with the last of them', async () => {
    const memory = hostMemory();
    const sessions = new FedWeightSessions(ort, memory);
    const bundle = await fedBundle(fp32, sessions);
    const plain = await bundle.createSession('dit');
    const loaded = sessions.stats();
    expect(loaded.buffers).toBeGreaterThan(10);
    const chunked = await bundle.createSession('dit', {}, (model) => chunkSelfAttention(model, 16, 4));
    // The variant adds only its own copies of the graph's few GPU constants.
    const both = sessions.stats();
    expect(both.bytes - loaded.bytes).toBeLessThan(1024);
    await plain.release();
    expect(sessions.stats()).toEqual(loaded);
    await chunked.release();
    expect(sessions.stats()).toEqual({ bytes: 0, buffers: 0 });
    expect(memory.live).toBe(0);
  });

  test('a weights file cut short is refused by name, and nothing stays loaded', async () => {
    const damaged = join(work, 'damaged');
    await rm(damaged, { recursive: true, force: true });
    await convertTinyA(damaged);
    await truncate(join(damaged, 'dit-weights-000.bin'), 4096);
    const memory = hostMemory();
    const sessions = new FedWeightSessions(ort, memory);
    const bundle = await fedBundle(damaged, sessions);
    await expect(bundle.createSession('dit')).rejects.toThrow(/dit-weights-000\.bin ended early|dit-weights-000\.bin ended before its weights did/);
    expect(memory.live).toBe(0);
    expect(sessions.stats()).toEqual({ bytes: 0, buffers: 0 });
  });

  test('a weight that reaches past its file’s size in the manifest is refused before anything is read', async () => {
    const dir = join(work, 'lying-manifest');
    await rm(dir, { recursive: true, force: true });
    await convertTinyA(dir);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as BundleManifest & { files: { path: string; bytes: number }[] };
    for (const file of manifest.files) if (file.path === 'dit-weights-000.bin') file.bytes = 1000;
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const memory = hostMemory();
    const bundle = await fedBundle(dir, new FedWeightSessions(ort, memory));
    await expect(bundle.createSession('dit')).rejects.toThrow(/ends at byte \d+ of dit-weights-000\.bin, which has 1000 bytes/);
    expect(memory.live).toBe(0);
  });
});
