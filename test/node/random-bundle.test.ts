import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import { validateManifest } from '../../src/bundle/manifest.ts';
import type { BundleManifest } from '../../src/bundle/manifest.ts';
import { randomSourceModel } from '../../src/convert/random-bundle/index.ts';
import { SELF_TEST_CONFIGS } from '../../src/convert-install/self-test-model.ts';
import { WAN22_TI2V_5B_CONFIGS } from '../../src/convert/random-checkpoint/index.ts';
import { checkpointWeightSource } from '../../src/convert/weights/weight-source.ts';
import { goldenCasePath } from '../helpers/golden-cases.ts';

let work: string;
const readManifest = async (dir: string): Promise<BundleManifest> => validateManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-random-bundle-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('wan-web random-bundle (a bundle without a checkpoint)', () => {
  test('a small one is written, verifies, runs a DiT pass with finite output, and the same seed gives the same bytes', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((name) => join(work, name)) as [string, string, string];
    expect(await runCli(['random-bundle', a, '--small', '--seed', '3', '--activations', 'fp32'])).toBe(0);
    expect(await runCli(['random-bundle', b, '--small', '--seed', '3', '--activations', 'fp32'])).toBe(0);
    expect(await runCli(['random-bundle', c, '--small', '--seed', '4', '--activations', 'fp32'])).toBe(0);
    const [ma, mb, mc] = (await Promise.all([a, b, c].map(readManifest))) as [BundleManifest, BundleManifest, BundleManifest];
    // The manifest lists every file with its SHA-256: equal manifests are equal bytes (verify checks the files against them).
    expect(mb.files).toEqual(ma.files);
    expect(mc.files.find((f) => f.path === 'dit-weights-000.bin')!.sha256).not.toBe(ma.files.find((f) => f.path === 'dit-weights-000.bin')!.sha256);
    expect(await runCli(['verify', a])).toBe(0);
    expect(ma.precision).toMatchObject({ weights: 'int4', activations: 'fp32' });
    expect(Object.keys(ma.graphs).sort()).toEqual(
      // A random tiny decoder comes along, so bench:gpu has its decoder rows without taew2_2.
      [
        'dit', 'dit-context', 'text-encoder',
        'tiny-vae-decoder-0', 'tiny-vae-decoder-1', 'tiny-vae-decoder-2',
        'vae-decoder-0', 'vae-decoder-1', 'vae-decoder-2',
        'vae-encoder-0', 'vae-encoder-1', 'vae-encoder-2',
      ],
    );

    // The self-test DiT has tiny-a's shapes, so the golden DiT case is a valid input.
    const out = join(work, 'dit.out.safetensors');
    expect(await runCli(['debug', 'dit', '--bundle', a, '--in', goldenCasePath('dit_t2v'), '--out', out])).toBe(0);
    const result = await readCaseFile(out);
    const v = (await result.float('v')).data;
    await result.close();
    expect(v.length).toBeGreaterThan(0);
    expect(v.every(Number.isFinite)).toBe(true);
    const rms = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    expect(rms).toBeGreaterThan(1e-3);
    expect(rms).toBeLessThan(1e3);
  });

  test('full-size linear weights are drawn quantized, with the spec scale and no mean', () => {
    const source = randomSourceModel(WAN22_TI2V_5B_CONFIGS, 0);
    const weights = checkpointWeightSource(source.transformer);
    const name = 'blocks.0.ffn.net.2.weight';
    const [n, k] = weights.info(name).shape as [number, number];
    expect([n, k]).toEqual([3072, 14336]);
    const q = weights.quantized!.read(name, n, k, 4, 32)!;
    expect(q.data.byteLength).toBe((n * k) / 2);
    // Dequantize the first rows: (code − zero point) · scale.
    let sum = 0;
    let squares = 0;
    const rows = 16;
    const kBlocks = k / 32;
    for (let row = 0; row < rows; row++) {
      for (let block = 0; block < kBlocks; block++) {
        const zp = (q.zeroPoints[row * (kBlocks / 2) + (block >> 1)]! >> ((block & 1) * 4)) & 0xf;
        const scale = q.scales[row * kBlocks + block]!;
        for (let i = 0; i < 32; i++) {
          const byte = q.data[(row * kBlocks + block) * 16 + (i >> 1)]!;
          const w = (((byte >> ((i & 1) * 4)) & 0xf) - zp) * scale;
          sum += w;
          squares += w * w;
        }
      }
    }
    const count = rows * k;
    expect(Math.abs(sum / count)).toBeLessThan(1e-4);
    expect(Math.sqrt(squares / count) * Math.sqrt(k)).toBeCloseTo(1, 2);
    // The same seed draws the same codes; a small config's weights come from the same generator.
    expect(checkpointWeightSource(randomSourceModel(WAN22_TI2V_5B_CONFIGS, 0).transformer).quantized!.read(name, n, k, 4, 32)!.data.subarray(0, 64)).toEqual(q.data.subarray(0, 64));
    expect(checkpointWeightSource(randomSourceModel(SELF_TEST_CONFIGS, 0).transformer).quantized!.read('not.a.weight', 4, 32, 4, 32)).toBeUndefined();
  });
});
