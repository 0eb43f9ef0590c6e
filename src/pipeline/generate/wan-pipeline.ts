import { ModelNotInstalledError } from '../../errors.ts';
import { CachedPromise } from '../../promise-cache.ts';
import { parseDitConfig } from '../../bundle/dit-config.ts';
import type { DitConfig } from '../../bundle/dit-config.ts';
import { tinyDecoderGraphName } from '../../bundle/tiny-vae-names.ts';
import type { DecoderChoice } from '../../bundle/tiny-vae-names.ts';
import { encoderGraphName } from '../../bundle/vae-names.ts';
import type { AbortSignalLike } from '../../safetensors/index.ts';
import type { BundleAccess } from '../bundle-access.ts';
import type { OrtModule, OrtSessionOptions } from '../ort-types.ts';
import { chunkedAttentionVariant } from '../dit/chunk-attention.ts';
import type { AttentionChunkSize } from '../dit/chunk-attention.ts';
import { ditTokenCount } from '../dit/dit-tokens.ts';
import { createVaeDecoder, createVaeEncoder, decoderStageNames, isAnyDecoderGraph, stageGraphNames, stageSessions } from '../vae/index.ts';
import type { VaeStageSession } from '../vae/index.ts';
import { TorchGenerator } from '../noise/index.ts';
import { createSampler } from '../sampling/index.ts';
import { prepareStartImage } from '../image/index.ts';
import type { RgbImage } from '../image/index.ts';
import { denoise, throwIfAborted, usesGuidance } from './denoise-loop.ts';
import { latentDims, validateSettings, WAN_NEGATIVE_PROMPT } from './generation-settings.ts';
import type { GenerationSettings } from './generation-settings.ts';
import { ModelSessions } from './model-sessions.ts';
import type { SessionLoad } from './model-sessions.ts';
import { DEFAULT_MEMORY_MODE, staysLoaded } from './memory-mode.ts';
import type { MemoryMode } from './memory-mode.ts';
import { PhaseClock } from './pipeline-events.ts';
import type { FramesEvent, PipelineEvent, StepReporter } from './pipeline-events.ts';
import { fitLatentRgbMap } from '../preview/latent-rgb-map.ts';
import type { LatentRgbMap } from '../preview/latent-rgb-map.ts';
import { latentRgbMapKey } from '../preview/latent-rgb-map-store.ts';
import type { LatentRgbMapStore } from '../preview/latent-rgb-map-store.ts';
import { createStepPreview } from './step-preview.ts';
import { PreviewBudget } from '../preview/preview-budget.ts';
import { TEXT_ENCODER_GRAPH, TextConditioning } from './text-conditioning.ts';
import { DeviceLatentTensors } from './device-latent-tensors.ts';
import { hostLatentTensors } from './latent-tensors.ts';
import type { LatentTensors } from './latent-tensors.ts';
import { toRgbaFrames } from './video-frames.ts';
import { ditWork } from '../estimate/dit-work.ts';
import type { DitWork } from '../estimate/dit-work.ts';

export interface PipelineOptions {
  readonly ort: OrtModule;
  readonly bundle: BundleAccess;
  readonly sessionOptions?: OrtSessionOptions;
  /** Which models stay loaded between phases and generations (default: balanced). */
  readonly memory?: MemoryMode;
  /** Query rows per self-attention chunk (devices without a correct flash kernel), or null. */
  readonly attentionChunk?: AttentionChunkSize;
  /**
   * Keep the denoising loop's tensors and the VAE decoder's frames and caches in GPU buffers
   * (onnxruntime-web on WebGPU): nothing is read back inside the loop but an asked-for preview.
   */
  readonly tensorsOnDevice?: boolean;
  /** Where fitted preview maps are kept between loads (else each pipeline fits its own). */
  readonly previewMaps?: LatentRgbMapStore;
  /** Decode each large frame as this many horizontal bands (CPU tensors only; see VaeDecoderOptions.rowBands). */
  readonly vaeRowBands?: number;
}

