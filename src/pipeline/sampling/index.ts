import { createDmdSampler } from './dmd-sampler.ts';
import { createEulerSampler } from './euler-sampler.ts';
import type { FlowSampler } from './flow-sampler.ts';
import { createUniPcSampler } from './unipc-sampler.ts';

export { createDmdSampler, FASTWAN_SHIFT, FASTWAN_TIMESTEPS } from './dmd-sampler.ts';
export { createEulerSampler } from './euler-sampler.ts';
export { createUniPcSampler } from './unipc-sampler.ts';
export { flowMatchSigmaAt, linspace, shiftSigma, wanFlowSchedule, wanSamplingSigmas } from './flow-schedule.ts';
export type { FlowSchedule } from './flow-schedule.ts';
export type { FlowSampler } from './flow-sampler.ts';

/**
 * A sampler by name. unipc and euler use Wan's shifted schedule with `steps`; dmd uses
 * FastWan's fixed timesteps (ignoring steps and shift) and draws re-noising from `noise`.
 */
export function createSampler(
  name: 'unipc' | 'euler' | 'dmd',
  options: { steps: number; shift: number; noise?: (count: number) => Float32Array },
): FlowSampler {
  switch (name) {
    case 'unipc':
      return createUniPcSampler(options.steps, options.shift);
    case 'euler':
      return createEulerSampler(options.steps, options.shift);
    case 'dmd':
      if (!options.noise) throw new TypeError('The dmd sampler needs a noise source for re-noising between steps.');
      return createDmdSampler(options.noise);
  }
}
