import { WanError } from '../errors.ts';

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
