import { useStartImageStore } from '../../state/start-image-store.ts';
import { forgetStartImage, loadStartImage, saveStartImage } from '../../state/start-image-persistence.ts';
import { readImage } from './read-image.ts';

/** Makes `file` the start image and keeps it across reloads; says why when it is not an image. */
export async function takeStartImage(file: Blob, name: string): Promise<void> {
  const store = useStartImageStore.getState();
  try {
    store.set(await readImage(file, name));
  } catch (error) {
    store.fail((error as Error).message);
    return;
  }
  await saveStartImage(file, name).catch(() => undefined);
}

/** Generates from the prompt alone again. */
export async function removeStartImage(): Promise<void> {
  useStartImageStore.getState().clear();
  await forgetStartImage().catch(() => undefined);
}

/** Brings back the start image given before the last reload, unless one was given since. */
export async function restoreStartImage(): Promise<void> {
  const saved = await loadStartImage();
  if (saved && !useStartImageStore.getState().image) useStartImageStore.getState().set(await readImage(saved.file, saved.name));
}
