import { useGenerationStore } from '../../state/generation-store.ts';
import { CopyLinkButton } from './CopyLinkButton.tsx';
import { isSelfTestVideo } from '../../state/first-run.ts';
import { SelfTestCaption } from './SelfTestCaption.tsx';
import { ShareButton } from './ShareButton.tsx';
import { usePreviewCanvas } from './use-preview-canvas.ts';
import { extendVideo } from '../history/extend-video.ts';

/** Frames as they decode, then the finished video with download and share; a failed or cancelled job leaves the last video in place. */
export function PreviewPanel() {
  const { status, result } = useGenerationStore();
  const { ref, framesShown, previewStep, previewSource } = usePreviewCanvas();
  const live = status === 'running' || !result;
  return (
    <section className="panel" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Video</h2>
      {live && (
        <canvas
          ref={ref}
          className="preview"
          data-testid="preview-canvas"
          data-frames-shown={framesShown}
          data-preview-step={previewStep}
          data-preview-source={previewSource ?? undefined}
          aria-label={
            framesShown > 0
              ? `Preview, ${framesShown} frames shown so far`
              : previewStep > 0
                ? `${previewSource === 'tiny-decoder' ? 'Preview (fast decoder)' : 'Rough preview'} after denoising step ${previewStep}`
                : 'Preview: the picture appears here as it forms'
          }
        />
      )}
      {!live && (
        <>
          <video className="preview" data-testid="result-video" src={result.url} controls loop autoPlay muted playsInline />
          <p className="hint" data-testid="result-info" data-codec={result.video.codec}>
            {result.video.width}×{result.video.height}, {result.video.frames} frames at {result.video.fps} fps, {result.video.codec.toUpperCase()} in{' '}
            {result.video.container.toUpperCase()}, {(result.blob.size / 1e6).toFixed(2)} MB
          </p>
          {isSelfTestVideo(result.video.provenance.model) && <SelfTestCaption />}
          <div className="actions">
            <a className="button" data-testid="download" href={result.url} download={result.fileName}>
              Download
            </a>
            <ShareButton file={() => new File([result.blob], result.fileName, { type: result.video.mimeType })} />
            <CopyLinkButton shared={{ settings: result.video.provenance.settings, output: { fps: result.video.fps, container: result.video.container } }} label="Copy link with this video's settings" />
            <button type="button" data-testid="extend-current" onClick={() => void extendVideo(result.blob, result.fileName)}>
              Extend
            </button>
          </div>
          {result.saveError && (
            <p role="alert" className="note-warn" data-testid="save-error">
              {result.saveError}
            </p>
          )}
        </>
      )}
    </section>
  );
}
