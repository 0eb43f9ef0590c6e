import { bundleDecoderMemoryLaws } from '../pipeline/estimate/bundle-decoder-memory.ts';
import type { DecoderMemoryLaws } from '../pipeline/estimate/decoder-memory.ts';
import { ModelNotInstalledError } from '../errors.ts';
import { CachedPromise, PromiseCache } from '../promise-cache.ts';
import { installedModel, modelLocationKey } from '../model/model-location.ts';
import type { ModelLocation } from '../model/model-location.ts';
import { COMPONENTS } from '../pipeline/components.ts';
import type { TensorOutputs } from '../pipeline/components.ts';
import { MeasurementRecorder } from '../pipeline/estimate/generation-measurement.ts';
import type { FramesEvent, PipelineEvent } from '../pipeline/generate/pipeline-events.ts';
import { WanPipeline } from '../pipeline/generate/wan-pipeline.ts';
import { ExtensionFrames } from '../video/extension-frames.ts';
import { countPromptTokens } from '../pipeline/text/tokenizer.ts';
import { tokenizerFromText } from '../pipeline/text/tokenizer-file.ts';
import type { TextTokenizer } from '../pipeline/text/tokenizer.ts';
import type { ConvertProgress } from '../bundle/convert-progress.ts';
import type { InstallProgress } from '../model/url-bundle-install.ts';
import { explainGpuFailure } from './gpu-failure.ts';
import { JobQueue } from './job-queue.ts';
import type {
  CheckpointInstallRequest,
  DecoderMemoryForecast,
  FolderInstallRequest,
  GenerateRequest,
  GenerationListener,
  GenerationOutcome,
  GraphLoad,
  HostMemory,
  LoadGraphRequest,
  ModelHostApi,
  PromptTokensRequest,
  RunComponentRequest,
  TinyDecoderRequest,
  UrlInstallRequest,
} from './model-host-api.ts';
import type { ModelHostParts, ModelRuntime, VideoEncoding } from './model-host-parts.ts';
import { postedInputs } from './posted-inputs.ts';
import { checkToRemember } from './self-check/index.ts';
import type { RememberedGpuCheck, SelfCheckProgress, SelfCheckReport } from './self-check/index.ts';

/**
 * Owns the model work of a page (or a test): the GPU runtime and its self-check, the loaded
 * pipeline, tokenizers, and installs. Model jobs run one at a time (onnxruntime-web's sessions
 * share one wasm instance and device); a GPU failure comes out in plain words, and after a
 * lost device the next job starts on a fresh one.
 */
export class ModelHost<Runtime extends ModelRuntime = ModelRuntime> implements ModelHostApi {
  private readonly runtime = new CachedPromise<Runtime>();
  /** The self-check runs once and is shared: it picks (and replaces) the device, so a second run would pull it from under a loaded model. */
  private readonly checked = new CachedPromise<SelfCheckReport>();
  /** The verdict the next self-check may take instead of running the op checks (see remembered-check.ts). */
  private remembered: RememberedGpuCheck | null = null;
  /** The loaded model's pipeline (one at a time), kept between generations: sessions are created once per load. */
  private readonly pipelines = new PromiseCache<string, WanPipeline>();
  private readonly tokenizers = new PromiseCache<string, TextTokenizer>();
  private readonly decoderLaws = new PromiseCache<string, DecoderMemoryLaws>();
  private readonly queue = new JobQueue();
  private readonly jobs = new Map<string, AbortController>();
  private install: AbortController | null = null;

  constructor(private readonly parts: ModelHostParts<Runtime>) {}

  probeCapabilities() {
    return this.parts.probeCapabilities();
  }

  async selfCheck(onProgress?: (progress: SelfCheckProgress) => void, remembered?: RememberedGpuCheck | null) {
    if (remembered !== undefined) this.remembered = remembered;
    const report = await this.selfChecked(onProgress);
    return { report, ortFlavor: (await this.gpuRuntime()).flavor };
  }

  recheckGpu(onProgress?: (progress: SelfCheckProgress) => void) {
    this.remembered = null;
    return this.exclusive(() => this.forgetGpu().then(() => this.selfCheck(onProgress)));
  }

  generate(request: GenerateRequest, listener: GenerationListener = {}): Promise<GenerationOutcome> {
    const controller = new AbortController();
    this.jobs.set(request.jobId, controller);
    return this.exclusive(() => this.runGeneration(request, listener, controller.signal), controller.signal).finally(() =>
      this.jobs.delete(request.jobId),
    );
  }

  cancel(jobId: string): void {
    this.jobs.get(jobId)?.abort();
  }

