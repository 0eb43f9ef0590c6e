/** What the GPU adapter offers, as far as our models care. */
export interface GpuCapabilities {
  readonly available: true;
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  readonly features: readonly string[];
  readonly shaderF16: boolean;
  readonly subgroups: boolean;
  readonly maxBufferSize: number;
  readonly maxStorageBufferBindingSize: number;
}

export interface NoGpu {
  readonly available: false;
  readonly reason: string;
}

export type VideoCodecName = 'h264' | 'vp9' | 'av1';

/** Everything the capability check reports, probed where the models run (the worker). */
export interface Capabilities {
  readonly gpu: GpuCapabilities | NoGpu;
  /** Encoders available at 1280x704, 24 fps; null where WebCodecs' VideoEncoder is missing. */
  readonly encoders: Readonly<Record<VideoCodecName, boolean>> | null;
  readonly storage: {
    readonly opfs: boolean;
    readonly quotaBytes: number | null;
    readonly usageBytes: number | null;
    readonly persisted: boolean | null;
  };
  readonly jspi: boolean;
  readonly crossOriginIsolated: boolean;
  readonly userAgent: string;
}

/** Codec strings tried for each encoder: H.264 High 4.0, VP9 profile 0, AV1 main 4.0. */
export const ENCODER_CODECS: Readonly<Record<VideoCodecName, string>> = {
  h264: 'avc1.640028',
  vp9: 'vp09.00.40.08',
  av1: 'av01.0.08M.08',
};

/** What the probe reads from the global scope: a window or a worker. */
interface ProbeScope {
  readonly navigator: { readonly gpu?: GPU; readonly storage?: StorageManager; readonly userAgent: string };
  readonly crossOriginIsolated?: boolean;
}

async function probeGpu(gpu: GPU | undefined): Promise<GpuCapabilities | NoGpu> {
  if (!gpu) return { available: false, reason: 'This browser does not expose WebGPU (navigator.gpu is missing).' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { available: false, reason: `Requesting a GPU adapter failed: ${String(error)}` };
  }
  if (!adapter) {
    return { available: false, reason: 'WebGPU is present but no GPU adapter is available (blocklisted driver or disabled GPU).' };
  }
  const info = adapter.info;
  return {
    available: true,
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    features: [...adapter.features].sort(),
    shaderF16: adapter.features.has('shader-f16'),
    subgroups: adapter.features.has('subgroups'),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}

async function probeEncoders(): Promise<Capabilities['encoders']> {
  if (typeof VideoEncoder === 'undefined') return null;
  const supported = async (codec: string) => {
    try {
      const result = await VideoEncoder.isConfigSupported({ codec, width: 1280, height: 704, bitrate: 8_000_000, framerate: 24 });
      return result.supported === true;
    } catch {
      return false;
    }
  };
  const [h264, vp9, av1] = await Promise.all([
    supported(ENCODER_CODECS.h264),
    supported(ENCODER_CODECS.vp9),
    supported(ENCODER_CODECS.av1),
  ]);
  return { h264, vp9, av1 };
}

async function probeStorage(storage: StorageManager | undefined): Promise<Capabilities['storage']> {
  if (!storage) return { opfs: false, quotaBytes: null, usageBytes: null, persisted: null };
  const estimate = await storage.estimate().catch(() => undefined);
  const persisted = 'persisted' in storage ? await storage.persisted().catch(() => null) : null;
  let opfs = false;
  try {
    await storage.getDirectory();
    opfs = true;
  } catch {
    opfs = false;
  }
  return { opfs, quotaBytes: estimate?.quota ?? null, usageBytes: estimate?.usage ?? null, persisted };
}

/** True where WebAssembly JS Promise Integration exists (needed by onnxruntime-web's JSPI build). */
export function hasJspi(): boolean {
  return typeof WebAssembly === 'object' && 'Suspending' in WebAssembly;
}

/** Probes the browser: WebGPU adapter, WebCodecs encoders, storage, JSPI, isolation. */
export async function probeCapabilities(scope: ProbeScope = globalThis as unknown as ProbeScope): Promise<Capabilities> {
  const nav = scope.navigator;
  const [gpu, encoders, storage] = await Promise.all([probeGpu(nav.gpu), probeEncoders(), probeStorage(nav.storage)]);
  return {
    gpu,
    encoders,
    storage,
    jspi: hasJspi(),
    crossOriginIsolated: scope.crossOriginIsolated === true,
    userAgent: nav.userAgent,
  };
}
