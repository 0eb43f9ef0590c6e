/// <reference lib="webworker" />
import { expose, transfer } from 'comlink';
import { probeCapabilities } from '../src/runtime/capabilities.ts';
import { installErrorTransfer } from '../src/runtime/comlink-errors.ts';
import { ASYNCIFY_WORKER } from '../src/runtime/ort-build.ts';
import { GpuRuntime } from '../src/runtime/gpu-runtime.ts';
import { explainGpuFailure } from '../src/runtime/gpu-failure.ts';
import type { SelfCheckProgress, SelfCheckReport } from '../src/runtime/self-check/index.ts';
import { COMPONENTS } from '../src/pipeline/components.ts';
import type { ComponentName, TensorInputs, TensorOutputs } from '../src/pipeline/components.ts';
import { openModel } from '../src/model/model-location.ts';
import { webBundleAccess } from '../src/model/web-bundle-access.ts';
import type { ModelLocation } from '../src/model/model-location.ts';
import { ModelStore } from '../src/model/model-store.ts';
import { opfsLatentRgbMaps } from '../src/model/opfs-latent-rgb-maps.ts';
import { installBundleFromUrl } from '../src/model/url-bundle-install.ts';
import type { InstallProgress } from '../src/model/url-bundle-install.ts';
import { installFromCheckpoint } from '../src/convert-install/checkpoint-install.ts';
import { installSelfTestModel } from '../src/convert-install/self-test-model.ts';
import { LOCAL_FOLDER_URL, localFilesFetch, localFolderKind } from '../src/model/local-folder.ts';
import type { LocalFiles } from '../src/model/local-folder.ts';
import { blobCheckpointFiles } from '../src/safetensors/index.ts';
import type { ConvertProgress } from '../src/bundle/convert-progress.ts';
import type { QuantConfig } from '../src/bundle/quant-config.ts';
import { WanPipeline } from '../src/pipeline/generate/wan-pipeline.ts';
import type { GenerationResult } from '../src/pipeline/generate/wan-pipeline.ts';
import type { GenerationSettings } from '../src/pipeline/generate/generation-settings.ts';
import type { MemoryMode } from '../src/pipeline/generate/memory-mode.ts';
import type { FramesEvent, PipelineEvent } from '../src/pipeline/generate/pipeline-events.ts';
import type { RgbImage } from '../src/pipeline/image/index.ts';
import { VideoWriter } from '../src/video/video-writer.ts';
import { MeasurementRecorder } from '../src/pipeline/estimate/generation-measurement.ts';
import type { GenerationMeasurement } from '../src/pipeline/estimate/generation-measurement.ts';
import { countPromptTokens, loadTokenizer } from '../src/pipeline/text/tokenizer.ts';
import type { TextTokenizer } from '../src/pipeline/text/tokenizer.ts';
import { ModelNotInstalledError } from '../src/errors.ts';
import type { EncodedVideo, VideoOutputOptions } from '../src/video/video-format.ts';

installErrorTransfer();

let runtime: Promise<GpuRuntime> | undefined;
const gpuRuntime = () => (runtime ??= GpuRuntime.load(navigator.gpu, self.name === ASYNCIFY_WORKER ? 'asyncify' : 'best'));

/**
 * The self-check runs once per worker and is shared: it picks (and replaces) the GPU
 * device, so a second run would pull the device from under a running model.
 */
let checked: Promise<SelfCheckReport> | undefined;
function selfChecked(onProgress?: (progress: SelfCheckProgress) => void): Promise<SelfCheckReport> {
  checked ??= gpuRuntime().then((gpu) => gpu.selfCheck(onProgress));
  checked.catch(() => (checked = undefined));
  return checked;
}

/** After the device was lost: the next job loads onnxruntime's sessions again on a new, self-checked device. */
function forgetGpu(): void {
  runtime = undefined;
  checked = undefined;
  pipeline = undefined;
}

