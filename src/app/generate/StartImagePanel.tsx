import { useEffect, useRef } from 'react';
import { startImageCrop } from '../../pipeline/image/index.ts';
import type { StartImageCrop } from '../../pipeline/image/index.ts';
import { useSettingsStore } from '../../state/settings-store.ts';
import { useStartImageStore } from '../../state/start-image-store.ts';
import { firstImageFile } from './read-image.ts';
import { removeStartImage, restoreStartImage, takeStartImage } from './start-image-actions.ts';
import { useImageDrop } from './use-image-drop.ts';
import { ExtendNotice } from './ExtendNotice.tsx';

const PREVIEW_WIDTH = 320;

/**
 * The optional start image (image-to-video): pick, drop or paste one. The preview shows
 * exactly the part the model will see: Wan's best output size for this image at the chosen
 * size's area, resized to cover it and cropped at the centre. The file input is hidden behind a
 * labelled button, so that the name shown is the image's, however it came (picked, dropped, pasted).
 */
export function StartImagePanel() {
  const { image, error, fail } = useStartImageStore();
  const area = useSettingsStore((s) => s.width * s.height);
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
  const drop = useImageDrop(take);
  const crop = image ? startImageCrop(image.rgb.width, image.rgb.height, area) : null;
  return (
    <div className="start-image" data-testid="start-image">
      <ExtendNotice />
      <h3 className="field-title" id="start-image-title">
        Start image <span className="hint">(optional: image-to-video)</span>
      </h3>
      <div className="file-picker">
        <input
          id="start-image-file"
          className="visually-hidden"
          data-testid="start-image-file"
          type="file"
          accept="image/*"
          aria-describedby="start-image-name"
          onChange={(event) => {
            take(firstImageFile(event.target.files));
            event.target.value = '';
          }}
        />
        <label htmlFor="start-image-file" className="button">
          Choose an image…
        </label>
        <span id="start-image-name" data-testid="start-image-name" className={image ? undefined : 'hint'}>
          {image ? image.name : 'No image chosen'}
        </span>
      </div>
      <p className="hint">Or drop an image anywhere on the page, or paste one (Ctrl+V).</p>
      {drop.over && (
        <div className="drop-overlay" data-testid="start-image-drop-overlay" {...drop.overlay}>
          <p>Drop the image to start the video from it</p>
        </div>
      )}
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
