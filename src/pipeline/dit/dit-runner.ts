import type { OrtModule, OrtSession, OrtTensor } from '../ort-types.ts';
import { DIT_IO } from '../../bundle/dit-names.ts';
import { ropeTables, timestepSinusoid } from './dit-conditioning.ts';
import { ditTokenGrid } from './dit-tokens.ts';

/** The DiT hyper-parameters the runner needs (a subset of the bundle's DiT config). */
export interface DitShape {
  readonly numLayers: number;
  readonly headDim: number;
  readonly freqDim: number;
}

/** Cross-attention keys and values of one prompt, for every block: the context graph's outputs. */
export type CrossAttentionKv = Readonly<Record<string, OrtTensor>>;

/** Runs the context graph: T5 embedding [1, 512, textDim] → every block's cross-attention K/V. */
export async function computeCrossKv(ort: OrtModule, session: OrtSession, context: Float32Array, textDim: number): Promise<CrossAttentionKv> {
  const feeds = { [DIT_IO.context]: new ort.Tensor('float32', context, [1, context.length / textDim, textDim]) };
  return (await session.run(feeds)) as CrossAttentionKv;
}

/**
 * Per-token timesteps (the official [1, L] form) as one timestep per latent frame. TI2V
 * timesteps are constant within a frame (frame 0 of image-to-video is at 0); anything
 * else is refused.
 */
export function perFrameTimesteps(perToken: ArrayLike<number>, frames: number): number[] {
  const perFrame = perToken.length / frames;
  if (!Number.isInteger(perFrame)) throw new RangeError(`${perToken.length} per-token timesteps do not split into ${frames} frames`);
  return Array.from({ length: frames }, (_, f) => {
    const t = perToken[f * perFrame]!;
    for (let i = 1; i < perFrame; i++) {
      if (perToken[f * perFrame + i] !== t) throw new RangeError(`timesteps differ within latent frame ${f}; Wan2.2 TI2V uses one timestep per frame`);
    }
    return t;
  });
}

/** The distinct timesteps of a step and each frame's index into them: what the graph takes. */
function distinctTimesteps(frameTimesteps: readonly number[]): { values: number[]; index: BigInt64Array } {
  const values: number[] = [];
  const index = frameTimesteps.map((t) => {
    const k = values.indexOf(t);
    return BigInt(k >= 0 ? k : values.push(t) - 1);
  });
  return { values, index: BigInt64Array.from(index) };
}

/** Inputs of a step that stay fixed for a whole generation: the rotary tables of the latent grid. */
export function ropeFeeds(ort: OrtModule, latentDims: readonly number[], headDim: number): Record<string, OrtTensor> {
  const { cos, sin } = ropeTables(ditTokenGrid(latentDims), headDim);
  const dims = [cos.length / (headDim / 2), headDim / 2];
  return { [DIT_IO.ropeCos]: new ort.Tensor('float32', cos, dims), [DIT_IO.ropeSin]: new ort.Tensor('float32', sin, dims) };
}

/**
 * One DiT forward: latent x [1, C, F, H, W] with one timestep per latent frame → velocity,
 * same layout, as the session returns it (on the GPU when its outputs are kept there).
 */
export async function runDitPass(
  ort: OrtModule,
  session: OrtSession,
  shape: DitShape,
  latent: OrtTensor,
  frameTimesteps: readonly number[],
  crossKv: CrossAttentionKv,
  rope: Record<string, OrtTensor> = ropeFeeds(ort, latent.dims, shape.headDim),
): Promise<OrtTensor> {
  if (frameTimesteps.length !== latent.dims[2]) throw new RangeError(`${frameTimesteps.length} frame timesteps for ${latent.dims[2]} latent frames`);
  const { values, index } = distinctTimesteps(frameTimesteps);
  const feeds: Record<string, OrtTensor> = {
    [DIT_IO.latent]: latent,
    [DIT_IO.timestepSinusoid]: new ort.Tensor('float32', timestepSinusoid(values, shape.freqDim), [values.length, shape.freqDim]),
    [DIT_IO.timestepIndex]: new ort.Tensor('int64', index, [index.length]),
    ...rope,
  };
  for (let i = 0; i < shape.numLayers; i++) {
    for (const name of [DIT_IO.crossKey(i), DIT_IO.crossValue(i)]) {
      const tensor = crossKv[name];
      if (!tensor) throw new Error(`cross-attention input ${name} is missing`);
      feeds[name] = tensor;
    }
  }
  const result = await session.run(feeds);
  return result[DIT_IO.velocity]!;
}

/** {@link runDitPass} on CPU arrays: latent values in, velocity values out. */
export async function runDitStep(
  ort: OrtModule,
  session: OrtSession,
  shape: DitShape,
  latent: Float32Array,
  latentDims: readonly number[],
  frameTimesteps: readonly number[],
  crossKv: CrossAttentionKv,
): Promise<Float32Array> {
  const velocity = await runDitPass(ort, session, shape, new ort.Tensor('float32', latent, latentDims), frameTimesteps, crossKv);
  return (await velocity.getData()) as Float32Array;
}
