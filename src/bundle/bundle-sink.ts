import type { Sha256 } from './hashing-writer.ts';

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
  /**
   * Present where the staging area outlives the process (a folder on disk, OPFS): an
   * interrupted conversion leaves its files and journal there, and the next one resumes.
   */
  readonly resumable?: ResumableStaging;
  /** A faster SHA-256 than the portable one, where the platform has it (node:crypto). */
  readonly sha256?: () => Sha256;
}

export interface FileWriter {
  write(bytes: Uint8Array): Promise<void>;
  /** Makes everything written so far durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** What a conversion needs to continue where an interrupted one stopped. */
export interface ResumableStaging {
  /** The journal left by an earlier conversion into this staging area; '' when there is none. */
  readJournal(): Promise<string>;
  /** Appends to the journal; durable when it resolves. */
  appendJournal(text: string): Promise<void>;
  /** Empties the staging area, journal included. */
  clear(): Promise<void>;
  /** Opens a file written earlier to append after its first `length` bytes (the rest is cut off); null when it is shorter. */
  reopen(path: string, length: number): Promise<ReopenedFile | null>;
}

export interface ReopenedFile {
  /** Reads back part of the kept prefix. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Appends after the kept prefix. */
  readonly writer: FileWriter;
}
