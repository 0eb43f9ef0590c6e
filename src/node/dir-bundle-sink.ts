import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BundleSink, FileWriter } from '../convert/bundle/bundle-sink.ts';
import { ConvertError } from '../convert/convert-error.ts';

/**
 * Writes a bundle into `<outDir>.partial-<pid>` next to the target and renames it to
 * `outDir` on commit, so an interrupted run never leaves a folder that looks complete.
 */
export async function dirBundleSink(outDir: string): Promise<BundleSink> {
  if (await stat(outDir).then(() => true, () => false)) {
    throw new ConvertError(`${outDir} already exists. Choose another output folder or delete it first.`, outDir);
  }
  const staging = `${outDir}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  return {
    async create(path: string): Promise<FileWriter> {
      const full = join(staging, path);
      await mkdir(dirname(full), { recursive: true });
      const handle = await open(full, 'w');
      return {
        write: async (bytes) => {
          let done = 0;
          while (done < bytes.byteLength) done += (await handle.write(bytes, done, bytes.byteLength - done)).bytesWritten;
        },
        close: () => handle.close(),
      };
    },
    commit: () => rename(staging, outDir),
    abort: () => rm(staging, { recursive: true, force: true }),
  };
}
