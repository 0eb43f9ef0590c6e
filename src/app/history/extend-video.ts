import { encode as encodePng } from 'fast-png';
import { useExtendStore } from '../../state/extend-store.ts';
import { useStartImageStore } from '../../state/start-image-store.ts';
import type { StartImage } from '../../state/start-image-store.ts';
import { useStudioRestore } from '../../state/studio-restore.ts';
import { readExtendSource } from '../../video/extend-source.ts';
import { segmentsOf, totalFrames } from '../../video/extended-provenance.ts';

/**
 * Gets the studio ready to continue a video made by this app: its last segment's settings
 * (prompt included, to edit), its last frame as the start image, and the video to join the new
 * frames to. Generate then queues the extension like any job. Says what it did, or why not.
 */
export async function extendVideo(file: Blob, name: string): Promise<void> {
  const { restore, tell } = useStudioRestore.getState();
  try {
    const source = await readExtendSource(file, name);
    const { data, width, height, channels } = source.lastFrame;
    const png = new Blob([encodePng({ width, height, data, channels, depth: 8 }) as Uint8Array<ArrayBuffer>], { type: 'image/png' });
    const image: StartImage = { name: `the last frame of ${name}`, file: png, rgb: source.lastFrame, url: URL.createObjectURL(png) };
    restore({ ...source.provenance.settings, width, height }, source.output);
    useStartImageStore.getState().set(image);
    const segments = segmentsOf(source.provenance);
    const frames = totalFrames(segments);
    useExtendStore.getState().set({ file, name, segments: segments.length, frames, lossless: source.lossless, image });
    tell({
      kind: 'done',
      text: `Ready to extend ${name} (${frames} frames): edit the prompt if you like, then Generate. The new part starts from its last frame and is joined to it in one video.`,
    });
  } catch (error) {
    tell({ kind: 'failed', text: `That video cannot be extended: ${(error as Error).message}` });
  }
}
