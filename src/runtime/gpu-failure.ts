import { GpuDeviceLostError, GpuMemoryError, WanError } from '../errors.ts';

const OUT_OF_MEMORY = /out of memory|\bOOM\b|failed to allocate|allocation failed|exceeds the max buffer size|maxBufferSize/i;

/**
 * A failed GPU job in plain words with what fixes it: a lost device (`lostReason` is the
 * browser's message, when the device was lost) or memory that ran out. Other errors pass unchanged.
 */
export function explainGpuFailure(error: unknown, lostReason: string | null): unknown {
  if (error instanceof WanError) return error;
  if (lostReason !== null) {
    return new GpuDeviceLostError(
      `The GPU stopped working for this page (${lostReason || 'the browser gave no reason'}): a driver reset, the computer sleeping, or another program taking it. Press Generate again: the model is loaded again on a fresh GPU device. If it keeps happening, close other GPU-heavy tabs or restart the browser.`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  if (OUT_OF_MEMORY.test(message)) {
    return new GpuMemoryError(
      `The GPU ran out of memory for these settings (${message.slice(0, 200)}). Choose a smaller size or fewer frames, close other GPU-heavy tabs and apps, or use int4 weights; then generate again.`,
    );
  }
  return error;
}
