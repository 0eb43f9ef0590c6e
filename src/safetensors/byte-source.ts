import { checkRange, expectLength, throwIfAborted } from './read-checks.ts';

export { httpByteSource } from './http-byte-source.ts';
export type { FetchInitLike, FetchLike, FetchResponseLike, HttpByteSourceOptions } from './http-byte-source.ts';

/**
 * The part of `AbortSignal` this module uses. Declared here because the core tsconfig has no DOM
 * lib; a real `AbortSignal` satisfies it.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/** Random access to the bytes of one file, wherever it lives (disk, Blob, HTTP server). */
export interface ByteSource {
  /** Path, file name or URL, used in error messages. */
  readonly name: string;
  /** Size of the file in bytes. */
  size(): Promise<number>;
  /** Exactly `length` bytes starting at `offset`; rejects if the range is not all in the file. */
  read(offset: number, length: number, signal?: AbortSignalLike): Promise<Uint8Array>;
}

/** The part of `Blob` (and `File`) that {@link blobByteSource} uses. */
export interface BlobLike {
  readonly size: number;
  slice(start?: number, end?: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** Reads a `Blob` or `File` (e.g. from a file picker) slice by slice. */
export function blobByteSource(blob: BlobLike, name: string): ByteSource {
  return {
    name,
    size: () => Promise.resolve(blob.size),
    async read(offset, length, signal) {
      checkRange(name, offset, length, blob.size);
      throwIfAborted(signal);
      const buffer = await blob.slice(offset, offset + length).arrayBuffer();
      throwIfAborted(signal);
      return expectLength(name, new Uint8Array(buffer), length);
    },
  };
}
