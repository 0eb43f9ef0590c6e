import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import { goldenCasePath } from '../helpers/golden-cases.ts';
import { convertTinyA } from '../helpers/convert-tiny-a.ts';

let work: string;
let bundle: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wan-sample-'));
  bundle = join(work, 'bundle');
  await convertTinyA(bundle);
});

afterAll(() => rm(work, { recursive: true, force: true }));

// README tolerances (atol, rtol) of the whole sampling runs.
const CASES = { sample_t2v: { latents: [2e-4, 1e-3], final: [2e-4, 1e-3] }, sample_i2v: { latents: [5e-4, 2e-3], final: [5e-4, 1e-3] } } as const;

describe('the official sampling loop (8 UniPC steps, CFG 5) from the golden noise and contexts', () => {
  for (const [name, tolerances] of Object.entries(CASES)) {
    test(name, async () => {
      const input = goldenCasePath(name);
      const out = join(work, `${name}.out.safetensors`);
      expect(await runCli(['debug', 'sample', '--bundle', bundle, '--in', input, '--out', out])).toBe(0);
      const [ours, golden] = await Promise.all([readCaseFile(out), readCaseFile(input)]);
      for (const [tensor, [atol, rtol]] of Object.entries(tolerances)) {
        const a = await ours.float(tensor);
        const g = await golden.float(tensor);
        expect(a.dims).toEqual(g.dims);
        const perStep = g.data.length / (tensor === 'latents' ? g.dims[0]! : 1);
        const stepErrors: string[] = [];
        for (let start = 0; start < g.data.length; start += perStep) {
          let max = 0;
          for (let i = start; i < start + perStep; i++) {
            const d = Math.abs(a.data[i]! - g.data[i]!);
            max = Math.max(max, d);
            expect(d).toBeLessThanOrEqual(atol + rtol * Math.abs(g.data[i]!));
          }
          stepErrors.push(max.toExponential(1));
        }
        console.log(`${name}/${tensor}: max |Δ| per step ${stepErrors.join(', ')}`);
      }
      await Promise.all([ours.close(), golden.close()]);
    });
  }
});
