import type { OrtSession, OrtSessionOptions } from '../ort-types.ts';

/** A bundle's files as a session loader reads them. */
export interface BundleBytes {
  /** For messages: "Wan2.2 TI2V-5B", "The bundle at https://…". */
  readonly title: string;
  /** Identifies the bundle's files: weights read under the same key and range are the same bytes. */
  readonly key: string;
  /** The size of a file as the manifest lists it, or undefined for a file it does not list. */
  fileSize(path: string): number | undefined;
  readRange(path: string, offset: number, length: number): Promise<Uint8Array>;
  /** The bytes [offset, offset + length) of a file, in pieces as they arrive; throws if the file ends early. */
  stream(path: string, offset: number, length: number): AsyncIterable<Uint8Array>;
}

/** Creates onnxruntime sessions for a bundle's graphs, loading their external weights from `bytes`. */
export interface GraphSessionLoader {
  create(model: Uint8Array, options: OrtSessionOptions, bytes: BundleBytes): Promise<OrtSession>;
}
