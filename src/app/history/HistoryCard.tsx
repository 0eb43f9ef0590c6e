import { useState } from 'react';
import { useHistoryStore } from '../../state/history-store.ts';
import type { HistoryEntry } from '../../video/video-history.ts';
import { decoderName } from '../../video/decoder-name.ts';
import { videoFileName } from '../../video/video-file-name.ts';
import { CopyLinkButton } from '../video/CopyLinkButton.tsx';
import { ShareButton } from '../video/ShareButton.tsx';
import { restoreFromEntry } from './restore-video.ts';
import { useEntryUrl } from './use-entry-url.ts';
import { extendVideo } from './extend-video.ts';
import { SegmentList } from './SegmentList.tsx';

/** One stored video: it plays in place; its settings can be re-used, linked or compared; download, share, delete. */
export function HistoryCard({ entry, picked, onPick }: { entry: HistoryEntry; picked: boolean; onPick(): void }) {
  const { file, remove } = useHistoryStore();
  const { url, error } = useEntryUrl(entry);
  const [busy, setBusy] = useState(false);
  const { settings, model, createdAt } = entry.provenance;
  const downloadName = videoFileName(entry.provenance, entry.video.container);
  const title = settings.prompt.trim() ? `“${settings.prompt.trim().slice(0, 40)}”` : 'the video with no prompt';
  return (
    <li className="history-card" data-testid="history-entry" data-id={entry.id}>
      {url && <video src={url} controls loop muted playsInline preload="metadata" data-testid="history-video" />}
      <p className="history-prompt">{settings.prompt || '(no prompt)'}</p>
      <p className="hint" data-testid="history-settings">
        {settings.width}×{settings.height} · {entry.video.frames} frames at {entry.video.fps} fps · {settings.sampler} {settings.steps} steps · guidance {settings.guidance} · shift{' '}
        {settings.shift} · seed {settings.seed}
        {entry.provenance.hasStartImage && ' · from a start image'} · {model} · {decoderName(entry.provenance.decoder)} · {new Date(createdAt).toLocaleString()}
      </p>
      {entry.provenance.segments && <SegmentList segments={entry.provenance.segments} />}
      {error && <p className="note-error">{error}</p>}
      <div className="actions">
        <button
          type="button"
          data-testid="history-reuse"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void restoreFromEntry(entry).finally(() => setBusy(false));
          }}
        >
          Re-use settings
        </button>
        <button
          type="button"
          data-testid="history-extend"
          aria-label={`Extend ${title}`}
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void file(entry)
              .then((video) => extendVideo(video, downloadName))
              .finally(() => setBusy(false));
          }}
        >
          Extend
        </button>
        {url && (
          <a className="button" href={url} download={downloadName} data-testid="history-download">
            Download
          </a>
        )}
        <ShareButton file={() => file(entry).then((f) => new File([f], downloadName, { type: entry.video.mimeType }))} />
        <CopyLinkButton shared={{ settings, output: { fps: entry.video.fps, container: entry.video.container } }} label={`Copy link with the settings of ${title}`} />
        <label className="checkbox">
          <input type="checkbox" data-testid="history-compare" aria-label={`Compare ${title}`} checked={picked} onChange={onPick} /> Compare
        </label>
        <button type="button" data-testid="history-delete" aria-label={`Delete ${title}`} onClick={() => remove(entry.id)}>
          Delete
        </button>
      </div>
    </li>
  );
}
