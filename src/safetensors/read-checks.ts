import type { AbortSignalLike } from './byte-source.ts';
import { SafetensorsError } from '../errors.ts';

/**
 * Throws the signal's reason (an `AbortError` by default) when it has been aborted.
 */
export function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('The operation was aborted.');
}

/** Rejects offsets and lengths that are not non-negative integers (a caller bug). */
export function checkReadArgs(name: string, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new RangeError(`Invalid read of ${name}: offset ${offset}, length ${length}.`);
  }
}

/** Validates a read request against the file size. */
export function checkRange(name: string, offset: number, length: number, size: number): void {
  checkReadArgs(name, offset, length);
  if (offset + length > size) {
    throw new SafetensorsError(
      `${name} is truncated: reading bytes ${offset}..${offset + length} needs ${offset + length} bytes, ` +
        `found ${size}. Re-download the file.`,
      name,
      undefined,
      { reason: 'truncated' },
    );
  }
}

/** Checks that a source delivered as many bytes as requested. */
export function expectLength(name: string, bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.byteLength !== length) {
    throw new SafetensorsError(
      `${name} is truncated: expected ${length} bytes, got ${bytes.byteLength}. Re-download the file.`,
      name,
      undefined,
      { reason: 'truncated' },
    );
  }
  return bytes;
}
