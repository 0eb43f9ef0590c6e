import type { BundleSink, FileWriter } from '../convert/bundle/bundle-sink.ts';
import { fileHandle, openSyncAccess } from './opfs-files.ts';

/**
 * The model builder's output in OPFS: files are written in place into a model's bundle
 * folder through sync access handles (dedicated workers only). The model becomes usable
 * only when its installer writes `installed.json` after `commit()`; `abort()` empties the folder.
 */
export function opfsBundleSink(folder: FileSystemDirectoryHandle, onAbort: () => Promise<void>): BundleSink {
  return {
    async create(path: string): Promise<FileWriter> {
      const handle = await openSyncAccess(await fileHandle(folder, path, true));
      handle.truncate(0);
      let at = 0;
      return {
        write: async (bytes) => {
          for (let done = 0; done < bytes.byteLength; ) {
            const written = handle.write(bytes.subarray(done), { at });
            done += written;
            at += written;
          }
        },
        close: async () => {
          handle.flush();
          handle.close();
        },
      };
    },
    commit: async () => undefined,
    abort: onAbort,
  };
}
