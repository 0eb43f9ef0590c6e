import type { Term } from './latent-math.ts';

/** A flow-matching sampler over tensors of type T: the loop calls `step` once per timestep, in order. */
export interface FlowSampler<T> {
  /** The timestep the model sees at each step. */
  readonly timesteps: readonly number[];
  /** σ at each step, and the final one. */
  readonly sigmas: readonly number[];
  /** Whether classifier-free guidance applies (false for distilled few-step samplers). */
  readonly guided: boolean;
  /**
   * Advances the sample x_i with the step's velocity (after CFG) and returns x_{i+1}, a new
   * tensor the caller owns. The inputs are not modified, and the caller may release them
   * once this returns (the sampler copies what it keeps).
   */
  step(index: number, velocity: T, sample: T): Promise<T>;
  /** Releases what the sampler keeps between steps. */
  dispose(): void;
}

/** The flow-matching estimate of the clean latents from x_t and the velocity, x₀ = x_t − σ·v, as terms to combine. */
export function cleanEstimate<T>(x: T, velocity: T, sigma: number): Term<T>[] {
  return [
    [1, x],
    [-sigma, velocity],
  ];
}
