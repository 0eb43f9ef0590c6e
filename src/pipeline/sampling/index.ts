import { createDmdSampler } from './dmd-sampler.ts';
import { createEulerSampler } from './euler-sampler.ts';
import type { SamplerName } from '../generate/generation-settings.ts';
import type { FlowSampler } from './flow-sampler.ts';
import type { LatentMath } from './latent-math.ts';
import { createUniPcSampler } from './unipc-sampler.ts';

export { createDmdSampler, FASTWAN_SHIFT, FASTWAN_TIMESTEPS } from './dmd-sampler.ts';
export { createEulerSampler } from './euler-sampler.ts';
export { createUniPcSampler } from './unipc-sampler.ts';
export { flowMatchSigmaAt, linspace, shiftSigma, wanFlowSchedule, wanSamplingSigmas } from './flow-schedule.ts';
export type { FlowSchedule } from './flow-schedule.ts';
export { cleanEstimate } from './flow-sampler.ts';
export type { FlowSampler } from './flow-sampler.ts';
export { arrayLatentMath, combineArrays } from './latent-math.ts';
export type { LatentMath, Term } from './latent-math.ts';

/**
 * A sampler by name, computing with `math`. unipc and euler use Wan's shifted schedule with
 * `steps`; dmd uses FastWan's fixed timesteps (ignoring steps and shift) and draws
 * re-noising from `noise`.
 */
export function createSampler<T>(name: SamplerName, options: { steps: number; shift: number; noise?: (count: number) => Float32Array }, math: LatentMath<T>): FlowSampler<T> {
  switch (name) {
    case 'unipc':
      return createUniPcSampler(options.steps, options.shift, math);
    case 'euler':
      return createEulerSampler(options.steps, options.shift, math);
    case 'dmd':
      if (!options.noise) throw new TypeError('The dmd sampler needs a noise source for re-noising between steps.');
      return createDmdSampler(options.noise, math);
  }
}
