import { useEffect, useState } from 'react';
import { togglePick } from '../../state/compare-settings.ts';
import { useHistoryStore } from '../../state/history-store.ts';
import { visibleEntries } from '../../state/pending-deletes.ts';
import { CompareView } from './CompareView.tsx';
import { HistoryCard } from './HistoryCard.tsx';
import { UndoDeletes } from './UndoDeletes.tsx';
import { VideoSettingsDrop } from './VideoSettingsDrop.tsx';
import './history.css';

/** Every video kept in this browser, newest first: compare two, undo a delete, or bring back a video's settings. */
export function Gallery() {
  const { entries: all, pendingDeletes, loaded, error, load } = useHistoryStore();
  const [picked, setPicked] = useState<readonly string[]>([]);
  const [comparing, setComparing] = useState(false);
  useEffect(() => {
    void load();
  }, [load]);
  const entries = visibleEntries(all, pendingDeletes);
  const pair = picked.map((id) => entries.find((entry) => entry.id === id)).filter((entry) => entry !== undefined);
  return (
    <section className="panel gallery" aria-labelledby="gallery-heading" data-testid="gallery" data-loaded={loaded}>
      <h2 id="gallery-heading">History</h2>
      {error && <p className="note-warn">{error}</p>}
      {loaded && !error && entries.length === 0 && <p className="hint">Finished videos are kept here, in this browser only.</p>}
      <UndoDeletes />
      {comparing && pair.length === 2 && <CompareView entries={[pair[0]!, pair[1]!]} onClose={() => setComparing(false)} />}
      {entries.length > 1 && (
        <div className="actions">
          <button type="button" data-testid="compare-open" disabled={pair.length !== 2} onClick={() => setComparing(true)}>
            Compare the two picked
          </button>
          <span className="hint">{pair.length === 2 ? 'Two videos picked.' : 'Tick Compare on two videos to see them side by side.'}</span>
        </div>
      )}
      <ul className="gallery-list">
        {entries.map((entry) => (
          <HistoryCard key={entry.id} entry={entry} picked={picked.includes(entry.id)} onPick={() => setPicked(togglePick(picked, entry.id))} />
        ))}
      </ul>
      <VideoSettingsDrop />
    </section>
  );
}
