import { useEffect, useState } from 'react';
import { useHistoryStore } from '../../state/history-store.ts';
import type { HistoryEntry } from '../../video/video-history.ts';

/** An object URL of a stored video while the component shows it, or why it could not be read. */
export function useEntryUrl(entry: HistoryEntry): { url: string | null; error: string | null } {
  const file = useHistoryStore((state) => state.file);
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let objectUrl: string | null = null;
    let live = true;
    file(entry)
      .then((f) => {
        if (live) setUrl((objectUrl = URL.createObjectURL(f)));
      })
      .catch((e: Error) => live && setError(`The video file could not be read: ${e.message}`));
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [entry, file]);
  return { url, error };
}
