import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { FileWriter } from './bundle-sink.ts';

/** A file as the manifest lists it. */
export interface FileRecord {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** Wraps a writer to count bytes and hash them as they pass, so files are never re-read. */
export class HashingWriter {
  private readonly hash = sha256.create();
  private written = 0;

  constructor(
    readonly path: string,
    private readonly writer: FileWriter,
  ) {}

  get bytes(): number {
    return this.written;
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.hash.update(bytes);
    this.written += bytes.byteLength;
    await this.writer.write(bytes);
  }

  async close(): Promise<FileRecord> {
    await this.writer.close();
    return { path: this.path, bytes: this.written, sha256: bytesToHex(this.hash.digest()) };
  }
}
