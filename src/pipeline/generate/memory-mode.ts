import { InvalidInputError } from '../../errors.ts';
/**
 * Which models stay loaded on the GPU between the phases of a generation, and between
 * generations:
 * - keep-loaded: everything (fastest repeats; needs all the models' memory at once);
 * - balanced: the DiT stays, the text encoder and the VAE are loaded for their phase and
 *   released after it (an 8 GB GPU at 480p with fp16 activations: the DiT's 3.2 GB stays,
 *   the text encoder's 3 GB is gone before the VAE decoder and its frames arrive);
 * - one-at-a-time: every model is released after its phase (least memory, most loading).
 */
export type MemoryMode = 'keep-loaded' | 'balanced' | 'one-at-a-time';

export const MEMORY_MODES: readonly MemoryMode[] = ['keep-loaded', 'balanced', 'one-at-a-time'];

export const DEFAULT_MEMORY_MODE: MemoryMode = 'balanced';

const DIT_GRAPHS = ['dit-context', 'dit'];

/** Whether a graph's session stays loaded after its phase in this mode. */
export function staysLoaded(mode: MemoryMode, graph: string): boolean {
  switch (mode) {
    case 'keep-loaded':
      return true;
    case 'balanced':
      return DIT_GRAPHS.includes(graph);
    case 'one-at-a-time':
      return false;
  }
}

/** Checks a mode named outside the code (CLI option, stored setting). */
export function parseMemoryMode(value: string): MemoryMode {
  if ((MEMORY_MODES as readonly string[]).includes(value)) return value as MemoryMode;
  throw new InvalidInputError(`The memory mode must be ${MEMORY_MODES.join(', ')}; got "${value}".`);
}
