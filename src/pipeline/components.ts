import { parseDitConfig } from '../bundle/dit-config.ts';
import { parseUmt5Config } from '../bundle/umt5-config.ts';
import { decoderGraphName, encoderGraphName } from '../bundle/vae-names.ts';
import type { BundleAccess } from './bundle-access.ts';
import type { OrtModule, OrtSession, OrtSessionOptions } from './ort-types.ts';
import { computeCrossKv, perFrameTimesteps, runDitStep } from './dit/dit-runner.ts';
import { chunkedAttentionVariant } from './dit/chunk-attention.ts';
import type { AttentionChunkSize } from './dit/chunk-attention.ts';
import { ditTokenCount } from './dit/dit-tokens.ts';
import { encodeText, padContext } from './text/text-encoder-runner.ts';
import { clampUnit, createVaeDecoder, createVaeEncoder, stageSessions } from './vae/index.ts';
import { denoise } from './generate/denoise-loop.ts';
import { createSampler } from './sampling/index.ts';
import { hostLatentTensors } from './generate/latent-tensors.ts';

/** Named input tensors (a golden case file, or tensors posted to the worker). */
export interface TensorInputs {
  /** String metadata of the case (numbers JSON-encoded), e.g. steps, shift, guide_scale. */
  readonly metadata?: Readonly<Record<string, string>>;
  has(name: string): boolean;
  float(name: string): Promise<{ data: Float32Array; dims: readonly number[] }>;
  int64(name: string): Promise<{ data: BigInt64Array; dims: readonly number[] }>;
}

export type TensorOutputs = Record<string, { data: Float32Array; dims: readonly number[] }>;

/** What a component needs to run: onnxruntime, the bundle and how to create sessions. */
export interface ComponentRuntime {
  readonly ort: OrtModule;
  readonly bundle: BundleAccess;
  readonly sessionOptions?: OrtSessionOptions;
  readonly attentionChunk?: AttentionChunkSize;
}

/**
 * The model components run from tensors, with the official semantics and the golden
 * case names (test/fixtures/tiny-a/README.md), so any implementation can be compared
 * with ours component by component: `wan-web debug …` in Node, the worker in the browser.
 */
