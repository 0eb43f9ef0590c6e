import { create } from 'zustand';
import type { EncodedVideo } from '../video/video-format.ts';
import { CachedPromise } from '../promise-cache.ts';
import { VideoHistory, newestFirst } from '../video/video-history.ts';
import type { HistoryEntry, StartImageFile } from '../video/video-history.ts';
import { UNDO_WINDOW_MS, cancelDelete, dueDeletes, scheduleDelete, withoutDeletes } from './pending-deletes.ts';
import type { PendingDelete } from './pending-deletes.ts';

interface HistoryState {
  /** Every kept video, newest first, including those deleted but still undoable (see visibleEntries). */
  readonly entries: readonly HistoryEntry[];
  readonly pendingDeletes: readonly PendingDelete[];
  readonly loaded: boolean;
  /** Why the history cannot be read or written here, if it cannot. */
  readonly error: string | null;
  load(): Promise<void>;
  add(video: EncodedVideo, startImage: StartImageFile | null): Promise<HistoryEntry>;
  /** Takes the entry off the list now; its files go when the undo window ends (or the page is hidden). */
  remove(id: string): void;
  undoRemove(id: string): void;
  /** Removes the files of the deletes whose undo window has ended; `Infinity` removes them all. */
  commitDeletes(now?: number): Promise<void>;
  file(entry: HistoryEntry): Promise<File>;
  startImage(entry: HistoryEntry): Promise<File | null>;
}

const history = new CachedPromise<VideoHistory>();
const open = () => history.get(() => VideoHistory.open());

/** The finished videos kept in this browser (OPFS), newest first. */
export const useHistoryStore = create<HistoryState>()((set, get) => ({
  entries: [],
  pendingDeletes: [],
  loaded: false,
  error: null,
  async load() {
    try {
      set({ entries: await (await open()).list(), loaded: true, error: null });
    } catch (error) {
      set({ loaded: true, error: `The video history is not available in this browser: ${(error as Error).message}` });
    }
  },
  async add(video, startImage) {
    const entry = await (await open()).save(video, startImage);
    set({ entries: [entry, ...get().entries] });
    return entry;
  },
  remove(id) {
    set({ pendingDeletes: scheduleDelete(get().pendingDeletes, id, Date.now()) });
    setTimeout(() => void get().commitDeletes(), UNDO_WINDOW_MS);
  },
  undoRemove(id) {
    set({ pendingDeletes: cancelDelete(get().pendingDeletes, id) });
  },
  async commitDeletes(now = Date.now()) {
    const due = dueDeletes(get().pendingDeletes, now);
    if (due.length === 0) return;
    // Off the list and out of the undo row first, so a second call never removes them twice.
    const removed = get().entries.filter((entry) => due.includes(entry.id));
    set({ pendingDeletes: withoutDeletes(get().pendingDeletes, due), entries: get().entries.filter((entry) => !due.includes(entry.id)) });
    const failed: HistoryEntry[] = [];
    for (const entry of removed) await (await open()).remove(entry.id).catch(() => failed.push(entry));
    if (failed.length > 0) {
      set({ entries: [...get().entries, ...failed].sort(newestFirst), error: `${failed.length === 1 ? 'A video' : `${failed.length} videos`} could not be deleted from this browser's storage; try again.` });
    }
  },
  async file(entry) {
    return (await open()).file(entry);
  },
  async startImage(entry) {
    return (await open()).startImage(entry);
  },
}));
