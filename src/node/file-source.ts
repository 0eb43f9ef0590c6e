// Node-only: reads checkpoint files from disk, for the CLI and tests.
import * as fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { AbortSignalLike, ByteSource } from '../safetensors/byte-source.ts';
import type { CheckpointFiles } from '../safetensors/checkpoint-source.ts';
import { checkRange, throwIfAborted } from '../safetensors/read-checks.ts';
import { SafetensorsError } from '../errors.ts';

/** A {@link ByteSource} over a file on disk; call `close()` when done. */
export interface FileByteSource extends ByteSource {
  close(): Promise<void>;
}


// One read() call is limited to 2 GiB - 1 by the OS; stay well below.
const MAX_CHUNK = 1 << 30;

/** Reads a local file with positional reads; the file is opened on first use. */
export function fileByteSource(path: string): FileByteSource {
  let handle: Promise<FileHandle> | undefined;
  let sizePromise: Promise<number> | undefined;

  const getHandle = (): Promise<FileHandle> =>
    (handle ??= fs
      .open(path, 'r')
      .catch((error: unknown) => {
        handle = undefined;
        throw fileError(path, error);
      }));

  async function readInto(target: Uint8Array, offset: number, signal?: AbortSignalLike) {
    const file = await getHandle();
    let done = 0;
    while (done < target.byteLength) {
      throwIfAborted(signal);
      const chunk = Math.min(MAX_CHUNK, target.byteLength - done);
      const { bytesRead } = await file.read(target, done, chunk, offset + done);
      if (bytesRead === 0) {
        throw new SafetensorsError(
          `${path} is truncated: expected ${offset + target.byteLength} bytes, found ${offset + done}. Re-download the file.`,
          path,
          undefined,
          { reason: 'truncated' },
        );
      }
      done += bytesRead;
    }
  }

  const source: FileByteSource = {
    name: path,
    size() {
      sizePromise ??= getHandle().then(async (file) => (await file.stat()).size);
      return sizePromise;
    },
    async read(offset, length, signal) {
      checkRange(path, offset, length, await source.size());
      const bytes = new Uint8Array(length);
      await readInto(bytes, offset, signal);
      return bytes;
    },
    async close() {
      const pending = handle;
      handle = undefined;
      sizePromise = undefined;
      if (pending) await (await pending.catch(() => undefined))?.close();
    },
  };
  return source;
}

/** Checkpoint files under a local folder; `close()` closes every file opened through it. */
export interface NodeCheckpointFiles extends CheckpointFiles {
  close(): Promise<void>;
}

/** {@link CheckpointFiles} for a checkpoint folder on disk (e.g. a Hugging Face snapshot). */
export function nodeCheckpointFiles(root: string): NodeCheckpointFiles {
  const opened = new Map<string, FileByteSource>();
  return {
    open(relPath) {
      let source = opened.get(relPath);
      if (source === undefined) {
        source = fileByteSource(joinPath(root, relPath));
        opened.set(relPath, source);
      }
      return source;
    },
    async exists(relPath) {
      return fs.access(joinPath(root, relPath)).then(
        () => true,
        () => false,
      );
    },
    async close() {
      const sources = [...opened.values()];
      opened.clear();
      await Promise.all(sources.map((source) => source.close()));
    },
  };
}

/** Joins with '/', which Node accepts on every platform. */
function joinPath(root: string, relPath: string): string {
  return root === '' ? relPath : `${root.replace(/[\\/]+$/, '')}/${relPath}`;
}

function fileError(path: string, error: unknown): SafetensorsError {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') {
    return new SafetensorsError(`${path} does not exist. Check the path.`, path, undefined, {
      reason: 'not-found',
      cause: error,
    });
  }
  return new SafetensorsError(`Cannot open ${path}: ${String(error)}.`, path, undefined, {
    reason: 'io',
    cause: error,
  });
}
