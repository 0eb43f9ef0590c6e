/** A flow-matching sampler: the loop calls `step` once per timestep, in order. */
export interface FlowSampler {
  /** The timestep the model sees at each step. */
  readonly timesteps: readonly number[];
  /** σ at each step, and the final one. */
  readonly sigmas: readonly number[];
  /** Whether classifier-free guidance applies (false for distilled few-step samplers). */
  readonly guided: boolean;
  /** Advances the sample x_i with the step's velocity (after CFG) and returns x_{i+1}; the input is not modified. */
  step(index: number, velocity: Float32Array, sample: Float32Array): Float32Array;
}
