import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import { arrayLatentMath, combineArrays, createUniPcSampler, createEulerSampler, createDmdSampler, wanFlowSchedule, wanSamplingSigmas, flowMatchSigmaAt } from '../../src/pipeline/sampling/index.ts';
import { guidanceTerms } from '../../src/pipeline/generate/denoise-loop.ts';
import { imposeFirstFrame } from '../../src/pipeline/generate/latent-tensors.ts';
import { goldenCasePath, TINY } from '../helpers/golden-cases.ts';


describe('schedules match the official tables bit for bit', () => {
  const schedule = JSON.parse(readFileSync(join(TINY, 'cases', 'schedule.json'), 'utf8'));
  for (const table of schedule.unipc.tables) {
    test(`UniPC ${table.steps} steps, shift ${table.shift}`, () => {
      const ours = wanFlowSchedule(table.steps, table.shift);
      expect(ours.sigmas).toEqual(table.sigmas);
      expect(ours.timesteps).toEqual(table.timesteps);
    });
  }
  test('get_sampling_sigmas (dpm++ input)', () => {
    for (const table of schedule.get_sampling_sigmas.tables) expect(wanSamplingSigmas(table.steps, table.shift)).toEqual(table.sigmas);
  });
  test("FastWan's σ for its fixed timesteps", () => {
    expect([1000, 757, 522].map((t) => flowMatchSigmaAt(t, 8).toFixed(5))).toEqual(['1.00000', '0.75676', '0.52174']);
  });
});

describe('UniPC driven with the official velocities reproduces every step', () => {
  const tolerances = { sample_t2v: [2e-4, 1e-3], sample_i2v: [5e-4, 2e-3] } as const;
  for (const [name, [atol, rtol]] of Object.entries(tolerances)) {
    test(name, async () => {
      const file = await readCaseFile(goldenCasePath(name));
      const [noise, vCond, vUncond, latents] = await Promise.all(['noise', 'v_cond', 'v_uncond', 'latents'].map((n) => file.float(n)));
      const z0 = file.has('z0') ? (await file.float('z0')).data : null;
      const steps = Number(file.metadata.steps);
      const size = noise!.data.length;
      const sampler = createUniPcSampler(steps, Number(file.metadata.shift), arrayLatentMath);
      let x: Float32Array = Float32Array.from(noise!.data);
      if (z0) imposeFirstFrame(x, z0, noise!.dims);
      const errors: string[] = [];
      for (let i = 0; i < steps; i++) {
        const v = combineArrays(guidanceTerms(vCond!.data.subarray(i * size, (i + 1) * size), vUncond!.data.subarray(i * size, (i + 1) * size), Number(file.metadata.guide_scale)));
        x = await sampler.step(i, v, x);
        if (z0) imposeFirstFrame(x, z0, noise!.dims);
        const golden = latents!.data.subarray(i * size, (i + 1) * size);
        let max = 0;
        for (let k = 0; k < size; k++) {
          const d = Math.abs(x[k]! - golden[k]!);
          max = Math.max(max, d);
          expect(d).toBeLessThanOrEqual(atol + rtol * Math.abs(golden[k]!));
        }
        errors.push(max.toExponential(1));
      }
      console.log(`${name}: max |Δ| per step ${errors.join(', ')}`);
      await file.close();
    });
  }
});

describe('Euler and DMD on hand-computed cases', () => {
  test('Euler moves by (σ_{i+1} − σ_i)·v and ends at σ = 0', async () => {
    const sampler = createEulerSampler(2, 1, arrayLatentMath);
    const [s0, s1, s2] = sampler.sigmas as [number, number, number];
    expect(s2).toBe(0);
    const x1 = await sampler.step(0, Float32Array.of(1, -2), Float32Array.of(0.5, 0.5));
    expect(x1[0]).toBeCloseTo(0.5 + (s1 - s0) * 1, 6);
    expect(x1[1]).toBeCloseTo(0.5 + (s1 - s0) * -2, 6);
  });

  test('DMD predicts x0, re-noises with fresh noise, and returns the last x0', async () => {
    const draws: number[] = [];
    const sampler = createDmdSampler((count) => {
      draws.push(count);
      return new Float32Array(count).fill(2);
    }, arrayLatentMath);
    expect(sampler.guided).toBe(false);
    expect(sampler.timesteps).toEqual([1000, 757, 522]);
    const x = Float32Array.of(1);
    const x1 = await sampler.step(0, Float32Array.of(0.25), x); // σ=1: x0 = 0.75, then (1−σ1)·0.75 + σ1·2
    const s1 = sampler.sigmas[1]!;
    expect(x1[0]).toBeCloseTo((1 - s1) * 0.75 + s1 * 2, 6);
    await sampler.step(1, Float32Array.of(0), x1);
    const last = await sampler.step(2, Float32Array.of(1), Float32Array.of(3));
    expect(last[0]).toBeCloseTo(3 - sampler.sigmas[2]!, 6);
    expect(draws).toEqual([1, 1]);
  });
});
