import { useEffect } from 'react';
import { readShareFragment } from '../../state/share-link.ts';
import { useStudioRestore } from '../../state/studio-restore.ts';
import './history.css';

/** Fills the studio from a share link in the page's address (on load, or when one is pasted into this tab). */
function useShareLinkOpener() {
  useEffect(() => {
    const open = () => {
      const shared = readShareFragment(location.hash);
      if (shared === null) return;
      const { restore, tell } = useStudioRestore.getState();
      if (typeof shared === 'string') tell({ kind: 'failed', text: shared });
      else {
        restore(shared.settings, shared.output);
        tell({ kind: 'done', text: `The prompt, seed (${shared.settings.seed}) and settings from the link are filled in. Nothing was uploaded: the link itself carries them.` });
      }
      // Settings changed after this are the user's: a reload must not bring the link's back.
      history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    };
    open();
    window.addEventListener('hashchange', open);
    return () => window.removeEventListener('hashchange', open);
  }, []);
}

/** What the last restore (Re-use, a dropped video, a share link) did, or why it could not, until dismissed. */
export function RestoreNotice() {
  useShareLinkOpener();
  const { notice, tell } = useStudioRestore();
  const shown = (kind: 'done' | 'failed') =>
    notice?.kind === kind && (
      <div className={kind === 'failed' ? 'restore-notice restore-notice-failed' : 'restore-notice'}>
        <p>{notice.text}</p>
        <button type="button" onClick={() => tell(null)}>
          Dismiss
        </button>
      </div>
    );
  return (
    <div data-testid="restore-notice" data-kind={notice?.kind}>
      <div role="status">{shown('done')}</div>
      <div role="alert">{shown('failed')}</div>
    </div>
  );
}