async function checkedRuntime(): Promise<GpuRuntime> {
  await selfChecked();
  return gpuRuntime();
}

/**
 * Model work runs one job at a time: onnxruntime-web's sessions share one wasm instance and
 * device. A GPU failure comes out in plain words, and after a lost device the next job
 * starts on a fresh one.
 */
let modelWork: Promise<unknown> = Promise.resolve();
function exclusive<T>(job: () => Promise<T>): Promise<T> {
  const explained = async () => {
    try {
      return await job();
    } catch (error) {
      const lostReason = (await runtime?.catch(() => null))?.lostReason ?? null;
      if (lostReason !== null) forgetGpu();
      throw explainGpuFailure(error, lostReason);
    } finally {
      await (await runtime?.catch(() => null))?.releaseFreedBuffers().catch(() => undefined);
    }
  };
  const run = modelWork.then(explained, explained);
  modelWork = run.catch(() => undefined);
  return run;
}

/** A tensor posted from the page: float32 or int64 values with their shape. */
export interface PostedTensor {
  readonly dtype: 'float32' | 'int64';
  readonly data: Float32Array | BigInt64Array;
  readonly dims: readonly number[];
}

function postedInputs(tensors: Readonly<Record<string, PostedTensor>>): TensorInputs {
  const get = (name: string, dtype: PostedTensor['dtype']) => {
    const tensor = tensors[name];
    if (!tensor || tensor.dtype !== dtype) throw new TypeError(`input "${name}" (${dtype}) is missing`);
    return tensor;
  };
  return {
    has: (name) => name in tensors,
    float: async (name) => get(name, 'float32') as { data: Float32Array; dims: readonly number[] },
    int64: async (name) => get(name, 'int64') as { data: BigInt64Array; dims: readonly number[] },
  };
}

let pipeline: { url: string; pipeline: Promise<WanPipeline> } | undefined;
const tokenizers = new Map<ModelLocation, Promise<TextTokenizer>>();
const jobs = new Map<string, AbortController>();
let install: AbortController | null = null;

/**
 * Runs one install at a time (a new one stops the previous). It starts after the GPU
 * self-check has settled, so an install never interleaves with the check's sessions.
 */
async function runInstall<T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> {
  install?.abort();
  const controller = new AbortController();
  install = controller;
  try {
    await checked?.catch(() => undefined);
    return await job(controller.signal);
  } finally {
    if (install === controller) install = null;
  }
}

/** The pipeline of a bundle, kept loaded between generations (sessions are created once per model load). */
async function pipelineFor(model: ModelLocation): Promise<WanPipeline> {
  if (pipeline?.url !== model) {
    const previous = pipeline?.pipeline;
    pipeline = {
      url: model,
      pipeline: (async () => {
        await (await previous?.catch(() => null))?.dispose();
        const gpu = await checkedRuntime();
        const bundle = webBundleAccess(gpu.sessionLoader(), await openModel(model));
        return new WanPipeline({ ...gpu.pipelineOptions(), bundle, previewMaps: opfsLatentRgbMaps() });
      })(),
    };
  }
  return pipeline.pipeline;
}

/** The GPU generations ran on, for keeping measurements per machine. */
export type MachineInfo = NonNullable<ReturnType<GpuRuntime['machine']>>;

