/**
 * Keeps the start image across reloads: the file as given, in the origin private file system
 * (`studio/start-image`, with its name and type beside it: OPFS files have no MIME type). Where OPFS is missing or refuses, the image
 * simply lasts for the page.
 */
const FOLDER = 'studio';
const FILE = 'start-image';
const META = 'start-image.json';

async function folder(): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(FOLDER, { create: true });
}

async function write(dir: FileSystemDirectoryHandle, name: string, data: Blob | string): Promise<void> {
  const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
  await writable.write(data);
  await writable.close();
}

export async function saveStartImage(file: Blob, name: string): Promise<void> {
  const dir = await folder();
  await write(dir, FILE, file);
  await write(dir, META, JSON.stringify({ name, type: file.type }));
}

export async function loadStartImage(): Promise<{ file: File; name: string } | null> {
  try {
    const dir = await folder();
    const bytes = await (await dir.getFileHandle(FILE)).getFile();
    const { name, type } = JSON.parse(await (await (await dir.getFileHandle(META)).getFile()).text()) as { name: string; type: string };
    return { file: new File([bytes], name, { type }), name };
  } catch {
    return null;
  }
}

export async function forgetStartImage(): Promise<void> {
  const dir = await folder();
  for (const name of [FILE, META]) await dir.removeEntry(name).catch(() => undefined);
}