export const COMPONENTS = {
  /** x [1, C, F, H, W], per-token t [1, L], context [1, 512, text_dim] → v */
  async dit(runtime: ComponentRuntime, input: TensorInputs): Promise<TensorOutputs> {
    const { ort, bundle, attentionChunk } = runtime;
    const config = parseDitConfig(bundle.manifest.configs.transformer);
    const [x, t, context] = await Promise.all([input.float('x'), input.float('t'), input.float('context')]);
    const chunked = chunkedAttentionVariant(attentionChunk, ditTokenCount(x.dims), config.numHeads);
    return withSessions(runtime, async (open) => {
      const kv = await computeCrossKv(ort, await open('dit-context'), context.data, config.textDim);
      const step = await open('dit', chunked?.rewrite);
      return { v: { data: await runDitStep(ort, step, config, x.data, x.dims, perFrameTimesteps(t.data, x.dims[2]!), kv), dims: x.dims } };
    });
  },

  /** ids, mask [1, 512] (and long.ids, long.mask) → output [1, 512, d] trimmed to the mask and zero-padded (and long.output) */
  async 'text-encoder'(runtime: ComponentRuntime, input: TensorInputs): Promise<TensorOutputs> {
    const { ort, bundle } = runtime;
    const config = parseUmt5Config(bundle.manifest.configs.text_encoder);
    const embeddings = { table: bundle.manifest.textEmbedding, readRange: bundle.readRange };
    return withSessions(runtime, async (open) => {
      const session = await open('text-encoder');
      const outputs: TensorOutputs = {};
      for (const prefix of ['', 'long.']) {
        if (!input.has(`${prefix}ids`)) continue;
        const [ids, mask] = await Promise.all([input.int64(`${prefix}ids`), input.int64(`${prefix}mask`)]);
        const n = mask.data.reduce((sum, m) => sum + Number(m), 0);
        const hidden = await encodeText(ort, session, config, embeddings, ids.data.subarray(0, n));
        outputs[`${prefix}output`] = { data: padContext(hidden, n, ids.dims[1]), dims: [1, ids.dims[1]!, config.dModel] };
      }
      return outputs;
    });
  },

  /** z [1, 48, F, H, W] → video [1, 3, 1 + 4(F − 1), 16H, 16W] clamped, and chunk0, chunk1, … unclamped */
  async 'vae-decode'(runtime: ComponentRuntime, input: TensorInputs): Promise<TensorOutputs> {
    const { ort, bundle } = runtime;
    const z = await input.float('z');
    const [, , frames, height, width] = z.dims as [number, number, number, number, number];
    return withSessions(runtime, async (open) => {
      const decoder = createVaeDecoder(ort, await stageSessions(bundle.manifest.graphs, decoderGraphName, open));
      const outputs: TensorOutputs = {};
      const chunks: Float32Array[] = [];
      try {
        for await (const chunk of decoder.decodeLatents(z.data, { frames, height, width })) {
          outputs[`chunk${chunk.index}`] = { data: chunk.data, dims: [1, 3, chunk.frames, chunk.height, chunk.width] };
          chunks.push(chunk.data);
        }
      } finally {
        decoder.dispose();
      }
      const last = outputs[`chunk${frames - 1}`]!;
      const totalFrames = 1 + 4 * (frames - 1);
      outputs.video = { data: clampUnit(concatFrames(chunks, last.dims[3]! * last.dims[4]!)), dims: [1, 3, totalFrames, last.dims[3]!, last.dims[4]!] };
      return outputs;
    });
  },

  /** image [1, 3, 1, H, W] (and video [1, 3, 1 + 4k, H, W]) in [-1, 1] → mu (and video_mu), normalised */
  async 'vae-encode'(runtime: ComponentRuntime, input: TensorInputs): Promise<TensorOutputs> {
    const { ort, bundle } = runtime;
    return withSessions(runtime, async (open) => {
      const encoder = createVaeEncoder(ort, await stageSessions(bundle.manifest.graphs, encoderGraphName, open));
      const outputs: TensorOutputs = {};
      for (const [inName, outName] of [['image', 'mu'], ['video', 'video_mu']] as const) {
        if (!input.has(inName)) continue;
        const pixels = await input.float(inName);
        const [, , frames, height, width] = pixels.dims as [number, number, number, number, number];
        const mu = await encoder.encodeVideo(pixels.data, { frames, height, width });
        outputs[outName] = { data: mu.data, dims: [1, mu.channels, mu.frames, mu.height, mu.width] };
      }
      return outputs;
    });
  },

  /**
   * The official sampling loop from given noise and text contexts (UniPC, CFG), for T2V or,
   * with `image` [1, 3, 1, H, W], I2V: noise, context_cond, context_uncond (image) and
   * metadata steps, shift, guide_scale → latents [N, 1, C, F, H, W] after every step, final.
   */
  async sample(runtime: ComponentRuntime, input: TensorInputs): Promise<TensorOutputs> {
    const { ort, bundle, attentionChunk } = runtime;
    const meta = (key: string) => {
      const value = Number(input.metadata?.[key]);
      if (!Number.isFinite(value)) throw new TypeError(`the case's metadata needs a numeric "${key}"`);
      return value;
    };
    const config = parseDitConfig(bundle.manifest.configs.transformer);
    const [noise, cond, uncond] = await Promise.all([input.float('noise'), input.float('context_cond'), input.float('context_uncond')]);
    const dims = noise.dims as [number, number, number, number, number];
    const chunked = chunkedAttentionVariant(attentionChunk, ditTokenCount(dims), config.numHeads);
    const steps: Float32Array[] = [];
    const tensors = hostLatentTensors(ort);
    const final = await withSessions(runtime, async (open) => {
      let firstFrame: Float32Array | null = null;
      if (input.has('image')) {
        const image = await input.float('image');
        const encoder = createVaeEncoder(ort, await stageSessions(bundle.manifest.graphs, encoderGraphName, open));
        firstFrame = (await encoder.encodeVideo(image.data, { frames: 1, height: image.dims[3]!, width: image.dims[4]! })).data;
      }
      return denoise({
        ort,
        config,
        contextSession: await open('dit-context'),
        stepSession: await open('dit', chunked?.rewrite),
        tensors,
        noise: noise.data,
        dims,
        contextCond: cond.data,
        contextUncond: uncond.data,
        guidance: meta('guide_scale'),
        sampler: createSampler('unipc', { steps: meta('steps'), shift: meta('shift') }, tensors),
        firstFrame,
        onStep: async (_, view) => void steps.push(await view.latents()),
      });
    });
    const latents = new Float32Array(steps.length * final.length);
    steps.forEach((x, i) => latents.set(x, i * final.length));
    return { latents: { data: latents, dims: [steps.length, ...dims] }, final: { data: final, dims } };
  },
} as const;

export type ComponentName = keyof typeof COMPONENTS;

type OpenSession = (graph: string, rewrite?: (model: Uint8Array) => Uint8Array) => Promise<OrtSession>;

/** Runs `body` with the sessions of the bundle's graphs it opens through `open`, and releases every one of them however it ends. */
async function withSessions<T>({ bundle, sessionOptions }: ComponentRuntime, body: (open: OpenSession) => Promise<T>): Promise<T> {
  const opened: OrtSession[] = [];
  try {
    return await body(async (graph, rewrite) => {
      const session = await bundle.createSession(graph, sessionOptions, rewrite);
      opened.push(session);
      return session;
    });
  } finally {
    await Promise.all(opened.map((session) => session.release()));
  }
}

/** Concatenates chunks [3, f_i, H, W] along time into [3, Σf_i, H, W]. */
function concatFrames(chunks: readonly Float32Array[], pixelsPerFrame: number): Float32Array {
  const frames = chunks.reduce((sum, c) => sum + c.length / (3 * pixelsPerFrame), 0);
  const out = new Float32Array(3 * frames * pixelsPerFrame);
  let frameOffset = 0;
  for (const chunk of chunks) {
    const f = chunk.length / (3 * pixelsPerFrame);
    for (let c = 0; c < 3; c++) {
      out.set(chunk.subarray(c * f * pixelsPerFrame, (c + 1) * f * pixelsPerFrame), (c * frames + frameOffset) * pixelsPerFrame);
    }
    frameOffset += f;
  }
  return out;
}