export interface GenerateOptions {
  readonly onEvent?: (event: PipelineEvent) => void;
  readonly signal?: AbortSignalLike;
  /** Send a preview image of the forming video after every denoising step (the tiny decoder's within a budget, see PreviewBudget). */
  readonly preview?: boolean;
  /** How much of the denoising time tiny-decoder previews may take (default: PREVIEW_TIME_SHARE). */
  readonly previewBudget?: PreviewBudget;
  /** Receives each decoded chunk's frames in order; the next chunk waits for it (backpressure for encoders). */
  readonly onFrames?: (event: FramesEvent) => Promise<void> | void;
  /** This generation's memory mode, instead of the pipeline's. */
  readonly memory?: MemoryMode;
  /** Which decoder makes the frames (default full; tiny needs a bundle with a tiny decoder). */
  readonly decoder?: DecoderChoice;
}

export interface GenerationResult {
  readonly latents: Float32Array;
  readonly latentDims: readonly [number, number, number, number, number];
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  /** The start image's output size can differ from the settings' (Wan's best_output_size). */
  readonly settings: GenerationSettings;
  /** DiT passes per denoising step: 2 with classifier-free guidance, else 1. */
  readonly ditPassesPerStep: 1 | 2;
  readonly decoder: DecoderChoice;
}

const DIT_GRAPHS = ['dit-context', 'dit'];

/** A session load as the caller sees it: the loading phase while it runs, then how long it took. */
function loadEvent({ graph, ms }: SessionLoad): PipelineEvent {
  if (ms === null) return { type: 'progress', phase: 'loading', step: 0, steps: 1, elapsedMs: 0, etaMs: null, graph };
  return { type: 'load', graph, ms };
}

/** Graphs whose outputs only feed other graphs (or are read once at the end): kept on the GPU when the pipeline runs there. */
const keepsOutputsOnDevice = (graph: string) => DIT_GRAPHS.includes(graph) || isAnyDecoderGraph(graph);

/**
 * The Wan2.2 TI2V-5B pipeline over a bundle: prompt (and optional start image) → latents
 * → frames, streamed as each latent frame is decoded. One core for the browser worker
 * (onnxruntime-web, WebGPU) and Node (onnxruntime-node).
 */
export class WanPipeline {
  readonly text: TextConditioning;
  private readonly sessions: ModelSessions;
  private readonly dit: DitConfig;
  private readonly tensors: LatentTensors;
  private readonly previewMap = new CachedPromise<LatentRgbMap>();
  /** Kept across jobs: once previews are known to cost too much here, the next job does not pay for a first one. */
  private readonly previewBudget = new PreviewBudget();
  private memory: MemoryMode;

  constructor(private readonly options: PipelineOptions) {
    const onDevice = options.tensorsOnDevice ?? false;
    if (onDevice && options.bundle.manifest.precision.vaeCache === 'int8') {
      // WebGPU has no int8 tensors: the decoder's caches could not stay on the device.
      throw new ModelNotInstalledError(
        `The model "${options.bundle.manifest.name}" keeps the VAE decoder's caches as int8 (wan-web convert --vae-cache int8), which runs on onnxruntime-node's CPU only. Install a bundle converted without --vae-cache int8 to generate on the GPU.`,
      );
    }
    this.memory = options.memory ?? DEFAULT_MEMORY_MODE;
    this.sessions = new ModelSessions(options.bundle, {
      ...(options.sessionOptions ? { sessionOptions: options.sessionOptions } : {}),
      ...(onDevice ? { outputsOnDevice: keepsOutputsOnDevice } : {}),
    });
    this.tensors = onDevice ? new DeviceLatentTensors(options.ort, options.sessionOptions ?? {}) : hostLatentTensors(options.ort);
    this.text = new TextConditioning(options.ort, this.sessions);
    this.dit = parseDitConfig(options.bundle.manifest.configs.transformer);
  }

  /** The DiT's multiply-adds per pass, for scaling measured times (see estimateGeneration). */
  get ditWork(): DitWork {
    return ditWork(this.dit);
  }