/** Everything the page can ask of the worker; all model work happens here. */
const api = {
  probeCapabilities: () => probeCapabilities(),

  async selfCheck(onProgress?: (progress: SelfCheckProgress) => void) {
    const report = await selfChecked(onProgress);
    return { report, ortFlavor: (await gpuRuntime()).flavor };
  },

  /**
   * Runs one model component of the model at `model` (a bundle URL or an installed model) on the GPU configuration the
   * self-check chose, with the same tensor names as `wan-web debug` (for comparing the
   * browser with other implementations).
   */
  runComponent(model: ModelLocation, component: ComponentName, inputs: Readonly<Record<string, PostedTensor>>): Promise<TensorOutputs> {
    return exclusive(async () => {
      const gpu = await checkedRuntime();
      const bundle = webBundleAccess(gpu.sessionLoader(), await openModel(model));
      return COMPONENTS[component](
        { ort: gpu.ort, bundle, sessionOptions: gpu.sessionOptions(), attentionChunk: (tokens, heads) => gpu.attentionChunk(tokens, heads) },
        postedInputs(inputs),
      );
    });
  },

  /**
   * Generates a video; events (progress, previews) and decoded frames arrive through the
   * callbacks while it runs. With `output.video`, frames are also encoded as they are decoded and
   * the finished file comes back with the result. `cancel(jobId)` stops it at the next step
   * or chunk with GenerationCanceledError.
   */
  async generate(
    jobId: string,
    model: ModelLocation,
    settings: GenerationSettings,
    image: RgbImage | null,
    onEvent: (event: PipelineEvent) => void,
    onFrames: (event: FramesEvent) => Promise<void> | void,
    output: { readonly video?: VideoOutputOptions; readonly preview?: boolean; readonly memory?: MemoryMode } = {},
  ): Promise<GenerationResult & { video: EncodedVideo | null; measurement: GenerationMeasurement; machine: MachineInfo | null }> {
    const controller = new AbortController();
    jobs.set(jobId, controller);
    const { video, preview = false, memory } = output;
    return exclusive(async () => {
      let writer: Promise<VideoWriter> | undefined;
      try {
        const wan = await pipelineFor(model);
        const gpu = await gpuRuntime();
        const recorder = new MeasurementRecorder(() => gpu.takeMemoryWindow());
        const modelName = wan.modelName;
        const createdAt = new Date().toISOString();
        const encodeAndForward = async (event: FramesEvent) => {
          if (video) {
            const actual = { ...settings, width: event.width, height: event.height };
            writer ??= VideoWriter.create(event.width, event.height, video, { settings: actual, model: modelName, createdAt, hasStartImage: image !== null });
            await (await writer).add(event.frames);
          }
          await onFrames(transfer(event, event.frames.map((frame) => frame.buffer as ArrayBuffer)));
        };
        const observe = (event: PipelineEvent) => {
          recorder.observe(event);
          onEvent(event);
        };
        const result = await wan.generate(settings, image, { onEvent: observe, onFrames: encodeAndForward, preview, signal: controller.signal, ...(memory ? { memory } : {}) });
        const measurement = recorder.finish(result, wan.ditWork);
        const encoded = writer ? await (await writer).finish() : null;
        return transfer({ ...result, video: encoded, measurement, machine: gpu.machine() }, encoded ? [encoded.bytes.buffer as ArrayBuffer] : []);
      } catch (error) {
        await (await writer?.catch(() => null))?.cancel();
        throw error;
      }
    }).finally(() => jobs.delete(jobId));
  },

  /**
   * Loads one graph of a model (its weights onto the GPU) and releases it again: how long
   * the load took and how many GPU bytes the graph holds, for finding slow or large loads.
   */
  loadGraph(model: ModelLocation, graph: string): Promise<{ ms: number; weightBytes: number; gpuBytes: number }> {
    return exclusive(async () => {
      const gpu = await checkedRuntime();
      const bundle = webBundleAccess(gpu.sessionLoader(), await openModel(model));
      const before = gpu.gpuMemory()!;
      const started = performance.now();
      const session = await bundle.createSession(graph, gpu.sessionOptions());
      const ms = performance.now() - started;
      const loaded = gpu.gpuMemory()!;
      await session.release();
      return { ms, weightBytes: loaded.weights.bytes - before.weights.bytes, gpuBytes: loaded.liveBytes - before.liveBytes };
    });
  },

  /** GPU buffer bytes live on the device (all, and our weights' part), and the worker's JS heap where the browser reports it. */
  async memory() {
    const gpu = runtime ? await runtime : null;
    const heap = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null;
    return { gpu: gpu?.gpuMemory() ?? null, jsHeapBytes: heap };
  },

  cancel(jobId: string): void {
    jobs.get(jobId)?.abort();
  },

  /** How many of the 512 text tokens a prompt takes with this model's tokenizer (after Wan's cleaning, EOS included). */
  async promptTokens(model: ModelLocation, prompt: string): Promise<number> {
    let tokenizer = tokenizers.get(model);
    if (!tokenizer) {
      tokenizer = (async () => {
        const { manifest, files } = await openModel(model);
        if (!manifest.tokenizer) throw new ModelNotInstalledError('This model has no tokenizer.json.');
        return loadTokenizer(JSON.parse(await files.readText(manifest.tokenizer)));
      })();
      tokenizers.set(model, tokenizer);
      tokenizer.catch(() => tokenizers.delete(model));
    }
    return countPromptTokens(await tokenizer, prompt);
  },

  /** Installed models, and installs that were started but have not finished. */
  async listModels() {
    return (await ModelStore.open()).list();
  },

  /**
   * Installs (or resumes installing) the bundle at `url` into OPFS. `pauseInstall()` stops
   * it with InstallPausedError, keeping every verified file for the next call.
   */
  installModel(url: string, onProgress: (progress: InstallProgress) => void) {
    return runInstall(async (signal) => installBundleFromUrl({ store: await ModelStore.open(), url, signal, onProgress }));
  },

  /**
   * Installs a model by converting a diffusers checkpoint served at `url` (range requests)
   * straight into OPFS. `pauseInstall()` stops it; the same call later continues from the last tensors saved.
   */
  async installFromCheckpoint(
    url: string,
    source: { repo: string; revision: string },
    quant: QuantConfig,
    name: string | null,
    onProgress: (progress: ConvertProgress) => void,
  ) {
    return runInstall(async (signal) => installFromCheckpoint({ store: await ModelStore.open(), url, source, quant, ...(name ? { name } : {}), signal, onProgress }));
  },

  /**
   * Installs a model from a folder the user picked: a bundle (copied and verified like a
   * download) or a diffusers checkpoint (converted with `quant`).
   */
  async installFromFolder(
    folderName: string,
    entries: readonly { path: string; file: Blob }[],
    quant: QuantConfig,
    onProgress: (progress: InstallProgress | ConvertProgress) => void,
  ) {
    const files: LocalFiles = new Map(entries.map((entry) => [entry.path, entry.file]));
    return runInstall(async (signal) => {
      const store = await ModelStore.open();
      const resume = { kind: 'local-folder', folderName } as const;
      if (localFolderKind(files) === 'bundle') {
        return installBundleFromUrl({ store, url: LOCAL_FOLDER_URL, fetch: localFilesFetch(files), signal, onProgress, retries: 0, resume });
      }
      const source = { repo: folderName, revision: 'local' };
      return installFromCheckpoint({ store, url: `local:${folderName}`, files: blobCheckpointFiles(files), source, quant, signal, onProgress, resume });
    });
  },

  /** Installs the built-in self-test model (no download: generated and converted here). */
  installSelfTest() {
    return runInstall(async (signal) => installSelfTestModel(await ModelStore.open(), signal));
  },

  pauseInstall(): void {
    install?.abort();
  },

  /** Deletes an installed or partly installed model (unloading it first when it is loaded). */
  async deleteModel(id: string): Promise<void> {
    if (pipeline?.url.endsWith(id)) await api.unloadModel();
    for (const location of tokenizers.keys()) if (location.endsWith(id)) tokenizers.delete(location);
    await (await ModelStore.open()).remove(id);
  },

  /** Releases the loaded model's sessions and GPU memory. */
  unloadModel(): Promise<void> {
    return exclusive(async () => {
      const current = pipeline?.pipeline;
      pipeline = undefined;
      await (await current?.catch(() => null))?.dispose();
    });
  },
};

export type WanWorkerApi = typeof api;

expose(api);
