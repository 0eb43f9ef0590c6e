import { useEffect, useState } from 'react';
import type { DragEvent } from 'react';
import { firstImageFile } from './read-image.ts';

/** Whether a drag carries an image file (other drags, such as a folder or a video, are left to their own drop zones). */
function carriesImage(data: DataTransfer | null): boolean {
  return [...(data?.items ?? [])].some((item) => item.kind === 'file' && item.type.startsWith('image/'));
}

/**
 * An image dragged anywhere over the page shows a drop overlay that covers it; dropping there takes
 * the image. The overlay is the only drop target while it shows (its content ignores the pointer), so
 * its dragleave means the drag left the window or was cancelled.
 */
export function useImageDrop(take: (file: File | null) => void) {
  const [over, setOver] = useState(false);
  useEffect(() => {
    const onDragEnter = (event: globalThis.DragEvent) => {
      if (carriesImage(event.dataTransfer)) setOver(true);
    };
    window.addEventListener('dragenter', onDragEnter);
    return () => window.removeEventListener('dragenter', onDragEnter);
  }, []);
  const overlay = {
    onDragOver: (event: DragEvent) => {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave: () => setOver(false),
    onDrop: (event: DragEvent) => {
      event.preventDefault();
      setOver(false);
      take(firstImageFile(event.dataTransfer.files));
    },
  };
  return { over, overlay };
}
