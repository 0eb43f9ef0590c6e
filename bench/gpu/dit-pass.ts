import { parseDitConfig } from '../../src/bundle/dit-config.ts';
import { chunkedAttentionVariant } from '../../src/pipeline/dit/chunk-attention.ts';
import { computeCrossKv, ropeFeeds, runDitPass } from '../../src/pipeline/dit/dit-runner.ts';
import { ditTokenCount } from '../../src/pipeline/dit/dit-tokens.ts';
import { DeviceLatentTensors } from '../../src/pipeline/generate/device-latent-tensors.ts';
import { latentDims } from '../../src/pipeline/generate/generation-settings.ts';
import type { PipelineOptions } from '../../src/pipeline/generate/wan-pipeline.ts';
import { seededRandom, uniformArray } from '../../src/seeded-random.ts';

export interface VideoSize {
  readonly width: number;
  readonly height: number;
  readonly frames: number;
}

export interface DitPassTiming {
  readonly tokens: number;
  readonly sessionSeconds: number;
  /** The first pass: shader compilation included. */
  readonly firstPassSeconds: number;
  readonly secondsPerPass: number;
}

type GpuOptions = Pick<PipelineOptions, 'ort' | 'bundle' | 'sessionOptions' | 'attentionChunk'>;

/**
 * Seconds per DiT pass at one video size, as the denoising loop runs it: latents, cross-attention
 * K/V and velocities stay in GPU buffers; the last pass's velocity is read back so that the GPU
 * has finished every pass when the clock stops. Random latents and context.
 */
export async function timeDitPass(options: GpuOptions, size: VideoSize, runs: number): Promise<DitPassTiming> {
  const { ort, bundle, sessionOptions = {} } = options;
  const config = parseDitConfig(bundle.manifest.configs.transformer);
  const dims = latentDims(size, config.inChannels);
  const tokens = ditTokenCount(dims);
  const onDevice = { ...sessionOptions, preferredOutputLocation: 'gpu-buffer' as const };
  const variant = chunkedAttentionVariant(options.attentionChunk, tokens, config.numHeads);
  const random = seededRandom(3);
  const started = performance.now();
  const contextSession = await bundle.createSession('dit-context', onDevice);
  const step = await bundle.createSession('dit', onDevice, variant?.rewrite);
  const sessionSeconds = (performance.now() - started) / 1000;
  const tensors = new DeviceLatentTensors(ort, sessionOptions);
  try {
    const kv = await computeCrossKv(ort, contextSession, uniformArray(random, 512 * config.textDim), config.textDim);
    const count = dims.reduce((a, b) => a * b, 1);
    const latent = await tensors.place(new ort.Tensor('float32', uniformArray(random, count, 1), dims));
    const rope = ropeFeeds(ort, dims, config.headDim);
    const timesteps = Array.from({ length: dims[2] }, () => 500);
    const pass = () => runDitPass(ort, step, config, latent, timesteps, kv, rope);
    let clock = performance.now();
    const first = await pass();
    await tensors.read(first);
    tensors.release(first);
    const firstPassSeconds = (performance.now() - clock) / 1000;
    clock = performance.now();
    let velocity = await pass();
    for (let i = 1; i < runs; i++) {
      tensors.release(velocity);
      velocity = await pass();
    }
    await tensors.read(velocity);
    const secondsPerPass = (performance.now() - clock) / 1000 / runs;
    tensors.release(velocity);
    tensors.release(latent);
    for (const tensor of Object.values(kv)) tensor.dispose();
    return { tokens, sessionSeconds, firstPassSeconds, secondsPerPass };
  } finally {
    await tensors.dispose();
    await step.release();
    await contextSession.release();
  }
}