  runComponent({ location, component, inputs }: RunComponentRequest): Promise<TensorOutputs> {
    return this.exclusive(async () => {
      const gpu = await this.checkedRuntime();
      const bundle = await this.parts.openBundle(location, gpu);
      const { ort, sessionOptions, attentionChunk } = gpu.pipelineOptions();
      return COMPONENTS[component]({ ort, bundle, sessionOptions, attentionChunk }, postedInputs(inputs));
    });
  }

  loadGraph({ location, graph }: LoadGraphRequest): Promise<GraphLoad> {
    return this.exclusive(async () => {
      const gpu = await this.checkedRuntime();
      const bundle = await this.parts.openBundle(location, gpu);
      const before = gpu.gpuMemory();
      const started = performance.now();
      const session = await bundle.createSession(graph, gpu.pipelineOptions().sessionOptions);
      const ms = performance.now() - started;
      const loaded = gpu.gpuMemory();
      await session.release();
      if (!before || !loaded) return { ms, weightBytes: 0, gpuBytes: 0 };
      return { ms, weightBytes: loaded.weights.bytes - before.weights.bytes, gpuBytes: loaded.liveBytes - before.liveBytes };
    });
  }

  async memory(): Promise<HostMemory> {
    const gpu = await this.runtime.peek()?.catch(() => null);
    const heap = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null;
    return { gpu: gpu?.gpuMemory() ?? null, jsHeapBytes: heap };
  }

  async promptTokens({ location, prompt }: PromptTokensRequest): Promise<number> {
    const tokenizer = this.tokenizers.get(modelLocationKey(location), async () => {
      const { manifest, readText } = await this.parts.openText(location);
      if (!manifest.tokenizer) throw new ModelNotInstalledError('This model has no tokenizer.json.');
      return tokenizerFromText(await readText(manifest.tokenizer), manifest.tokenizer);
    });
    return countPromptTokens(await tokenizer, prompt);
  }

  async decoderMemory(location: ModelLocation): Promise<DecoderMemoryForecast> {
    const laws = await this.decoderLawsOf(location);
    const gpu = await this.gpuRuntime().catch(() => null);
    return { laws, bufferLimitBytes: gpu?.machine()?.bufferLimitBytes ?? null };
  }

  /** Each decoder's memory law of a model (decoderMemoryLaw), read from its graphs once. */
  private decoderLawsOf(location: ModelLocation): Promise<DecoderMemoryLaws> {
    return this.decoderLaws.get(modelLocationKey(location), async () => bundleDecoderMemoryLaws(await this.parts.openText(location)));
  }

  listModels() {
    return this.parts.installs.list();
  }

  installModel(request: UrlInstallRequest, onProgress: (progress: InstallProgress) => void) {
    return this.runInstall((signal) => this.parts.installs.fromUrl(request, signal, onProgress));
  }

  installFromCheckpoint(request: CheckpointInstallRequest, onProgress: (progress: ConvertProgress) => void) {
    return this.runInstall((signal) => this.parts.installs.fromCheckpoint(request, signal, onProgress));
  }

  installFromFolder(request: FolderInstallRequest, onProgress: (progress: InstallProgress | ConvertProgress) => void) {
    return this.runInstall((signal) => this.parts.installs.fromFolder(request, signal, onProgress));
  }

  installSelfTest() {
    return this.runInstall((signal) => this.parts.installs.selfTest(signal));
  }

  /** The model's pipeline, if open, is let go: its next generation reads the new manifest. */
  async addTinyDecoder(request: TinyDecoderRequest) {
    const added = await this.runInstall((signal) => this.parts.installs.addTinyDecoder(request, signal));
    if (this.pipelines.has(modelLocationKey(installedModel(request.id)))) await this.unloadModel();
    return added;
  }

  pauseInstall(): void {
    this.install?.abort();
  }

  async deleteModel(id: string): Promise<void> {
    const key = modelLocationKey(installedModel(id));
    if (this.pipelines.has(key)) await this.unloadModel();
    void this.tokenizers.delete(key);
    await this.parts.installs.remove(id);
  }

  unloadModel(): Promise<void> {
    return this.exclusive(() => disposeAll(this.pipelines.takeAll()));
  }

  private gpuRuntime(): Promise<Runtime> {
    return this.runtime.get(() => this.parts.loadRuntime());
  }

  private selfChecked(onProgress?: (progress: SelfCheckProgress) => void): Promise<SelfCheckReport> {
    return this.checked.get(async () => {
      const report = await (await this.gpuRuntime()).selfCheck(onProgress, this.remembered);
      // A new device after a loss takes this verdict rather than running the checks again.
      this.remembered = checkToRemember(report) ?? this.remembered;
      return report;
    });
  }

