import { transferHandlers } from 'comlink';
import type { TransferHandler } from 'comlink';
import { deserializeError, serializeError } from '../errors.ts';
import type { SerializedError } from '../errors.ts';

interface ThrownValue {
  readonly value: unknown;
}

// Comlink wraps thrown values in an object keyed by its private Symbol('Comlink.thrown').
const isThrown = (value: unknown): value is ThrownValue =>
  typeof value === 'object' &&
  value !== null &&
  Object.getOwnPropertySymbols(value).some((s) => s.description === 'Comlink.thrown');

/**
 * Makes errors thrown in the worker arrive on the page as our error classes, code
 * included, instead of Comlink's default plain Error. Call it on both sides.
 */
export function installErrorTransfer(): void {
  const handler: TransferHandler<ThrownValue, SerializedError> = {
    canHandle: isThrown,
    serialize: (thrown) => [serializeError(thrown.value), []],
    deserialize: (data) => {
      throw deserializeError(data);
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
