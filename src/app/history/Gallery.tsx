import { useEffect } from 'react';
import { useHistoryStore } from '../../state/history-store.ts';
import { HistoryCard } from './HistoryCard.tsx';

/** Every video kept in this browser, newest first. */
export function Gallery() {
  const { entries, loaded, error, load } = useHistoryStore();
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section className="panel gallery" aria-labelledby="gallery-heading" data-testid="gallery" data-loaded={loaded}>
      <h2 id="gallery-heading">History</h2>
      {error && <p className="note-warn">{error}</p>}
      {loaded && !error && entries.length === 0 && <p className="hint">Finished videos are kept here, in this browser only.</p>}
      <ul className="gallery-list">
        {entries.map((entry) => (
          <HistoryCard key={entry.id} entry={entry} />
        ))}
      </ul>
    </section>
  );
}
