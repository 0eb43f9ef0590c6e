/**
 * Small helpers over the origin private file system (OPFS): nested paths, and the
 * synchronous access handles that only dedicated workers have (the DOM typings lack them).
 */

/** What a dedicated worker's FileSystemSyncAccessHandle offers: in-place reads and writes. */
export interface SyncAccessHandle {
  read(buffer: Uint8Array, options: { at: number }): number;
  write(buffer: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

export function openSyncAccess(file: FileSystemFileHandle): Promise<SyncAccessHandle> {
  const handle = file as FileSystemFileHandle & { createSyncAccessHandle?: () => Promise<SyncAccessHandle> };
  if (!handle.createSyncAccessHandle) throw new TypeError('OPFS sync access handles exist only in dedicated workers');
  return handle.createSyncAccessHandle();
}

/** The folder that holds `path` (a/b/c.bin → folder a/b), created when asked. */
export async function parentFolder(root: FileSystemDirectoryHandle, path: string, create: boolean): Promise<{ folder: FileSystemDirectoryHandle; name: string }> {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..')) throw new RangeError(`not a file path inside the bundle: ${JSON.stringify(path)}`);
  let folder = root;
  for (const part of parts.slice(0, -1)) folder = await folder.getDirectoryHandle(part, { create });
  return { folder, name: parts.at(-1)! };
}

export async function fileHandle(root: FileSystemDirectoryHandle, path: string, create = false): Promise<FileSystemFileHandle> {
  const { folder, name } = await parentFolder(root, path, create);
  return folder.getFileHandle(name, { create });
}

/** The file at `path`, or null when there is none. */
export async function existingFile(root: FileSystemDirectoryHandle, path: string): Promise<File | null> {
  try {
    return await (await fileHandle(root, path)).getFile();
  } catch (error) {
    if (error instanceof DOMException && (error.name === 'NotFoundError' || error.name === 'TypeMismatchError')) return null;
    throw error;
  }
}

export async function readJson<T>(root: FileSystemDirectoryHandle, path: string): Promise<T | null> {
  const file = await existingFile(root, path);
  if (!file) return null;
  try {
    return JSON.parse(await file.text()) as T;
  } catch {
    return null;
  }
}

/** Replaces a small file in one step (createWritable commits on close). */
export async function writeBytes(root: FileSystemDirectoryHandle, path: string, bytes: Uint8Array): Promise<void> {
  const writable = await (await fileHandle(root, path, true)).createWritable();
  try {
    await writable.write(bytes as Uint8Array<ArrayBuffer>);
    await writable.close();
  } catch (error) {
    await writable.abort().catch(() => undefined);
    throw error;
  }
}

export const writeJson = (root: FileSystemDirectoryHandle, path: string, value: unknown) =>
  writeBytes(root, path, new TextEncoder().encode(JSON.stringify(value, null, 2)));

/** Removes a file or folder (with its contents); nothing to remove is fine. */
export async function removeEntryIfPresent(folder: FileSystemDirectoryHandle, name: string): Promise<void> {
  await folder.removeEntry(name, { recursive: true }).catch((error: unknown) => {
    if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
  });
}

export const isQuotaError = (error: unknown) => error instanceof DOMException && error.name === 'QuotaExceededError';
