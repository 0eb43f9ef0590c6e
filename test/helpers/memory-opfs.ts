/**
 * The origin private file system in memory (the browser API, with the sync access handles of a
 * dedicated worker). `writes` records every folder or file created and every write, by path;
 * `largest` the largest size each file reached.
 */
export function memoryOpfs() {
  const writes: string[] = [];
  const largest = new Map<string, number>();
  const notFound = () => new DOMException('not found', 'NotFoundError');
  const folder = (at: string): FileSystemDirectoryHandle => {
    const folders = new Map<string, FileSystemDirectoryHandle>();
    const files = new Map<string, { data: Uint8Array }>();
    const store = (path: string, file: { data: Uint8Array }, data: Uint8Array) => {
      file.data = data;
      largest.set(path, Math.max(largest.get(path) ?? 0, data.length));
    };
    const fileHandle = (name: string, file: { data: Uint8Array }) => ({
      kind: 'file',
      getFile: async () => new File([file.data as Uint8Array<ArrayBuffer>], name),
      createWritable: async () => ({
        write: async (bytes: Uint8Array) => (writes.push(`${at}${name}`), store(`${at}${name}`, file, bytes.slice())),
        close: async () => undefined,
        abort: async () => undefined,
      }),
      createSyncAccessHandle: async () => ({
        read: (buffer: Uint8Array, { at: offset }: { at: number }) => {
          const part = file.data.subarray(offset, offset + buffer.length);
          buffer.set(part);
          return part.length;
        },
        write: (buffer: Uint8Array, { at: offset }: { at: number }) => {
          writes.push(`${at}${name}`);
          const grown = new Uint8Array(Math.max(file.data.length, offset + buffer.length));
          grown.set(file.data);
          grown.set(buffer, offset);
          store(`${at}${name}`, file, grown);
          return buffer.length;
        },
        truncate: (size: number) => store(`${at}${name}`, file, file.data.slice(0, size)),
        getSize: () => file.data.length,
        flush: () => undefined,
        close: () => undefined,
      }),
    });
    const handle = {
      kind: 'directory',
      async getDirectoryHandle(name: string, options?: { create?: boolean }) {
        if (!folders.has(name)) {
          if (!options?.create) throw notFound();
          writes.push(`${at}${name}/`);
          folders.set(name, folder(`${at}${name}/`));
        }
        return folders.get(name)!;
      },
      async getFileHandle(name: string, options?: { create?: boolean }) {
        if (!files.has(name)) {
          if (!options?.create) throw notFound();
          writes.push(`${at}${name}`);
          files.set(name, { data: new Uint8Array(0) });
        }
        return fileHandle(name, files.get(name)!);
      },
      async removeEntry(name: string) {
        if (!folders.delete(name) && !files.delete(name)) throw notFound();
      },
      async *entries() {
        yield* folders.entries();
      },
      async *keys() {
        yield* folders.keys();
        yield* files.keys();
      },
    };
    return handle as unknown as FileSystemDirectoryHandle;
  };
  return { root: folder(''), writes, largest };
}

