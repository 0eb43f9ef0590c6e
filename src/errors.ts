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
  | 'invalid-input'
  | 'unreadable-checkpoint'
  | 'unknown';

export class WanError extends Error {
  override name = 'WanError';
  constructor(
    readonly code: WanErrorCode,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
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

/** A value the user gave (a setting, a command-line option, a file) cannot be used; the message says what would work. */
export class InvalidInputError extends WanError {
  override name = 'InvalidInputError';
  constructor(message: string) {
    super('invalid-input', message);
  }
}

/** A bundle's manifest.json is not one this version can load; the message says how to rebuild it. */
export class ManifestError extends WanError {
  override name = 'ManifestError';
  constructor(message: string) {
    super('model-not-installed', message);
  }
}

/** A bundle's tokenizer.json cannot serve as the UMT5 tokenizer; the message says to reinstall. */
export class TokenizerError extends WanError {
  override name = 'TokenizerError';
  constructor(message: string) {
    super('model-not-installed', message);
  }
}

/** Why a checkpoint file could not be read, for callers that react differently (e.g. probing for optional files). */
export type SafetensorsReason = 'not-found' | 'truncated' | 'malformed' | 'unsupported' | 'no-range-support' | 'io';

/**
 * A checkpoint file is missing, unreadable or malformed. The message says what is wrong and
 * what the user can do; `file` names the file (path or URL) and `tensor` the tensor, if any.
 */
export class SafetensorsError extends WanError {
  override name = 'SafetensorsError';
  readonly reason: SafetensorsReason;

  constructor(
    message: string,
    readonly file: string,
    readonly tensor?: string,
    options: { readonly reason?: SafetensorsReason; readonly cause?: unknown } = {},
  ) {
    super('unreadable-checkpoint', message, options.cause);
    this.reason = options.reason ?? 'malformed';
  }
}

/**
 * A GGUF file is unreadable, malformed or uses a tensor type this reader cannot read. A kind of
 * {@link SafetensorsError} (same `file`, `tensor` and `reason`), so checkpoint code handles both alike.
 */
export class GgufError extends SafetensorsError {
  override name = 'GgufError';
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
  /** The class's own fields (the file, the tensor, the reason), so the page sees what the worker saw. */
  readonly details?: Readonly<Record<string, string>>;
}

/** Every user-facing error class, by name: how the page rebuilds what the worker threw. */
export const ERROR_CLASSES: Readonly<Record<string, (data: SerializedError) => WanError>> = {
  WanError: ({ code, message }) => new WanError(code, message),
  UnsupportedEnvironmentError: ({ code, message }) => new UnsupportedEnvironmentError(code, message),
  ModelNotInstalledError: ({ message }) => new ModelNotInstalledError(message),
  GenerationCanceledError: ({ message }) => new GenerationCanceledError(message),
  StorageFullError: ({ message }) => new StorageFullError(message),
  DownloadError: ({ message }) => new DownloadError(message),
  InstallPausedError: ({ message }) => new InstallPausedError(message),
  GpuDeviceLostError: ({ message }) => new GpuDeviceLostError(message),
  GpuMemoryError: ({ message }) => new GpuMemoryError(message),
  InvalidInputError: ({ message }) => new InvalidInputError(message),
  ManifestError: ({ message }) => new ManifestError(message),
  TokenizerError: ({ message }) => new TokenizerError(message),
  SafetensorsError: ({ message, details = {} }) =>
    new SafetensorsError(message, details.file ?? '', details.tensor, { reason: details.reason as SafetensorsReason | undefined }),
  GgufError: ({ message, details = {} }) =>
    new GgufError(message, details.file ?? '', details.tensor, { reason: details.reason as SafetensorsReason | undefined }),
  ConvertError: ({ message, details = {} }) => new ConvertError(message, details.file, details.tensor),
  ConversionCanceledError: ({ message }) => new ConversionCanceledError(message),
};

/** Turns any thrown value into plain data that survives structured cloning. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof WanError) return { name: error.name, code: error.code, message: error.message, details: ownDetails(error) };
  if (error instanceof Error) return { name: error.name, code: 'unknown', message: error.message };
  return { name: 'Error', code: 'unknown', message: String(error) };
}

/** Rebuilds a serialized error into its class; a foreign error becomes a WanError that keeps its name. */
export function deserializeError(data: SerializedError): WanError {
  const make = ERROR_CLASSES[data.name];
  if (make) return make(data);
  const error = new WanError(data.code, data.message);
  error.name = data.name;
  return error;
}

function ownDetails(error: WanError): Record<string, string> {
  const details: Record<string, string> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key !== 'code' && key !== 'name' && typeof value === 'string') details[key] = value;
  }
  return details;
}
