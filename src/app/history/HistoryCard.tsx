import { useEffect, useState } from 'react';
import { useHistoryStore } from '../../state/history-store.ts';
import { useSettingsStore } from '../../state/settings-store.ts';
import type { HistoryEntry } from '../../video/video-history.ts';
import { ShareButton } from '../video/ShareButton.tsx';
import { removeStartImage, takeStartImage } from '../generate/start-image-actions.ts';

/** One stored video: it plays in place; its settings can be re-used; download, share, delete. */
export function HistoryCard({ entry }: { entry: HistoryEntry }) {
  const { file, remove, startImage } = useHistoryStore();
  const reuse = useSettingsStore((s) => s.reuse);
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let objectUrl: string | null = null;
    file(entry)
      .then((f) => setUrl((objectUrl = URL.createObjectURL(f))))
      .catch((e: Error) => setError(`The video file could not be read: ${e.message}`));
    return () => {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [entry, file]);
  const { settings, model, createdAt } = entry.provenance;
  return (
    <li className="history-card" data-testid="history-entry" data-id={entry.id}>
      {url && <video src={url} controls loop muted playsInline preload="metadata" data-testid="history-video" />}
      <p className="history-prompt">{settings.prompt || '(no prompt)'}</p>
      <p className="hint" data-testid="history-settings">
        {settings.width}×{settings.height} · {entry.video.frames} frames · {settings.sampler} {settings.steps} steps · guidance {settings.guidance} · shift{' '}
        {settings.shift} · seed {settings.seed}
        {entry.provenance.hasStartImage && ' · from a start image'} · {model} · {new Date(createdAt).toLocaleString()}
      </p>
      {error && <p className="note-error">{error}</p>}
      <div className="actions">
        <button
          type="button"
          data-testid="history-reuse"
          onClick={() => {
            reuse(settings);
            // The same setup: its start image back, or none for a video made from the prompt alone.
            if (!entry.provenance.hasStartImage) void removeStartImage();
            else if (entry.startImage) void startImage(entry).then((image) => image && takeStartImage(image, image.name), (e: Error) => setError(`The start image could not be read: ${e.message}`));
          }}
        >
          Re-use settings
        </button>
        {url && (
          <a className="button" href={url} download={entry.fileName}>
            Download
          </a>
        )}
        <ShareButton file={() => file(entry).then((f) => new File([f], entry.fileName, { type: entry.video.mimeType }))} />
        <button type="button" data-testid="history-delete" onClick={() => void remove(entry.id).catch((e: Error) => setError(e.message))}>
          Delete
        </button>
      </div>
    </li>
  );
}