  /** The model's name from its bundle manifest. */
  get modelName(): string {
    return this.options.bundle.manifest.name;
  }

  async generate(requested: GenerationSettings, image: RgbImage | null = null, options: GenerateOptions = {}): Promise<GenerationResult> {
    const { onEvent } = options;
    const emit = (event: PipelineEvent) => onEvent?.(event);
    let settings = validateSettings(requested);
    // A missing tiny decoder is named before any work, not after the denoising.
    decoderStageNames(this.options.bundle.manifest, options.decoder ?? 'full');
    this.memory = options.memory ?? this.options.memory ?? DEFAULT_MEMORY_MODE;
    // Models a laxer mode kept from an earlier generation go now.
    await this.sessions.releaseWhere((graph) => !staysLoaded(this.memory, graph));
    this.sessions.onLoad = (load) => emit(loadEvent(load));
    try {
      return await this.run(settings, image, options, emit);
    } finally {
      this.sessions.onLoad = null;
    }
  }

  private async run(requested: GenerationSettings, image: RgbImage | null, options: GenerateOptions, emit: (event: PipelineEvent) => void): Promise<GenerationResult> {
    const { signal } = options;
    let settings = requested;

    const textClock = new PhaseClock('encoding-text', 2);
    emit(textClock.progress(0));
    // One torch-compatible generator per seed: the starting noise first, then (DMD) each step's fresh noise.
    const generator = new TorchGenerator(settings.seed);
    const sampler = createSampler(settings.sampler, { steps: settings.steps, shift: settings.shift, noise: (count) => generator.randn([count]) }, this.tensors);
    const guided = usesGuidance(sampler, settings.guidance, true);
    const contextCond = await this.text.encode(settings.prompt);
    emit(textClock.progress(1));
    const contextUncond = guided ? await this.text.encode(settings.negativePrompt ?? WAN_NEGATIVE_PROMPT) : null;
    emit(textClock.progress(2));
    await this.endPhase([TEXT_ENCODER_GRAPH]);
    throwIfAborted(signal);

    let firstFrame: Float32Array | null = null;
    if (image) {
      // As Wan's max_area: the chosen size's area bounds the image-shaped output size.
      const prepared = prepareStartImage(image, settings.width * settings.height);
      settings = { ...settings, width: prepared.width, height: prepared.height };
      const imageClock = new PhaseClock('encoding-image', 1);
      emit(imageClock.progress(0));
      firstFrame = await this.encodeImage(prepared.pixels, prepared.width, prepared.height, imageClock.reporter(emit));
      throwIfAborted(signal);
    }

    const dims = latentDims(settings, this.dit.inChannels);
    const tinyDecoder = this.options.bundle.manifest.tinyDecoder ? () => this.stageSessions(tinyDecoderGraphName) : null;
    const sources = { ort: this.options.ort, tinyDecoder, latentMap: (onRun: StepReporter) => this.latentRgbMap(onRun), budget: options.previewBudget ?? this.previewBudget };
    const preview = options.preview ? await createStepPreview(sources, dims, emit) : null;
    throwIfAborted(signal);
    const noise = generator.randn(dims);
    const clock = new PhaseClock('denoising', sampler.timesteps.length);
    emit(clock.progress(0));
    const latents = await denoise({
      ort: this.options.ort,
      config: this.dit,
      contextSession: await this.sessions.get('dit-context'),
      stepSession: await this.stepSession(dims),
      tensors: this.tensors,
      noise,
      dims,
      contextCond,
      contextUncond,
      guidance: settings.guidance,
      sampler,
      firstFrame,
      ...(signal ? { signal } : {}),
      onStep: async (step, view) => {
        emit(clock.progress(step + 1));
        const pictures = preview ? await preview(view) : null;
        if (pictures) emit({ type: 'preview', step: step + 1, steps: sampler.timesteps.length, ...pictures });
      },
    });
    await this.endPhase(DIT_GRAPHS);
    // The tiny decoder's sessions made the previews; they stay for the decode that uses them.
    if (preview && options.decoder !== 'tiny') await this.endPhase(this.stageNames(tinyDecoderGraphName));

    const frames = await this.decode(latents, dims, { ...options, onEvent: emit });
    return { latents, latentDims: dims, frames, width: settings.width, height: settings.height, settings, ditPassesPerStep: guided ? 2 : 1, decoder: options.decoder ?? 'full' };
  }

