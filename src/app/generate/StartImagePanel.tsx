import { useEffect, useRef, useState } from 'react';
import { startImageCrop } from '../../pipeline/image/index.ts';
import type { StartImageCrop } from '../../pipeline/image/index.ts';
import { useSettingsStore } from '../../state/settings-store.ts';
import { useStartImageStore } from '../../state/start-image-store.ts';
import { firstImageFile } from './read-image.ts';
import { removeStartImage, restoreStartImage, takeStartImage } from './start-image-actions.ts';
import { firstVideoFile } from '../history/restore-video.ts';

const PREVIEW_WIDTH = 320;

/**
 * The optional start image (image-to-video): pick, drop or paste one. The preview shows
 * exactly the part the model will see: Wan's best output size for this image at the chosen
 * size's area, resized to cover it and cropped at the centre.
 */
export function StartImagePanel() {
  const { image, error, fail } = useStartImageStore();
  const area = useSettingsStore((s) => s.width * s.height);
  const [dragging, setDragging] = useState(false);
  const take = (file: File | null) => {
    if (!file) return fail('That was not an image. Use a PNG, JPEG or WebP picture.');
    void takeStartImage(file, file.name || 'the pasted image');
  };
  useEffect(() => {
    void restoreStartImage().catch(() => undefined);
  }, []);
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const file = firstImageFile(event.clipboardData?.files);
      if (!file) return;
      event.preventDefault();
      take(file);
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  });
  const crop = image ? startImageCrop(image.rgb.width, image.rgb.height, area) : null;
  return (
    <div
      className={dragging ? 'start-image dropping' : 'start-image'}
      data-testid="start-image"
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        // A video made here brings back its settings instead (the page's drop handler takes it).
        if (firstVideoFile(event.dataTransfer.files)) return setDragging(false);
        event.preventDefault();
        setDragging(false);
        take(firstImageFile(event.dataTransfer.files));
      }}
    >
      <label htmlFor="start-image-file">Start image (optional: image-to-video)</label>
      <input id="start-image-file" data-testid="start-image-file" type="file" accept="image/*" onChange={(event) => take(firstImageFile(event.target.files))} />
      <p className="hint">Or drop an image here, or paste one (Ctrl+V).</p>
      {error && (
        <p role="alert" className="note-error" data-testid="start-image-error">
          {error}
        </p>
      )}
      {image && crop && (
        <>
          <CropPreview url={image.url} imageWidth={image.rgb.width} imageHeight={image.rgb.height} crop={crop} />
          <p className="hint" data-testid="start-image-crop">
            The video will be {crop.width}×{crop.height}: {image.name} ({image.rgb.width}×{image.rgb.height}) resized to {crop.resizedWidth}×{crop.resizedHeight}, of which the
            outlined centre is kept.
          </p>
          <button
            type="button"
            data-testid="start-image-remove"
            onClick={() => void removeStartImage()}
          >
            Remove the start image
          </button>
        </>
      )}
    </div>
  );
}

/** The image with everything outside the crop dimmed. */
function CropPreview(props: { url: string; imageWidth: number; imageHeight: number; crop: StartImageCrop }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { url, imageWidth, imageHeight, crop } = props;
  const height = Math.round((PREVIEW_WIDTH * imageHeight) / imageWidth);
  useEffect(() => {
    const element = new Image();
    element.src = url;
    let live = true;
    element.decode().then(() => {
      const context = canvas.current?.getContext('2d');
      if (!live || !context) return;
      context.drawImage(element, 0, 0, PREVIEW_WIDTH, height);
      const toPreview = PREVIEW_WIDTH / crop.resizedWidth;
      const x = crop.left * toPreview;
      const y = crop.top * (height / crop.resizedHeight);
      const w = crop.width * toPreview;
      const h = crop.height * (height / crop.resizedHeight);
      context.fillStyle = 'rgba(0, 0, 0, 0.6)';
      context.fillRect(0, 0, PREVIEW_WIDTH, y);
      context.fillRect(0, y + h, PREVIEW_WIDTH, height - y - h);
      context.fillRect(0, y, x, h);
      context.fillRect(x + w, y, PREVIEW_WIDTH - x - w, h);
      context.strokeStyle = '#ffd34d';
      context.lineWidth = 2;
      context.strokeRect(x + 1, y + 1, w - 2, h - 2);
    }, () => undefined);
    return () => {
      live = false;
    };
  }, [url, height, crop]);
  return <canvas ref={canvas} width={PREVIEW_WIDTH} height={height} role="img" aria-label={`The start image; the part kept for the video is outlined`} />;
}
