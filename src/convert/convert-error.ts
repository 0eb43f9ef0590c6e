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
