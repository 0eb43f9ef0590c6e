import type { DitConfig } from '../../bundle/dit-config.ts';
import { GenerationCanceledError } from '../../errors.ts';
import type { OrtModule, OrtSession, OrtTensor } from '../ort-types.ts';
import { computeCrossKv, ropeFeeds, runDitPass } from '../dit/dit-runner.ts';
import type { CrossAttentionKv } from '../dit/dit-runner.ts';
import { cleanEstimate } from '../sampling/index.ts';
import type { FlowSampler, Term } from '../sampling/index.ts';
import type { AbortSignalLike } from '../../safetensors/index.ts';
import type { LatentTensors } from './latent-tensors.ts';
import type { LatentRgbMap } from '../preview/latent-rgb-map.ts';

/** What a step offers to look at; each read is a GPU → CPU copy when the loop runs on the GPU. */
export interface StepView {
  /** The latents after the step, x_{i+1}. */
  latents(): Promise<Float32Array>;
  /**
   * The step's estimate of the clean latents, x_i − σ_i·v (with the start image's frame for
   * image-to-video), through the preview map: RGB [3, F, H, W], 16× less to read than latents.
   */
  denoisedRgb(map: LatentRgbMap): Promise<Float32Array>;
  /** The same clean-latent estimate itself, [1, C, F, H, W] (for a decoder to preview). */
  denoised(): Promise<Float32Array>;
}

export interface DenoiseInput {
  readonly ort: OrtModule;
  readonly config: DitConfig;
  readonly contextSession: OrtSession;
  readonly stepSession: OrtSession;
  /** Where the loop's tensors live and how they are combined. */
  readonly tensors: LatentTensors;
  /** Starting noise [1, C, F, H, W]. */
  readonly noise: Float32Array;
  readonly dims: readonly [number, number, number, number, number];
  readonly contextCond: Float32Array;
  /** The negative prompt's context; unused when guidance does not apply. */
  readonly contextUncond: Float32Array | null;
  readonly guidance: number;
  /** A sampler computing with `tensors`; the loop disposes it. */
  readonly sampler: FlowSampler<OrtTensor>;
  /** Image-to-video: the clean latent of the start image [C, 1, H, W], kept as frame 0 throughout. */
  readonly firstFrame?: Float32Array | null;
  readonly signal?: AbortSignalLike;
  /** After each step; the loop waits for it. */
  readonly onStep?: (step: number, view: StepView) => Promise<void> | void;
}

/** Whether a step runs the DiT twice (conditional and unconditional). */
export function usesGuidance(sampler: Pick<FlowSampler<unknown>, 'guided'>, guidance: number, hasNegative: boolean): boolean {
  return sampler.guided && guidance !== 1 && hasNegative;
}

/** Classifier-free guidance v = v_u + g·(v_c − v_u), as terms to combine: (1 − g)·v_u + g·v_c. */
export function guidanceTerms<T>(cond: T, uncond: T, guidance: number): Term<T>[] {
  return [
    [1 - guidance, uncond],
    [guidance, cond],
  ];
}

export function throwIfAborted(signal?: AbortSignalLike): void {
  if (signal?.aborted) throw new GenerationCanceledError();
}

/**
 * The official TI2V denoising loop: per step one or two DiT passes (cross-attention K/V
 * computed once per prompt), CFG, the sampler update, and for image-to-video the clean
 * first latent frame re-imposed after every step (its tokens run at timestep 0). Every
 * tensor stays where `tensors` keeps it; the final latents are read once, at the end.
 */
export async function denoise(input: DenoiseInput): Promise<Float32Array> {
  const { ort, config, dims, sampler, tensors, firstFrame } = input;
  const guided = usesGuidance(sampler, input.guidance, input.contextUncond !== null);
  const held: OrtTensor[] = [];
  const hold = <T extends OrtTensor>(tensor: T) => (held.push(tensor), tensor);
  const crossKv = async (context: Float32Array): Promise<CrossAttentionKv> => {
    const kv = await computeCrossKv(ort, input.contextSession, context, config.textDim);
    Object.values(kv).forEach(hold);
    return kv;
  };
  /** Awaits a tensor made from `old` and releases `old`. */
  const replace = async (old: OrtTensor, made: Promise<OrtTensor>) => {
    try {
      return await made;
    } finally {
      tensors.release(old);
    }
  };
  let x: OrtTensor | null = null;
  try {
    const cond = await crossKv(input.contextCond);
    const uncond = guided ? await crossKv(input.contextUncond!) : null;
    const rope: Record<string, OrtTensor> = {};
    for (const [name, table] of Object.entries(ropeFeeds(ort, dims, config.headDim))) rope[name] = hold(await tensors.place(table));
    const [, channels, , height, width] = dims;
    const first = firstFrame ? hold(await tensors.place(new ort.Tensor('float32', firstFrame, [1, channels, 1, height, width]))) : null;

    x = await tensors.place(new ort.Tensor('float32', Float32Array.from(input.noise), dims));
    if (first) x = await replace(x, tensors.withFirstFrame(x, first));
    for (let i = 0; i < sampler.timesteps.length; i++) {
      throwIfAborted(input.signal);
      const t = sampler.timesteps[i]!;
      const frameTimesteps = Array.from({ length: dims[2] }, (_, f) => (first && f === 0 ? 0 : t));
      let velocity = await runDitPass(ort, input.stepSession, config, x, frameTimesteps, cond, rope);
      if (uncond) {
        const vUncond = await runDitPass(ort, input.stepSession, config, x, frameTimesteps, uncond, rope).catch((error: unknown) => {
          tensors.release(velocity);
          throw error;
        });
        velocity = await replace(vUncond, replace(velocity, tensors.combine(guidanceTerms(velocity, vUncond, input.guidance))));
      }
      try {
        let next = await sampler.step(i, velocity, x);
        if (first) next = await replace(next, tensors.withFirstFrame(next, first));
        const [before, v, sigma] = [x, velocity, sampler.sigmas[i]!];
        x = next;
        try {
          /** Reads what `project` makes of the step's clean estimate x_i − σ_i·v (frame 0 re-imposed for image-to-video). */
          const readEstimate = async (project: (estimate: OrtTensor) => Promise<OrtTensor>) => {
            let estimate = await tensors.combine(cleanEstimate(before, v, sigma));
            if (first) estimate = await replace(estimate, tensors.withFirstFrame(estimate, first));
            const projected = await project(estimate).catch((error: unknown) => {
              tensors.release(estimate);
              throw error;
            });
            try {
              return Float32Array.from(await tensors.read(projected));
            } finally {
              tensors.release(projected);
              if (projected !== estimate) tensors.release(estimate);
            }
          };
          await input.onStep?.(i, {
            latents: () => tensors.read(next),
            denoisedRgb: (map) => readEstimate((estimate) => tensors.toRgb(estimate, map)),
            denoised: () => readEstimate(async (estimate) => estimate),
          });
        } finally {
          tensors.release(before);
        }
      } finally {
        tensors.release(velocity);
      }
    }
    return Float32Array.from(await tensors.read(x));
  } finally {
    if (x) tensors.release(x);
    sampler.dispose();
    for (const tensor of held) tensors.release(tensor);
  }
}
