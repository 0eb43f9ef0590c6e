import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BundleSink, FileWriter, ResumableStaging } from '../bundle/bundle-sink.ts';
import { ConvertError } from '../errors.ts';

const JOURNAL = '.conversion-journal.jsonl';

/**
 * Writes a bundle into `<outDir>.partial` next to the target and renames it to `outDir` on
 * commit, so an interrupted run never leaves a folder that looks complete. The staging
 * folder keeps the conversion journal: running the same conversion again resumes it.
 */
export async function dirBundleSink(outDir: string): Promise<BundleSink> {
  if (await stat(outDir).then(() => true, () => false)) {
    throw new ConvertError(`${outDir} already exists. Choose another output folder or delete it first.`, outDir);
  }
  const staging = `${outDir}.partial`;
  await mkdir(staging, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new ConvertError(`Cannot create the output folder ${staging} (${error.code ?? error.message}). Choose an output folder in a place you can write to.`, outDir);
  });
  const journal = join(staging, JOURNAL);
  const resumable: ResumableStaging = {
    readJournal: () => readFile(journal, 'utf8').catch(() => ''),
    async appendJournal(text) {
      const handle = await open(journal, 'a');
      try {
        await handle.appendFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async clear() {
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true });
    },
    async reopen(path, length) {
      const full = join(staging, path);
      const size = await stat(full).then((s) => s.size, () => -1);
      if (size < length) return null;
      const handle = await open(full, 'r+');
      await handle.truncate(length);
      return {
        read: async (offset, bytes) => {
          const buffer = new Uint8Array(bytes);
          const { bytesRead } = await handle.read(buffer, 0, bytes, offset);
          if (bytesRead !== bytes) throw new RangeError(`${full} ended at ${offset + bytesRead} bytes while reading it back`);
          return buffer;
        },
        writer: fileWriter(handle, length),
      };
    },
  };
  return {
    async create(path: string): Promise<FileWriter> {
      const full = join(staging, path);
      await mkdir(dirname(full), { recursive: true });
      return fileWriter(await open(full, 'w'), 0);
    },
    async commit() {
      await rm(journal, { force: true });
      await rename(staging, outDir);
    },
    abort: () => rm(staging, { recursive: true, force: true }),
    resumable,
    sha256: () => createHash('sha256'),
  };
}

function fileWriter(handle: FileHandle, start: number): FileWriter {
  let at = start;
  return {
    write: async (bytes) => {
      for (let done = 0; done < bytes.byteLength; ) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done, at);
        done += bytesWritten;
        at += bytesWritten;
      }
    },
    flush: () => handle.sync(),
    close: () => handle.close(),
  };
}
