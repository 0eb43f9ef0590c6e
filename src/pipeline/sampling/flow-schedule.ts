/**
 * Sigma and timestep tables of Wan2.2's flow-matching schedulers, computed the way the
 * official code does (numpy float64, then float32 where it casts), so they match bit for bit.
 */

/** numpy.linspace(start, stop, num) in float64, endpoint included. */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : i * step + start));
}

/** σ ← shift·σ / (1 + (shift − 1)·σ): more steps at high noise. */
export const shiftSigma = (sigma: number, shift: number) => (shift * sigma) / (1 + (shift - 1) * sigma);

const TRAIN_TIMESTEPS = 1000;
/**
 * FlowUniPCMultistepScheduler(shift=1) keeps σ_max = σ[0] of 1 − linspace(1, 1/1000, 1000)
 * reversed, read back from its float32 tensor (0.999 → 0.99900001…); σ_min is 0.
 */
const SIGMA_MAX = Math.fround(1 - 1 / TRAIN_TIMESTEPS);

export interface FlowSchedule {
  /** steps + 1 float32 sigmas; the last is 0. */
  readonly sigmas: readonly number[];
  /** The integer timestep the model sees at each step: int64(σ·1000) of the float64 σ. */
  readonly timesteps: readonly number[];
}

/** Wan's `FlowUniPCMultistepScheduler.set_timesteps(steps, shift)`. */
export function wanFlowSchedule(steps: number, shift: number): FlowSchedule {
  const sigmas = linspace(SIGMA_MAX, 0, steps + 1)
    .slice(0, -1)
    .map((s) => shiftSigma(s, shift));
  return {
    sigmas: [...sigmas.map(Math.fround), 0],
    timesteps: sigmas.map((s) => Math.trunc(s * TRAIN_TIMESTEPS)),
  };
}

/** Wan's `get_sampling_sigmas(steps, shift)` (fm_solvers.py), float64: the dpm++ solver's input. */
export function wanSamplingSigmas(steps: number, shift: number): number[] {
  return linspace(1, 0, steps + 1)
    .slice(0, steps)
    .map((s) => shiftSigma(s, shift));
}

/**
 * σ of a raw timestep as FastVideo's DMD stage finds it: the nearest entry of a
 * FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift) table, whose timesteps
 * are 1000·σ after the shift. The table is torch float32 arithmetic, one rounding per operation
 * of `shift * s / (1 + (shift - 1) * s)` (rounding the float64 quotient once is 1 ulp off at 757).
 */
export function flowMatchSigmaAt(timestep: number, shift: number): number {
  const f = Math.fround;
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 1; i <= TRAIN_TIMESTEPS; i++) {
    const s = f(f(i) / TRAIN_TIMESTEPS);
    const sigma = f(f(shift * s) / f(1 + f((shift - 1) * s)));
    const distance = Math.abs(Math.fround(sigma * TRAIN_TIMESTEPS) - timestep);
    if (distance < bestDistance) [best, bestDistance] = [sigma, distance];
  }
  return best;
}
