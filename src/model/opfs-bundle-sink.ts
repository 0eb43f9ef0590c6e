import type { BundleSink, FileWriter, ResumableStaging } from '../bundle/bundle-sink.ts';
import { existingFile, fileHandle, openSyncAccess, removeEntryIfPresent } from '../opfs-files.ts';
import type { SyncAccessHandle } from '../opfs-files.ts';

/** The conversion journal, kept in the model's folder beside its bundle. */
export const CONVERSION_JOURNAL = 'conversion-journal.jsonl';

/**
 * The model builder's output in OPFS: files are written in place into a model's bundle
 * folder through sync access handles (dedicated workers only), with the conversion journal
 * beside it, so an interrupted conversion resumes. The model becomes usable only when its
 * installer writes `installed.json` after `commit()`; `abort()` removes the model.
 */
export function opfsBundleSink(model: FileSystemDirectoryHandle, bundle: FileSystemDirectoryHandle, onAbort: () => Promise<void>): BundleSink {
  const resumable: ResumableStaging = {
    async readJournal() {
      return (await (await existingFile(model, CONVERSION_JOURNAL))?.text()) ?? '';
    },
    async appendJournal(text) {
      const handle = await openSyncAccess(await fileHandle(model, CONVERSION_JOURNAL, true));
      try {
        writeAll(handle, new TextEncoder().encode(text), handle.getSize());
        handle.flush();
      } finally {
        handle.close();
      }
    },
    async clear() {
      for await (const name of bundle.keys()) await removeEntryIfPresent(bundle, name);
      await removeEntryIfPresent(model, CONVERSION_JOURNAL);
    },
    async reopen(path, length) {
      if (!(await existingFile(bundle, path))) return null;
      const handle = await openSyncAccess(await fileHandle(bundle, path));
      if (handle.getSize() < length) {
        handle.close();
        return null;
      }
      handle.truncate(length);
      return {
        read: async (offset, size) => {
          const bytes = new Uint8Array(size);
          for (let done = 0; done < size; ) {
            const read = handle.read(bytes.subarray(done), { at: offset + done });
            if (read === 0) throw new RangeError(`${path} ended at ${offset + done} bytes while reading it back`);
            done += read;
          }
          return bytes;
        },
        writer: syncWriter(handle, length),
      };
    },
  };
  return {
    async create(path: string): Promise<FileWriter> {
      const handle = await openSyncAccess(await fileHandle(bundle, path, true));
      handle.truncate(0);
      return syncWriter(handle, 0);
    },
    commit: () => removeEntryIfPresent(model, CONVERSION_JOURNAL),
    abort: onAbort,
    resumable,
  };
}

function syncWriter(handle: SyncAccessHandle, start: number): FileWriter {
  let at = start;
  return {
    write: async (bytes) => {
      writeAll(handle, bytes, at);
      at += bytes.byteLength;
    },
    flush: async () => handle.flush(),
    close: async () => {
      handle.flush();
      handle.close();
    },
  };
}

function writeAll(handle: SyncAccessHandle, bytes: Uint8Array, at: number): void {
  for (let done = 0; done < bytes.byteLength; ) done += handle.write(bytes.subarray(done), { at: at + done });
}
