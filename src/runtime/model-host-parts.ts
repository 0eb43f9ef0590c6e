import type { BundleManifest } from '../bundle/manifest.ts';
import type { ConvertProgress } from '../bundle/convert-progress.ts';
import type { ModelLocation } from '../model/model-location.ts';
import type { InstalledModel, PartialInstall } from '../model/model-store.ts';
import type { InstallProgress } from '../model/url-bundle-install.ts';
import type { BundleAccess } from '../pipeline/bundle-access.ts';
import type { PipelineOptions } from '../pipeline/generate/wan-pipeline.ts';
import type { LatentRgbMapStore } from '../pipeline/preview/latent-rgb-map-store.ts';
import type { WeightStats } from '../pipeline/weights/fed-weight-sessions.ts';
import type { EncodedVideo, VideoOutputOptions } from '../video/video-format.ts';
import type { VideoProvenance } from '../video/video-metadata.ts';
import type { VideoExtension } from '../video/finish-video.ts';
import type { Capabilities } from './capabilities.ts';
import type { GpuMemoryStats, GpuMemoryWindow } from './gpu-memory-meter.ts';
import type { CheckpointInstallRequest, FolderInstallRequest, MachineInfo, TinyDecoderRequest, UrlInstallRequest } from './model-host-api.ts';
import type { RememberedGpuCheck, SelfCheckProgress, SelfCheckReport } from './self-check/index.ts';

/** What the model host needs of a GPU runtime (GpuRuntime in the browser). */
export interface ModelRuntime {
  /** The onnxruntime build, for display. */
  readonly flavor: string;
  /** Picks the GPU configuration whose results match the CPU's, or takes `remembered`'s where it still holds (see remembered-check.ts). */
  selfCheck(onProgress?: (progress: SelfCheckProgress) => void, remembered?: RememberedGpuCheck | null): Promise<SelfCheckReport>;
  /** onnxruntime, session options and attention path for model sessions on the checked device. */
  pipelineOptions(): Pick<PipelineOptions, 'ort' | 'sessionOptions' | 'attentionChunk' | 'tensorsOnDevice'>;
  /**
   * The platform's message when the device was taken away (the runtime is then unusable), else
   * null. Asked after a failure, it waits the moment the platform takes to report a loss.
   */
  lossReason(): Promise<string | null>;
  /** Frees what onnxruntime released during the last job. */
  releaseFreedBuffers(): Promise<void>;
  /** Lets go of the device (after a loss, so that onnxruntime makes a new one for the next sessions). */
  dispose(): Promise<void>;
  gpuMemory(): (GpuMemoryStats & { readonly weights: WeightStats }) | null;
  /** GPU memory needed since the previous call, or null where it cannot be measured. */
  takeMemoryWindow(): GpuMemoryWindow | null;
  machine(): MachineInfo | null;
}

/** A model's manifest and text files, read without the GPU (for its tokenizer). */
export interface ModelText {
  readonly manifest: BundleManifest;
  readText(path: string): Promise<string>;
  /** Bytes of a (small) file, such as a graph read for its shapes. */
  readRange(path: string, offset: number, length: number): Promise<Uint8Array>;
}

/** Encodes decoded frames into a video file as they arrive. */
export interface VideoEncoding {
  add(frames: readonly Uint8ClampedArray[]): Promise<void>;
  /** The file; after `extension.previous`'s frames when it extends that video. */
  finish(extension?: VideoExtension): Promise<EncodedVideo>;
  cancel(): Promise<void>;
}

/** Installing and removing models in this platform's model storage. */
export interface ModelInstalls {
  list(): Promise<{ installed: InstalledModel[]; partial: PartialInstall[] }>;
  fromUrl(request: UrlInstallRequest, signal: AbortSignal, onProgress: (progress: InstallProgress) => void): Promise<InstalledModel>;
  fromCheckpoint(request: CheckpointInstallRequest, signal: AbortSignal, onProgress: (progress: ConvertProgress) => void): Promise<InstalledModel>;
  fromFolder(request: FolderInstallRequest, signal: AbortSignal, onProgress: (progress: InstallProgress | ConvertProgress) => void): Promise<InstalledModel>;
  selfTest(signal: AbortSignal): Promise<InstalledModel>;
  addTinyDecoder(request: TinyDecoderRequest, signal: AbortSignal): Promise<InstalledModel>;
  remove(id: string): Promise<void>;
}

/** What a model host is built from. */
export interface ModelHostParts<Runtime extends ModelRuntime> {
  /** Loads onnxruntime and the GPU; called again after the device was lost. */
  loadRuntime(): Promise<Runtime>;
  /** A model's bundle with sessions on `runtime`. */
  openBundle(location: ModelLocation, runtime: Runtime): Promise<BundleAccess>;
  openText(location: ModelLocation): Promise<ModelText>;
  installs: ModelInstalls;
  createVideoEncoding(width: number, height: number, options: VideoOutputOptions, provenance: VideoProvenance): Promise<VideoEncoding>;
  probeCapabilities(): Promise<Capabilities>;
  /** Where fitted preview maps are kept between loads. */
  previewMaps?: LatentRgbMapStore;
  /** Marks buffers to be moved to the caller rather than copied (Comlink's `transfer` in a worker). */
  transfer?<T>(value: T, buffers: ArrayBuffer[]): T;
}
