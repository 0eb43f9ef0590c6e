import { useCallback, useEffect, useRef, useState } from 'react';
import { previewFeed } from '../../state/preview-feed.ts';
import { FramePreview } from '../../video/frame-preview.ts';

/**
 * Draws the running job's picture on the canvas given to `ref`: latent previews while it
 * denoises, then decoded frames; with how many frames were shown and the step on display.
 */
export function usePreviewCanvas(): { ref: (canvas: HTMLCanvasElement | null) => void; framesShown: number; previewStep: number } {
  const [framesShown, setFramesShown] = useState(0);
  const [previewStep, setPreviewStep] = useState(0);
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const preview = useRef<FramePreview | null>(null);

  useEffect(() => {
    const unsubscribe = previewFeed.subscribe({
      start(fps) {
        preview.current?.stop();
        preview.current = new FramePreview(fps, setFramesShown, setPreviewStep);
        preview.current.attach(canvas.current);
        setFramesShown(0);
        setPreviewStep(0);
      },
      latents: (event) => preview.current?.showLatents(event),
      frames: (event) => preview.current?.push(event),
      stop: () => preview.current?.stop(),
    });
    return () => {
      unsubscribe();
      preview.current?.stop();
    };
  }, []);

  const ref = useCallback((element: HTMLCanvasElement | null) => {
    canvas.current = element;
    preview.current?.attach(element);
  }, []);
  return { ref, framesShown, previewStep };
}
