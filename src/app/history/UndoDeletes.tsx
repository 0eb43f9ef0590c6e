import { useEffect } from 'react';
import { useHistoryStore } from '../../state/history-store.ts';

/**
 * One line per video deleted in the last few seconds, with Undo. Its files go when the undo
 * window ends, or at once when the page is hidden or closed (nothing would be left to undo it).
 */
export function UndoDeletes() {
  const { entries, pendingDeletes, undoRemove, commitDeletes } = useHistoryStore();
  useEffect(() => {
    const commitAll = () => void commitDeletes(Infinity);
    const onVisibility = () => document.visibilityState === 'hidden' && commitAll();
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', commitAll);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', commitAll);
    };
  }, [commitDeletes]);
  const deleted = pendingDeletes.flatMap((pending) => entries.filter((entry) => entry.id === pending.id));
  return (
    <div role="status" className="undo-deletes" data-testid="undo-deletes">
      {deleted.map((entry) => {
        const prompt = entry.provenance.settings.prompt.trim();
        const name = prompt ? `“${prompt.length > 50 ? `${prompt.slice(0, 49)}…` : prompt}”` : 'The video with no prompt';
        return (
          <p key={entry.id} className="undo-delete">
            {name} was deleted.{' '}
            <button type="button" data-testid="history-undo" onClick={() => undoRemove(entry.id)}>
              Undo
            </button>
          </p>
        );
      })}
    </div>
  );
}
