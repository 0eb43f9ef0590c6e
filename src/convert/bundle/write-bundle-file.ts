import type { BundleSink } from '../../bundle/bundle-sink.ts';
import { HashingWriter } from '../../bundle/hashing-writer.ts';
import type { FileRecord } from '../../bundle/hashing-writer.ts';

/** Writes one whole file into a bundle and returns its record (size, SHA-256). */
export async function writeBundleFile(sink: Pick<BundleSink, 'create' | 'sha256'>, path: string, bytes: Uint8Array): Promise<FileRecord> {
  const writer = HashingWriter.create(path, await sink.create(path), sink.sha256?.());
  await writer.write(bytes);
  return writer.close();
}