  /** Streams latents [1, C, F, H, W] through the VAE decoder, one latent frame at a time; returns the frame count. */
  async decode(latents: Float32Array, dims: readonly number[], options: GenerateOptions = {}): Promise<number> {
    const { signal, onFrames } = options;
    const emit = (event: PipelineEvent) => options.onEvent?.(event);
    const [, , frames, height, width] = dims as [number, number, number, number, number];
    const rowBands = this.options.vaeRowBands;
    const stageName = decoderStageNames(this.options.bundle.manifest, options.decoder ?? 'full');
    const decoder = createVaeDecoder(this.options.ort, await this.stageSessions(stageName), rowBands ? { rowBands } : {});
    const clock = new PhaseClock('decoding', frames);
    emit(clock.progress(0));
    let total = 0;
    try {
      for await (const chunk of decoder.decodeLatents(latents, { frames, height, width })) {
        throwIfAborted(signal);
        const rgba = toRgbaFrames(chunk.data, chunk.frames, chunk.height, chunk.width);
        total += chunk.frames;
        await onFrames?.({ type: 'frames', chunk: chunk.index, chunks: frames, firstFrame: chunk.firstFrame, width: chunk.width, height: chunk.height, frames: rgba });
        emit(clock.progress(chunk.index + 1));
      }
    } finally {
      decoder.dispose();
      await this.endPhase(this.stageNames(stageName));
    }
    return total;
  }

  /** Releases every session and the GPU memory they hold. */
  async dispose(): Promise<void> {
    await Promise.all([this.sessions.dispose(), this.tensors.dispose()]);
  }

  /** Ends a phase: its models go unless the memory mode keeps them. */
  private endPhase(graphs: readonly string[]): Promise<void> {
    return this.sessions.release(graphs.filter((graph) => !staysLoaded(this.memory, graph)));
  }

  /** The VAE's latent → RGB map for previews: stored, or fitted once and stored. */
  private latentRgbMap(onRun: StepReporter): Promise<LatentRgbMap> {
    return this.previewMap.get(async () => {
      const store = this.options.previewMaps;
      const key = latentRgbMapKey(this.options.bundle.manifest);
      const stored = await store?.get(key).catch(() => null);
      if (stored) return stored;
      const map = await fitLatentRgbMap((pixels, width, height) => this.encodeImage(pixels, width, height, onRun));
      // A map that cannot be stored is fitted again next time; the preview works either way.
      await store?.put(key, map).catch(() => undefined);
      return map;
    });
  }

  private async encodeImage(pixels: Float32Array, width: number, height: number, onRun: StepReporter): Promise<Float32Array> {
    const encoder = createVaeEncoder(this.options.ort, await this.stageSessions(encoderGraphName));
    try {
      return (await encoder.encodeVideo(pixels, { frames: 1, height, width }, onRun)).data;
    } finally {
      await this.endPhase(this.stageNames(encoderGraphName));
    }
  }

  private stepSession(dims: readonly number[]) {
    return this.sessions.get('dit', chunkedAttentionVariant(this.options.attentionChunk, ditTokenCount(dims), this.dit.numHeads) ?? undefined);
  }

  private stageNames(name: (stage: number) => string): string[] {
    return stageGraphNames(this.options.bundle.manifest.graphs, name);
  }

  private stageSessions(name: (stage: number) => string): Promise<VaeStageSession[]> {
    return stageSessions(this.options.bundle.manifest.graphs, name, (graph) => this.sessions.get(graph));
  }
}
