import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { FileRecord } from '../bundle/hashing-writer.ts';
import { validateManifest } from '../bundle/manifest.ts';
import { fileSize, readManifest } from './dir-bundle.ts';

/** What is wrong with one file of a bundle. */
export interface FileMismatch {
  readonly path: string;
  readonly problem: string;
}

/** The SHA-256 of a file, hex, read as a stream; `onBytes` hears each chunk's length. */
async function sha256Of(path: string, onBytes: (bytes: number) => void): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    onBytes(chunk.length);
  }
  return hash.digest('hex');
}

async function checkFile(dir: string, file: FileRecord, onBytes: (bytes: number) => void): Promise<FileMismatch | null> {
  const size = await fileSize(join(dir, file.path));
  if (size === null) return { path: file.path, problem: 'missing' };
  if (size !== file.bytes) return { path: file.path, problem: `${size} bytes, the manifest says ${file.bytes}` };
  const sha256 = await sha256Of(join(dir, file.path), onBytes);
  return sha256 === file.sha256 ? null : { path: file.path, problem: `SHA-256 ${sha256}, the manifest says ${file.sha256}` };
}

/**
 * Reads every file a bundle folder's manifest lists and compares its size and SHA-256 with the
 * manifest. `onProgress` hears the bytes hashed so far and the total.
 */
export async function verifyDirBundle(dir: string, onProgress: (done: number, total: number) => void = () => {}): Promise<FileMismatch[]> {
  const manifest = validateManifest(await readManifest(dir));
  const total = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
  let done = 0;
  const mismatches: FileMismatch[] = [];
  for (const file of manifest.files) {
    const mismatch = await checkFile(dir, file, (bytes) => onProgress((done += bytes), total));
    if (mismatch) mismatches.push(mismatch);
  }
  return mismatches;
}
