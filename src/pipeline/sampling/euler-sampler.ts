import { wanFlowSchedule } from './flow-schedule.ts';
import type { FlowSampler } from './flow-sampler.ts';
import type { LatentMath } from './latent-math.ts';

/** First-order flow Euler on Wan's shifted schedule: x_{i+1} = x_i + (σ_{i+1} − σ_i)·v. */
export function createEulerSampler<T>(steps: number, shift: number, math: LatentMath<T>): FlowSampler<T> {
  const { sigmas, timesteps } = wanFlowSchedule(steps, shift);
  return {
    timesteps,
    sigmas,
    guided: true,
    step: (index, velocity, sample) =>
      math.combine([
        [1, sample],
        [Math.fround(sigmas[index + 1]! - sigmas[index]!), velocity],
      ]),
    dispose: () => undefined,
  };
}
