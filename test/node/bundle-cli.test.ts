import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import { validateManifest } from '../../src/bundle/manifest.ts';
import type { BundleManifest } from '../../src/bundle/manifest.ts';
import { goldenCasePath, TINY } from '../helpers/golden-cases.ts';
import { compareToGolden } from '../helpers/golden-compare.ts';
import { convertTinyA } from '../helpers/convert-tiny-a.ts';

let work: string;
let bundle: string;
let manifest: BundleManifest;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-bundle-'));
  bundle = join(work, 'tiny-fp32');
  await convertTinyA(bundle);
  manifest = validateManifest(JSON.parse(await readFile(join(bundle, 'manifest.json'), 'utf8')));
});

afterAll(() => rm(work, { recursive: true, force: true }));


// [case, component, output tensors with their README tolerances (atol, rtol)]
const CASES: [string, string, Record<string, [number, number]>][] = [
  ['dit_t2v', 'dit', { v: [1e-4, 5e-4] }],
  ['dit_i2v', 'dit', { v: [1e-4, 5e-4] }],
  ['text_encoder', 'text-encoder', { output: [1e-5, 5e-4], 'long.output': [2e-5, 1e-4] }],
  ['vae_decode', 'vae-decode', { chunk0: [2e-5, 5e-4], chunk1: [5e-5, 5e-4], chunk2: [5e-5, 5e-4], video: [5e-5, 5e-4] }],
  ['vae_encode', 'vae-encode', { mu: [2e-5, 2e-4], video_mu: [5e-5, 5e-4] }],
];

describe('wan-web convert + debug on the tiny-a golden checkpoint (fp32)', () => {
  test('the bundle lists every file with its true size and SHA-256, and nothing else', async () => {
    const onDisk = (await readdir(bundle)).filter((f) => f !== 'manifest.json').sort();
    expect(manifest.files.map((f) => f.path)).toEqual(onDisk);
    for (const file of manifest.files) {
      const bytes = await readFile(join(bundle, file.path));
      expect(bytes.byteLength).toBe(file.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    }
    expect(Object.keys(manifest.graphs).sort()).toEqual(
      ['dit', 'dit-context', 'text-encoder', 'vae-decoder-0', 'vae-decoder-1', 'vae-decoder-2', 'vae-encoder-0', 'vae-encoder-1', 'vae-encoder-2'],
    );
    expect(manifest.precision).toMatchObject({ weights: 'fp32', activations: 'fp32' });
  });

  for (const [caseName, component, tolerances] of CASES) {
    test(`debug ${component} reproduces ${caseName}`, async () => {
      const out = join(work, `${caseName}.out.safetensors`);
      const input = goldenCasePath(caseName);
      expect(await runCli(['debug', component, '--bundle', bundle, '--in', input, '--out', out])).toBe(0);
      const [ours, golden] = await Promise.all([readCaseFile(out), readCaseFile(input)]);
      for (const [name, [atol, rtol]] of Object.entries(tolerances)) {
        const result = compareToGolden((await ours.float(name)).data, (await golden.float(name)).data, atol, rtol);
        console.log(`${caseName}/${name}: max |Δ| ${result.maxAbs.toExponential(2)} (atol ${atol}, rtol ${rtol})`);
        expect(result.worstExcess).toBeLessThanOrEqual(0);
      }
      await Promise.all([ours.close(), golden.close()]);
    });
  }

  test('a bad source names what is missing and leaves no output behind', async () => {
    const out = join(work, 'never');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await runCli(['convert', join(TINY, 'cases'), out])).toBe(1);
      const said = stderr.mock.calls.map(([text]) => String(text)).join('');
      expect(said).toMatch(/holds a diffusion model/);
      // Nothing was staged, so nothing is offered to continue from.
      expect(said).not.toMatch(/kept in/);
    } finally {
      stderr.mockRestore();
    }
    expect(await readdir(work)).not.toContain('never');
    expect((await readdir(work)).some((f) => f.startsWith('never.partial'))).toBe(false);
  });
});
