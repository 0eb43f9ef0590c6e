import { useHistoryStore } from '../../state/history-store.ts';
import { useStudioRestore } from '../../state/studio-restore.ts';
import type { VideoOutputOptions } from '../../video/video-format.ts';
import type { HistoryEntry } from '../../video/video-history.ts';
import { readEmbeddedSettings } from '../../video/video-metadata.ts';
import type { VideoProvenance } from '../../video/video-metadata.ts';
import { removeStartImage, takeStartImage } from '../generate/start-image-actions.ts';

/**
 * Puts a video's settings into the studio with the same setup: its start image back when the
 * history kept it (`entry`), or none for a video made from the prompt alone. Says what it did.
 */
async function restoreVideo(provenance: VideoProvenance, output: VideoOutputOptions, entry: HistoryEntry | null): Promise<void> {
  const { restore, tell } = useStudioRestore.getState();
  restore(provenance.settings, output);
  const seed = `seed ${provenance.settings.seed}`;
  if (!provenance.hasStartImage) {
    await removeStartImage();
    return tell({ kind: 'done', text: `Every setting of that video is back in the studio (${seed}).` });
  }
  try {
    const image = entry ? await useHistoryStore.getState().startImage(entry) : null;
    if (image) {
      await takeStartImage(image, image.name);
      return tell({ kind: 'done', text: `Every setting of that video and its start image are back in the studio (${seed}).` });
    }
  } catch (error) {
    return tell({ kind: 'failed', text: `The settings are back in the studio, but the start image could not be read: ${(error as Error).message}` });
  }
  tell({ kind: 'done', text: `Every setting of that video is back in the studio (${seed}). It was made from a start image that this browser did not keep: add it again to make the same video.` });
}

/** Re-use from the history. */
export function restoreFromEntry(entry: HistoryEntry): Promise<void> {
  return restoreVideo(entry.provenance, { fps: entry.video.fps, container: entry.video.container }, entry);
}

/** A video file made by this app, dropped or picked: its embedded settings, and its start image when the history has it. */
export async function restoreFromVideoFile(file: File): Promise<void> {
  try {
    const { provenance, output } = await readEmbeddedSettings(file, file.name || 'That video');
    const entry = useHistoryStore.getState().entries.find((kept) => kept.provenance.createdAt === provenance.createdAt && kept.provenance.settings.seed === provenance.settings.seed);
    await restoreVideo(provenance, output, entry ?? null);
  } catch (error) {
    useStudioRestore.getState().tell({ kind: 'failed', text: (error as Error).message });
  }
}

/** The first video among dropped or picked files, if any. */
export function firstVideoFile(files: FileList | readonly File[] | undefined | null): File | null {
  return [...(files ?? [])].find((file) => file.type.startsWith('video/') || /\.(mp4|webm|m4v|mov|mkv)$/i.test(file.name)) ?? null;
}
