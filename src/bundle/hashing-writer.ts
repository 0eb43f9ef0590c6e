import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { FileWriter } from './bundle-sink.ts';

/** A file as the manifest lists it. */
export interface FileRecord {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** An incremental SHA-256: @noble/hashes' everywhere, node:crypto's where a sink offers it (several times faster). */
export interface Sha256 {
  update(bytes: Uint8Array): unknown;
  digest(): Uint8Array;
}

/** Wraps a writer to count bytes and hash them as they pass, so files are never re-read. */
export class HashingWriter {
  private constructor(
    readonly path: string,
    private readonly writer: FileWriter,
    private readonly hash: Sha256,
    private written: number,
  ) {}

  /** A writer for a new, empty file. */
  static create(path: string, writer: FileWriter, hash: Sha256 = sha256.create()): HashingWriter {
    return new HashingWriter(path, writer, hash, 0);
  }

  /** A writer that appends to a file whose first `bytes` bytes are already in `hash`. */
  static continuing(path: string, writer: FileWriter, hash: Sha256, bytes: number): HashingWriter {
    return new HashingWriter(path, writer, hash, bytes);
  }

  get bytes(): number {
    return this.written;
  }

  /** `bytes` counts only what was written: after a failed write, the file may hold more, never less. */
  async write(bytes: Uint8Array): Promise<void> {
    this.hash.update(bytes);
    await this.writer.write(bytes);
    this.written += bytes.byteLength;
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  async close(): Promise<FileRecord> {
    await this.writer.close();
    return { path: this.path, bytes: this.written, sha256: bytesToHex(this.hash.digest()) };
  }
}
