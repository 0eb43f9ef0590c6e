import type { DecoderMemoryLaws } from '../pipeline/estimate/decoder-memory.ts';
import type { ConvertProgress } from '../bundle/convert-progress.ts';
import type { QuantConfig } from '../bundle/quant-config.ts';
import type { DecoderChoice } from '../bundle/tiny-vae-names.ts';
import type { ModelLocation } from '../model/model-location.ts';
import type { InstalledModel, ModelSourceRef, PartialInstall } from '../model/model-store.ts';
import type { InstallProgress } from '../model/url-bundle-install.ts';
import type { ComponentName, TensorOutputs } from '../pipeline/components.ts';
import type { GenerationMeasurement } from '../pipeline/estimate/generation-measurement.ts';
import type { GenerationSettings } from '../pipeline/generate/generation-settings.ts';
import type { MemoryMode } from '../pipeline/generate/memory-mode.ts';
import type { FramesEvent, PipelineEvent } from '../pipeline/generate/pipeline-events.ts';
import type { GenerationResult } from '../pipeline/generate/wan-pipeline.ts';
import type { RgbImage } from '../pipeline/image/index.ts';
import type { EncodedVideo, VideoOutputOptions } from '../video/video-format.ts';
import type { Capabilities } from './capabilities.ts';
import type { GpuMemoryStats } from './gpu-memory-meter.ts';
import type { RememberedGpuCheck, SelfCheckProgress, SelfCheckReport } from './self-check/index.ts';
import type { WeightStats } from '../pipeline/weights/fed-weight-sessions.ts';

/** The GPU generations ran on, for keeping measurements per machine. */
export interface MachineInfo {
  readonly adapter: string;
  /** The largest buffer the device allows. */
  readonly bufferLimitBytes: number;
}

/** A tensor posted from the page: float32 or int64 values with their shape. */
export interface PostedTensor {
  readonly dtype: 'float32' | 'int64';
  readonly data: Float32Array | BigInt64Array;
  readonly dims: readonly number[];
}

export interface GenerateRequest {
  /** Names the job for `cancel`. */
  readonly jobId: string;
  readonly location: ModelLocation;
  readonly settings: GenerationSettings;
  readonly image?: RgbImage | null;
  /** Encode the frames into this file as they are decoded; the file comes back with the result. */
  readonly video?: VideoOutputOptions;
  /** Send a latent preview after every denoising step. */
  readonly preview?: boolean;
  readonly memory?: MemoryMode;
  /** Which decoder makes the frames (default full). */
  readonly decoder?: DecoderChoice;
  /** Continue this video (made by this app): `image` is its last frame, and the new frames are joined to it in one file. */
  readonly extend?: { readonly previous: Blob; readonly name: string };
}

/** What a running generation tells its caller. */
export interface GenerationListener {
  onEvent?(event: PipelineEvent): void;
  /** The next chunk waits for the returned promise (backpressure). */
  onFrames?(event: FramesEvent): Promise<void> | void;
}

export interface GenerationOutcome extends GenerationResult {
  readonly video: EncodedVideo | null;
  readonly measurement: GenerationMeasurement;
  readonly machine: MachineInfo | null;
}

export interface RunComponentRequest {
  readonly location: ModelLocation;
  readonly component: ComponentName;
  readonly inputs: Readonly<Record<string, PostedTensor>>;
}

export interface LoadGraphRequest {
  readonly location: ModelLocation;
  readonly graph: string;
}

export interface GraphLoad {
  readonly ms: number;
  readonly weightBytes: number;
  readonly gpuBytes: number;
}

/** A model's decoders' predicted memory, and the largest buffer this machine's GPU allows (null before its self-check passed). */
export interface DecoderMemoryForecast {
  readonly laws: DecoderMemoryLaws;
  readonly bufferLimitBytes: number | null;
}

export interface PromptTokensRequest {
  readonly location: ModelLocation;
  readonly prompt: string;
}

export interface HostMemory {
  /** GPU buffer bytes live on the device, and our weights' part; null before the GPU is set up. */
  readonly gpu: (GpuMemoryStats & { readonly weights: WeightStats }) | null;
  /** The JS heap, where the platform reports it. */
  readonly jsHeapBytes: number | null;
}

export interface UrlInstallRequest {
  /** The bundle's folder URL (where manifest.json is). */
  readonly url: string;
}

