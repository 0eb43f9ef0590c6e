import { flowMatchSigmaAt } from './flow-schedule.ts';
import { cleanEstimate } from './flow-sampler.ts';
import type { FlowSampler } from './flow-sampler.ts';
import type { LatentMath } from './latent-math.ts';

/** FastWan2.2-TI2V-5B's distilled timesteps (FastVideo `dmd_denoising_steps`). */
export const FASTWAN_TIMESTEPS = [1000, 757, 522] as const;
/** The shift of the FlowMatchEuler table FastVideo reads σ from. */
export const FASTWAN_SHIFT = 8;

/**
 * The few-step DMD sampler of FastWan: at each fixed timestep predict x0 = x − σ·v; before
 * the next step re-noise it, x = (1 − σ_next)·x0 + σ_next·ε with fresh Gaussian ε; the
 * result is the last x0. One conditional pass per step, no guidance.
 */
export function createDmdSampler<T>(noise: (count: number) => Float32Array, math: LatentMath<T>, timesteps: readonly number[] = FASTWAN_TIMESTEPS): FlowSampler<T> {
  const sigmas = [...timesteps.map((t) => flowMatchSigmaAt(t, FASTWAN_SHIFT)), 0];
  return {
    timesteps,
    sigmas,
    guided: false,
    async step(index, velocity, sample) {
      const x0 = await math.combine(cleanEstimate(sample, velocity, sigmas[index]!));
      if (index === timesteps.length - 1) return x0;
      const next = sigmas[index + 1]!;
      const eps = math.fromValues(noise(math.size(sample)), sample);
      try {
        return await math.combine([
          [1 - next, x0],
          [next, eps],
        ]);
      } finally {
        math.release(x0);
        math.release(eps);
      }
    },
    dispose: () => undefined,
  };
}
