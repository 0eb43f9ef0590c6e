/** A folder the user picked or dropped: its name and its files by path inside it. */
export interface PickedFolder {
  readonly name: string;
  readonly files: readonly { path: string; file: File }[];
}

/** From a folder input (`webkitRelativePath` starts with the folder's own name). */
export function folderFromFileList(list: FileList | null): PickedFolder | null {
  const all = [...(list ?? [])];
  if (all.length === 0) return null;
  const name = all[0]!.webkitRelativePath.split('/')[0]!;
  return { name, files: all.map((file) => ({ path: file.webkitRelativePath.split('/').slice(1).join('/'), file })) };
}

/** From files picked together (e.g. ComfyUI's three model files): each by its own name. */
export function filesFromFileList(list: FileList | null): PickedFolder | null {
  const all = [...(list ?? [])];
  if (all.length === 0) return null;
  return { name: all.map((file) => file.name).join(' + '), files: all.map((file) => ({ path: file.name, file })) };
}

/** From a directory handle (the directory picker, or a folder dropped in Chromium). */
export async function folderFromHandle(folder: FileSystemDirectoryHandle): Promise<PickedFolder> {
  const files: { path: string; file: File }[] = [];
  const walk = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
    for await (const [name, handle] of dir.entries()) {
      if (handle.kind === 'file') files.push({ path: `${prefix}${name}`, file: await (handle as FileSystemFileHandle).getFile() });
      else await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
    }
  };
  await walk(folder, '');
  return { name: folder.name, files };
}

/** From a drop: the first dropped item, when it is a folder (Chromium's getAsFileSystemHandle, else the older entry API). */
export async function folderFromDrop(transfer: DataTransfer): Promise<PickedFolder | null> {
  const item = transfer.items[0] as (DataTransferItem & { getAsFileSystemHandle?: () => Promise<FileSystemHandle | null> }) | undefined;
  if (!item) return null;
  if (item.getAsFileSystemHandle) {
    const handle = await item.getAsFileSystemHandle();
    return handle?.kind === 'directory' ? folderFromHandle(handle as FileSystemDirectoryHandle) : null;
  }
  const entry = item.webkitGetAsEntry();
  return entry?.isDirectory ? folderFromEntry(entry as FileSystemDirectoryEntry) : null;
}

async function folderFromEntry(root: FileSystemDirectoryEntry): Promise<PickedFolder> {
  const files: { path: string; file: File }[] = [];
  const entries = (dir: FileSystemDirectoryEntry) =>
    new Promise<FileSystemEntry[]>((resolve, reject) => {
      const reader = dir.createReader();
      const all: FileSystemEntry[] = [];
      const next = () => reader.readEntries((batch) => (batch.length ? (all.push(...batch), next()) : resolve(all)), reject);
      next();
    });
  const walk = async (dir: FileSystemDirectoryEntry, prefix: string): Promise<void> => {
    for (const entry of await entries(dir)) {
      if (entry.isFile) files.push({ path: `${prefix}${entry.name}`, file: await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)) });
      else await walk(entry as FileSystemDirectoryEntry, `${prefix}${entry.name}/`);
    }
  };
  await walk(root, '');
  return { name: root.name, files };
}
