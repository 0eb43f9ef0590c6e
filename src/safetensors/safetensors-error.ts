/** What went wrong, for callers that react differently (e.g. probing for optional files). */
export type SafetensorsErrorCode =
  | 'not-found'
  | 'truncated'
  | 'malformed'
  | 'unsupported'
  | 'no-range-support'
  | 'io';

/** Extra details of a {@link SafetensorsError}. */
export interface SafetensorsErrorOptions {
  readonly code?: SafetensorsErrorCode;
  readonly cause?: unknown;
}

/**
 * A checkpoint file is missing, unreadable or malformed. The message says what is wrong and
 * what the user can do; `file` names the file (path or URL) and `tensor` the tensor, if any.
 */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
  readonly code: SafetensorsErrorCode;

  constructor(
    message: string,
    readonly file: string,
    readonly tensor?: string,
    options: SafetensorsErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? 'malformed';
  }
}
