import { useCallback, useEffect, useRef, useState } from 'react';
import { previewFeed } from '../../state/preview-feed.ts';
import type { PreviewSource } from '../../pipeline/preview/latent-preview.ts';
import { FramePreview } from '../../video/frame-preview.ts';

/**
 * Draws the running job's picture on the canvas given to `ref`: step previews while it
 * denoises, then decoded frames; with how many frames were shown, the step on display and
 * what made its preview.
 */
export function usePreviewCanvas(): { ref: (canvas: HTMLCanvasElement | null) => void; framesShown: number; previewStep: number; previewSource: PreviewSource | null } {
  const [framesShown, setFramesShown] = useState(0);
  const [previewStep, setPreviewStep] = useState(0);
  const [previewSource, setPreviewSource] = useState<PreviewSource | null>(null);
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const preview = useRef<FramePreview | null>(null);

  useEffect(() => {
    const unsubscribe = previewFeed.subscribe({
      start(fps) {
        preview.current?.stop();
        preview.current = new FramePreview(fps, setFramesShown, (step, source) => {
          setPreviewStep(step);
          setPreviewSource(source);
        });
        preview.current.attach(canvas.current);
        setFramesShown(0);
        setPreviewStep(0);
        setPreviewSource(null);
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
  return { ref, framesShown, previewStep, previewSource };
}
