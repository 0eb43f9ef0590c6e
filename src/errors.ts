/**
 * Errors a caller can act on. Each carries a `code` the UI can switch on and a message
 * that says what happened and what to do. They cross the worker boundary as
 * `{ name, code, message }` and are rebuilt into their classes (see `serializeError`).
 */

export type WanErrorCode =
  | 'webgpu-missing'
  | 'no-adapter'
  | 'gpu-check-failed'
  | 'worker-failed'
  | 'convert-failed'
  | 'model-not-installed'
  | 'canceled'
  | 'no-video-encoder'
  | 'storage-full'
  | 'download-failed'
  | 'gpu-device-lost'
  | 'gpu-out-of-memory'
  | 'unknown';

export class WanError extends Error {
  override name = 'WanError';
  constructor(
    readonly code: WanErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The browser or machine lacks something the app needs; the message says what instead. */
export class UnsupportedEnvironmentError extends WanError {
  override name = 'UnsupportedEnvironmentError';
}

/** The model (bundle) is missing, incomplete or lacks a part; the message says how to get it. */
export class ModelNotInstalledError extends WanError {
  override name = 'ModelNotInstalledError';
  constructor(message: string) {
    super('model-not-installed', message);
  }
}

/** The user cancelled; nothing is broken and the worker is ready for the next job. */
export class GenerationCanceledError extends WanError {
  override name = 'GenerationCanceledError';
  constructor(message = 'The generation was cancelled.') {
    super('canceled', message);
  }
}

/** The browser's storage quota ran out; whatever was stored before is intact. */
export class StorageFullError extends WanError {
  override name = 'StorageFullError';
  constructor(message: string) {
    super('storage-full', message);
  }
}

/** The user paused (or cancelled) a model install; what was verified so far is kept for resuming. */
export class InstallPausedError extends WanError {
  override name = 'InstallPausedError';
  constructor(message = 'The install was paused. Resume it to continue where it stopped.') {
    super('canceled', message);
  }
}

/** A model file could not be fetched or verified after retries; the message names the file and the cause. */
export class DownloadError extends WanError {
  override name = 'DownloadError';
  constructor(message: string) {
    super('download-failed', message);
  }
}

/** The browser took the GPU away (driver reset, sleep, another app): the model must be loaded again. */
export class GpuDeviceLostError extends WanError {
  override name = 'GpuDeviceLostError';
  constructor(message: string) {
    super('gpu-device-lost', message);
  }
}

/** The GPU ran out of memory for these settings. */
export class GpuMemoryError extends WanError {
  override name = 'GpuMemoryError';
  constructor(message: string) {
    super('gpu-out-of-memory', message);
  }
}

/**
 * The model builder could not use its source: a missing or malformed file or tensor,
 * an unsupported config. Names the file or tensor so the user can fix or re-download it.
 */
export class ConvertError extends WanError {
  override name = 'ConvertError';
  constructor(
    message: string,
    readonly file?: string,
    readonly tensor?: string,
  ) {
    super('convert-failed', message);
  }
}

/** The conversion was stopped on request. What a resumable sink holds is kept for the next run. */
export class ConversionCanceledError extends WanError {
  override name = 'ConversionCanceledError';
  constructor(message = 'The conversion was cancelled.') {
    super('canceled', message);
  }
}

export interface SerializedError {
  readonly name: string;
  readonly code: WanErrorCode;
  readonly message: string;
}

const CLASSES: Record<string, (code: WanErrorCode, message: string) => WanError> = {
  WanError: (code, message) => new WanError(code, message),
  UnsupportedEnvironmentError: (code, message) => new UnsupportedEnvironmentError(code, message),
  ModelNotInstalledError: (_code, message) => new ModelNotInstalledError(message),
  GenerationCanceledError: (_code, message) => new GenerationCanceledError(message),
  StorageFullError: (_code, message) => new StorageFullError(message),
  DownloadError: (_code, message) => new DownloadError(message),
  InstallPausedError: (_code, message) => new InstallPausedError(message),
  GpuDeviceLostError: (_code, message) => new GpuDeviceLostError(message),
  GpuMemoryError: (_code, message) => new GpuMemoryError(message),
  ConvertError: (_code, message) => new ConvertError(message),
  ConversionCanceledError: (_code, message) => new ConversionCanceledError(message),
};

/** Turns any thrown value into plain data that survives structured cloning. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof WanError) return { name: error.name, code: error.code, message: error.message };
  if (error instanceof Error) return { name: error.name, code: 'unknown', message: error.message };
  return { name: 'Error', code: 'unknown', message: String(error) };
}

/** Rebuilds a serialized error into its class. */
export function deserializeError(data: SerializedError): WanError {
  const make = CLASSES[data.name] ?? CLASSES.WanError!;
  const error = make(data.code, data.message);
  if (!(data.name in CLASSES)) error.name = data.name;
  return error;
}
