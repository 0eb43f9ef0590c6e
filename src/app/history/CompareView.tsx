import { useRef, useState } from 'react';
import type { RefObject } from 'react';
import { compareSettings } from '../../state/compare-settings.ts';
import type { HistoryEntry } from '../../video/video-history.ts';
import { useEntryUrl } from './use-entry-url.ts';
import './history.css';

/** Two stored videos side by side, playing together, with the settings that differ marked. */
export function CompareView({ entries, onClose }: { entries: readonly [HistoryEntry, HistoryEntry]; onClose(): void }) {
  const videos = [useRef<HTMLVideoElement>(null), useRef<HTMLVideoElement>(null)];
  const [playing, setPlaying] = useState(false);
  const both = () => videos.map((ref) => ref.current).filter((video) => video !== null);
  const playTogether = async (fromStart: boolean) => {
    const [leader] = both();
    const time = fromStart || !leader ? 0 : leader.currentTime;
    for (const video of both()) video.currentTime = Math.min(time, video.duration || 0);
    await Promise.all(both().map((video) => video.play()));
    setPlaying(true);
  };
  const pause = () => {
    for (const video of both()) video.pause();
    setPlaying(false);
  };
  /** B follows A while both are within their length (a longer one plays on alone when the other loops). */
  const follow = () => {
    const [leader, follower] = both();
    if (!leader || !follower || leader.paused || leader.currentTime > follower.duration) return;
    if (Math.abs(follower.currentTime - leader.currentTime) > 0.25) follower.currentTime = leader.currentTime;
  };
  const rows = compareSettings(entries[0], entries[1]);
  const differing = rows.filter((row) => row.differs).length;
  return (
    <section className="compare-view" aria-labelledby="compare-heading" data-testid="compare-view">
      <h3 id="compare-heading">Comparing two videos</h3>
      <div className="compare-videos">
        {entries.map((entry, index) => (
          <CompareVideo key={entry.id} entry={entry} label={index === 0 ? 'A' : 'B'} videoRef={videos[index]!} onTimeUpdate={index === 0 ? follow : undefined} />
        ))}
      </div>
      <div className="actions">
        <button type="button" data-testid="compare-play" onClick={() => (playing ? pause() : void playTogether(false))}>
          {playing ? 'Pause both' : 'Play both'}
        </button>
        <button type="button" onClick={() => void playTogether(true)}>
          Both from the start
        </button>
        <button type="button" data-testid="compare-close" onClick={onClose}>
          Close the comparison
        </button>
      </div>
      <table className="compare-table" data-testid="compare-settings">
        <caption>{differing === 0 ? 'The same settings' : `${differing} ${differing === 1 ? 'setting differs' : 'settings differ'} (marked)`}</caption>
        <thead>
          <tr>
            <th scope="col">Setting</th>
            <th scope="col">A</th>
            <th scope="col">B</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label} className={row.differs ? 'compare-differs' : undefined} data-differs={row.differs}>
              <th scope="row">
                {row.label}
                {row.differs && <span className="visually-hidden"> (differs)</span>}
              </th>
              <td>{row.differs ? <mark>{row.first}</mark> : row.first}</td>
              <td>{row.differs ? <mark>{row.second}</mark> : row.second}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function CompareVideo(props: { entry: HistoryEntry; label: string; videoRef: RefObject<HTMLVideoElement | null>; onTimeUpdate: (() => void) | undefined }) {
  const { entry, label, videoRef, onTimeUpdate } = props;
  const { url, error } = useEntryUrl(entry);
  return (
    <figure className="compare-video">
      {url && <video ref={videoRef} src={url} loop muted playsInline preload="auto" data-testid="compare-video" aria-label={`Video ${label}`} onTimeUpdate={onTimeUpdate} />}
      {error && <p className="note-error">{error}</p>}
      <figcaption className="hint">
        {label}: seed {entry.provenance.settings.seed}
      </figcaption>
    </figure>
  );
}