export interface CheckpointInstallRequest {
  /** The diffusers checkpoint's root URL, read with range requests. */
  readonly url: string;
  readonly source: ModelSourceRef;
  readonly quant: QuantConfig;
  readonly name?: string;
  /** LoRAs to merge into the transformer while converting (the model gets an id of its own). */
  readonly loras?: readonly LoraRequest[];
}

/** A LoRA file picked on this computer, merged into the transformer's weights at the given strength. */
export interface LoraRequest {
  readonly file: Blob;
  readonly fileName: string;
  readonly strength: number;
}

/** Adds the tiny decoder to an installed model: from its pinned upstream file, or from a picked file. */
export interface TinyDecoderRequest {
  readonly id: string;
  /** A taew2_2.safetensors picked on this computer; absent: downloaded from madebyollin/taehv. */
  readonly file?: Blob;
  readonly fileName?: string;
}

export interface FolderInstallRequest {
  readonly folderName: string;
  /** The folder's files, by path inside it. */
  readonly entries: readonly { readonly path: string; readonly file: Blob }[];
  /** The precision a checkpoint is converted to (a bundle is copied as it is). */
  readonly quant: QuantConfig;
  /** LoRAs to merge into a checkpoint's transformer (refused for a finished bundle). */
  readonly loras?: readonly LoraRequest[];
}

/** Everything the page can ask of the model worker; all model work happens there. */
export interface ModelHostApi {
  probeCapabilities(): Promise<Capabilities>;
  /**
   * Runs the GPU self-check once (later calls share its result), or takes the verdict of a check
   * the page remembered where it still holds for this GPU, browser and build.
   */
  selfCheck(
    onProgress?: (progress: SelfCheckProgress) => void,
    remembered?: RememberedGpuCheck | null,
  ): Promise<{ report: SelfCheckReport; /** The onnxruntime build the models run on. */ ortFlavor: string }>;
  /** Runs the op checks again now, whatever was remembered; a loaded model is let go first (its sessions are on the device the check replaces). */
  recheckGpu(onProgress?: (progress: SelfCheckProgress) => void): Promise<{ report: SelfCheckReport; ortFlavor: string }>;
  /**
   * Generates a video. Events and decoded frames reach `listener` while it runs; `cancel(jobId)`
   * stops it (queued or running) with GenerationCanceledError.
   */
  generate(request: GenerateRequest, listener?: GenerationListener): Promise<GenerationOutcome>;
  cancel(jobId: string): void;
  /** Runs one model component with the tensor names of `wan-web debug`, to compare the browser with other implementations. */
  runComponent(request: RunComponentRequest): Promise<TensorOutputs>;
  /** Loads one graph onto the GPU and releases it again: how long the load took and what it held. */
  loadGraph(request: LoadGraphRequest): Promise<GraphLoad>;
  memory(): Promise<HostMemory>;
  /** How many of the 512 text tokens a prompt takes with the model's tokenizer (after Wan's cleaning, EOS included). */
  promptTokens(request: PromptTokensRequest): Promise<number>;
  /** Each decoder's GPU memory as a function of the size, predicted from the model's graphs (nothing is loaded). */
  decoderMemory(location: ModelLocation): Promise<DecoderMemoryForecast>;
  /** Installed models, and installs that were started but have not finished. */
  listModels(): Promise<{ installed: InstalledModel[]; partial: PartialInstall[] }>;
  /** Installs (or resumes) a bundle from a URL; `pauseInstall()` stops it, keeping the verified files. */
  installModel(request: UrlInstallRequest, onProgress: (progress: InstallProgress) => void): Promise<InstalledModel>;
  /** Converts a diffusers checkpoint at a URL into an installed model; resumes from the last tensors saved. */
  installFromCheckpoint(request: CheckpointInstallRequest, onProgress: (progress: ConvertProgress) => void): Promise<InstalledModel>;
  /** Installs from a picked folder: a bundle (copied and verified) or a diffusers checkpoint (converted). */
  installFromFolder(request: FolderInstallRequest, onProgress: (progress: InstallProgress | ConvertProgress) => void): Promise<InstalledModel>;
  /** Installs the built-in self-test model (generated and converted here, no download). */
  installSelfTest(): Promise<InstalledModel>;
  /** Adds the tiny decoder to an installed model (built here at its precision), without installing it again. */
  addTinyDecoder(request: TinyDecoderRequest): Promise<InstalledModel>;
  pauseInstall(): void;
  /** Deletes an installed or partly installed model, unloading it first when it is loaded. */
  deleteModel(id: string): Promise<void>;
  /** Releases the loaded model's sessions and GPU memory. */
  unloadModel(): Promise<void>;
}
