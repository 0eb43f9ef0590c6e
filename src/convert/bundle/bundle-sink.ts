/**
 * Where a bundle's files are written: a folder on disk (CLI), OPFS (browser install).
 * Implementations write into a staging area and make the bundle visible only in
 * `commit()`, so an interrupted conversion never leaves a bundle that looks complete.
 */
export interface BundleSink {
  /** Creates (or truncates) a file; writes go through the returned writer in order. */
  create(path: string): Promise<FileWriter>;
  /** Makes the finished bundle visible at its final place. */
  commit(): Promise<void>;
  /** Removes everything written so far. */
  abort(): Promise<void>;
}

export interface FileWriter {
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}
