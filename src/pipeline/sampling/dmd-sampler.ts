import { flowMatchSigmaAt } from './flow-schedule.ts';
import type { FlowSampler } from './flow-sampler.ts';

/** FastWan2.2-TI2V-5B's distilled timesteps (FastVideo `dmd_denoising_steps`). */
export const FASTWAN_TIMESTEPS = [1000, 757, 522] as const;
/** The shift of the FlowMatchEuler table FastVideo reads σ from. */
export const FASTWAN_SHIFT = 8;

/**
 * The few-step DMD sampler of FastWan: at each fixed timestep predict x0 = x − σ·v; before
 * the next step re-noise it, x = (1 − σ_next)·x0 + σ_next·ε with fresh Gaussian ε; the
 * result is the last x0. One conditional pass per step, no guidance.
 */
export function createDmdSampler(noise: (count: number) => Float32Array, timesteps: readonly number[] = FASTWAN_TIMESTEPS): FlowSampler {
  const sigmas = [...timesteps.map((t) => flowMatchSigmaAt(t, FASTWAN_SHIFT)), 0];
  return {
    timesteps,
    sigmas,
    guided: false,
    step(index, velocity, sample) {
      const f = Math.fround;
      const sigma = sigmas[index]!;
      const x0 = new Float32Array(sample.length);
      for (let i = 0; i < x0.length; i++) x0[i] = f(sample[i]! - f(sigma * velocity[i]!));
      if (index === timesteps.length - 1) return x0;
      const next = sigmas[index + 1]!;
      const eps = noise(sample.length);
      for (let i = 0; i < x0.length; i++) x0[i] = f(f(f(1 - next) * x0[i]!) + f(next * eps[i]!));
      return x0;
    },
  };
}
