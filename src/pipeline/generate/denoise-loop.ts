import type { DitConfig } from '../../convert/wan-dit/dit-config.ts';
import { GenerationCanceledError } from '../../errors.ts';
import type { OrtModule, OrtSession } from '../ort-types.ts';
import { computeCrossKv, ropeFeeds, runDitStep } from '../dit/dit-runner.ts';
import type { CrossAttentionKv } from '../dit/dit-runner.ts';
import type { AbortSignalLike } from '../../convert/safetensors/index.ts';

/** The sampler contract the loop drives (see src/pipeline/sampling). */
export interface LoopSampler {
  readonly timesteps: readonly number[];
  /** σ at each step (x_t = (1 − σ)·x₀ + σ·noise). */
  readonly sigmas: readonly number[];
  /** Whether classifier-free guidance applies (false for few-step distilled samplers). */
  readonly guided: boolean;
  /** Advances `sample` (x_i) with the step's velocity and returns x_{i+1}. */
  step(index: number, velocity: Float32Array, sample: Float32Array): Float32Array;
}

export interface DenoiseInput {
  readonly ort: OrtModule;
  readonly config: DitConfig;
  readonly contextSession: OrtSession;
  readonly stepSession: OrtSession;
  /** Starting noise [1, C, F, H, W]. */
  readonly noise: Float32Array;
  readonly dims: readonly [number, number, number, number, number];
  readonly contextCond: Float32Array;
  /** The negative prompt's context; unused when guidance does not apply. */
  readonly contextUncond: Float32Array | null;
  readonly guidance: number;
  readonly sampler: LoopSampler;
  /** Image-to-video: the clean latent of the start image [C, 1, H, W], kept as frame 0 throughout. */
  readonly firstFrame?: Float32Array | null;
  readonly signal?: AbortSignalLike;
  /** After each step, with the latents x_{i+1} and, on demand, the step's estimate of the clean latents. */
  readonly onStep?: (step: number, latents: Float32Array, denoised: () => Float32Array) => void;
}

/** Whether a step runs the DiT twice (conditional and unconditional). */
export function usesGuidance(sampler: LoopSampler, guidance: number, hasNegative: boolean): boolean {
  return sampler.guided && guidance !== 1 && hasNegative;
}

/** v = v_u + g·(v_c − v_u), in float32 like the official loop. */
export function combineGuidance(cond: Float32Array, uncond: Float32Array, guidance: number): Float32Array {
  const out = new Float32Array(cond.length);
  const g = Math.fround(guidance);
  for (let i = 0; i < cond.length; i++) out[i] = Math.fround(uncond[i]! + Math.fround(g * Math.fround(cond[i]! - uncond[i]!)));
  return out;
}

/** The flow-matching estimate of the clean latents from x_t and the velocity: x₀ = x_t − σ·v. */
export function denoisedEstimate(x: Float32Array, velocity: Float32Array, sigma: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! - sigma * velocity[i]!;
  return out;
}

/** Puts the clean image latent [C, 1, H, W] into frame 0 of x [1, C, F, H, W]. */
export function imposeFirstFrame(x: Float32Array, firstFrame: Float32Array, dims: readonly number[]): void {
  const [, channels, frames, height, width] = dims as [number, number, number, number, number];
  const plane = height * width;
  for (let c = 0; c < channels; c++) x.set(firstFrame.subarray(c * plane, (c + 1) * plane), c * frames * plane);
}

export function throwIfAborted(signal?: AbortSignalLike): void {
  if (signal?.aborted) throw new GenerationCanceledError();
}

/**
 * The official TI2V denoising loop: per step one or two DiT passes (cross-attention K/V
 * computed once per prompt), CFG, the sampler update, and for image-to-video the clean
 * first latent frame re-imposed after every step (its tokens run at timestep 0).
 */
export async function denoise(input: DenoiseInput): Promise<Float32Array> {
  const { ort, config, dims, sampler, firstFrame } = input;
  const guided = usesGuidance(sampler, input.guidance, input.contextUncond !== null);
  const crossKv = async (context: Float32Array): Promise<CrossAttentionKv> => computeCrossKv(ort, input.contextSession, context, config.textDim);
  const cond = await crossKv(input.contextCond);
  const uncond = guided ? await crossKv(input.contextUncond!) : null;
  const rope = ropeFeeds(ort, dims, config.headDim);

  let x: Float32Array = Float32Array.from(input.noise);
  if (firstFrame) imposeFirstFrame(x, firstFrame, dims);
  for (let i = 0; i < sampler.timesteps.length; i++) {
    throwIfAborted(input.signal);
    const t = sampler.timesteps[i]!;
    const frameTimesteps = Array.from({ length: dims[2] }, (_, f) => (firstFrame && f === 0 ? 0 : t));
    const vCond = await runDitStep(ort, input.stepSession, config, x, dims, frameTimesteps, cond, rope);
    const velocity = uncond
      ? combineGuidance(vCond, await runDitStep(ort, input.stepSession, config, x, dims, frameTimesteps, uncond, rope), input.guidance)
      : vCond;
    const before = x;
    x = sampler.step(i, velocity, x);
    if (firstFrame) imposeFirstFrame(x, firstFrame, dims);
    input.onStep?.(i, x, () => {
      const estimate = denoisedEstimate(before, velocity, sampler.sigmas[i]!);
      if (firstFrame) imposeFirstFrame(estimate, firstFrame, dims);
      return estimate;
    });
  }
  return x;
}
