import type { BundleSink, FileWriter } from '../../src/bundle/bundle-sink.ts';
import { concatBytes } from './bytes.ts';

/** A bundle sink that keeps each written file in `files`, whole, once it is closed. */
export function memorySink(files: Map<string, Uint8Array>): Pick<BundleSink, 'create'> {
  return {
    async create(path): Promise<FileWriter> {
      const chunks: Uint8Array[] = [];
      return {
        write: async (bytes) => void chunks.push(bytes.slice()),
        flush: async () => undefined,
        close: async () => void files.set(path, concatBytes(chunks)),
      };
    },
  };
}
