import { create } from 'zustand';
import type { EncodedVideo } from '../video/video-format.ts';
import { CachedPromise } from '../promise-cache.ts';
import { VideoHistory } from '../video/video-history.ts';
import type { HistoryEntry, StartImageFile } from '../video/video-history.ts';

interface HistoryState {
  readonly entries: readonly HistoryEntry[];
  readonly loaded: boolean;
  /** Why the history cannot be read or written here, if it cannot. */
  readonly error: string | null;
  load(): Promise<void>;
  add(video: EncodedVideo, startImage: StartImageFile | null): Promise<HistoryEntry>;
  remove(id: string): Promise<void>;
  file(entry: HistoryEntry): Promise<File>;
  startImage(entry: HistoryEntry): Promise<File | null>;
}

const history = new CachedPromise<VideoHistory>();
const open = () => history.get(() => VideoHistory.open());

/** The finished videos kept in this browser (OPFS), newest first. */
export const useHistoryStore = create<HistoryState>()((set, get) => ({
  entries: [],
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
  async remove(id) {
    await (await open()).remove(id);
    set({ entries: get().entries.filter((entry) => entry.id !== id) });
  },
  async file(entry) {
    return (await open()).file(entry);
  },
  async startImage(entry) {
    return (await open()).startImage(entry);
  },
}));