  private async checkedRuntime(): Promise<Runtime> {
    await this.selfChecked();
    return this.gpuRuntime();
  }

  /**
   * After the device was lost: every session on it and the runtime's hold on it are let go (onnxruntime
   * keeps using a device while any session holds it), and the next job loads onnxruntime's sessions
   * again on a new, self-checked device.
   */
  private async forgetGpu(): Promise<void> {
    const runtime = this.runtime.peek();
    this.runtime.forget();
    this.checked.forget();
    await disposeAll(this.pipelines.takeAll()).catch(() => undefined);
    await (await runtime?.catch(() => null))?.dispose().catch(() => undefined);
  }

  private exclusive<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.queue.run(async () => {
      try {
        return await job();
      } catch (error) {
        const lostReason = (await (await this.runtime.peek()?.catch(() => null))?.lossReason()) ?? null;
        if (lostReason !== null) await this.forgetGpu();
        throw explainGpuFailure(error, lostReason);
      } finally {
        await (await this.runtime.peek()?.catch(() => null))?.releaseFreedBuffers().catch(() => undefined);
      }
    }, signal);
  }

  private pipelineFor(location: ModelLocation): Promise<WanPipeline> {
    const key = modelLocationKey(location);
    const previous = this.pipelines.has(key) ? [] : this.pipelines.takeAll();
    return this.pipelines.get(key, async () => {
      await disposeAll(previous);
      const gpu = await this.checkedRuntime();
      const bundle = await this.parts.openBundle(location, gpu);
      return new WanPipeline({ ...gpu.pipelineOptions(), bundle, ...(this.parts.previewMaps ? { previewMaps: this.parts.previewMaps } : {}) });
    });
  }

  private async runGeneration(request: GenerateRequest, listener: GenerationListener, signal: AbortSignal): Promise<GenerationOutcome> {
    const { location, settings, image = null, video, preview = false, memory, decoder = 'full', extend } = request;
    const extension = extend && video ? ExtensionFrames.forRequest(image) : null;
    const transfer = this.parts.transfer ?? (<T>(value: T) => value);
    let encoding: Promise<VideoEncoding> | undefined;
    try {
      const wan = await this.pipelineFor(location);
      const gpu = await this.gpuRuntime();
      const recorder = new MeasurementRecorder(() => gpu.takeMemoryWindow());
      const model = wan.modelName;
      const createdAt = new Date().toISOString();
      const onFrames = async (event: FramesEvent) => {
        if (video) {
          const actual = { ...settings, width: event.width, height: event.height };
          encoding ??= this.parts.createVideoEncoding(event.width, event.height, video, { settings: actual, model, createdAt, hasStartImage: image !== null, decoder });
          await (await encoding).add(extension ? extension.take(event) : event.frames);
        }
        await listener.onFrames?.(transfer(event, event.frames.map((frame) => frame.buffer as ArrayBuffer)));
      };
      const onEvent = (event: PipelineEvent) => {
        recorder.observe(event);
        listener.onEvent?.(event);
      };
      const result = await wan.generate(settings, image, { onEvent, onFrames, preview, signal, decoder, ...(memory ? { memory } : {}) });
      // Without the prediction the measurement still stands: a failed read of the graphs does not fail the generation.
      const measurement = recorder.finish(result, wan.ditWork, await this.decoderLawsOf(location).catch(() => undefined));
      const encoded = encoding ? await (await encoding).finish(extend && extension ? { ...extend, seam: extension.seam() } : undefined) : null;
      return transfer({ ...result, video: encoded, measurement, machine: gpu.machine() }, encoded ? [encoded.bytes.buffer as ArrayBuffer] : []);
    } catch (error) {
      await (await encoding?.catch(() => null))?.cancel();
      throw error;
    }
  }

  /**
   * Runs one install at a time (a new one stops the previous). It starts after the GPU
   * self-check has settled, so an install never interleaves with the check's sessions.
   */
  private async runInstall<T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.install?.abort();
    const controller = new AbortController();
    this.install = controller;
    try {
      await this.checked.peek()?.catch(() => undefined);
      return await job(controller.signal);
    } finally {
      if (this.install === controller) this.install = null;
    }
  }
}

async function disposeAll(pipelines: readonly Promise<WanPipeline>[]): Promise<void> {
  await Promise.all(pipelines.map(async (pipeline) => (await pipeline.catch(() => null))?.dispose()));
}
