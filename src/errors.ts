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

export interface SerializedError {
  readonly name: string;
  readonly code: WanErrorCode;
  readonly message: string;
}

const CLASSES: Record<string, new (code: WanErrorCode, message: string) => WanError> = {
  WanError,
  UnsupportedEnvironmentError,
};

/** Turns any thrown value into plain data that survives structured cloning. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof WanError) return { name: error.name, code: error.code, message: error.message };
  if (error instanceof Error) return { name: error.name, code: 'unknown', message: error.message };
  return { name: 'Error', code: 'unknown', message: String(error) };
}

/** Rebuilds a serialized error into its class. */
export function deserializeError(data: SerializedError): WanError {
  const Class = CLASSES[data.name] ?? WanError;
  const error = new Class(data.code, data.message);
  if (!(data.name in CLASSES)) error.name = data.name;
  return error;
}
