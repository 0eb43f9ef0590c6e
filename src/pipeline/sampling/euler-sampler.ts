import { wanFlowSchedule } from './flow-schedule.ts';
import type { FlowSampler } from './flow-sampler.ts';

/** First-order flow Euler on Wan's shifted schedule: x_{i+1} = x_i + (σ_{i+1} − σ_i)·v. */
export function createEulerSampler(steps: number, shift: number): FlowSampler {
  const { sigmas, timesteps } = wanFlowSchedule(steps, shift);
  return {
    timesteps,
    sigmas,
    guided: true,
    step(index, velocity, sample) {
      const dt = Math.fround(sigmas[index + 1]! - sigmas[index]!);
      const out = new Float32Array(sample.length);
      for (let i = 0; i < out.length; i++) out[i] = Math.fround(sample[i]! + Math.fround(dt * velocity[i]!));
      return out;
    },
  };
}
