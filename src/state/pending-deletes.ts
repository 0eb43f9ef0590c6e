/** How long a deleted video can be brought back before its files are removed. */
export const UNDO_WINDOW_MS = 8000;

/** A video deleted from the list whose files stay until `until` (ms since the epoch), so Undo can bring it back. */
export interface PendingDelete {
  readonly id: string;
  readonly until: number;
}

/** Marks `id` deleted; deleting it again keeps its first deadline. */
export function scheduleDelete(pending: readonly PendingDelete[], id: string, now: number, windowMs = UNDO_WINDOW_MS): readonly PendingDelete[] {
  return pending.some((item) => item.id === id) ? pending : [...pending, { id, until: now + windowMs }];
}

/** Undo: `id` is kept; every other pending delete goes on. */
export function cancelDelete(pending: readonly PendingDelete[], id: string): readonly PendingDelete[] {
  return pending.filter((item) => item.id !== id);
}

/** The deletes whose undo window has ended (all of them when the page is going away: `now` = Infinity). */
export function dueDeletes(pending: readonly PendingDelete[], now: number): readonly string[] {
  return pending.filter((item) => item.until <= now).map((item) => item.id);
}

/** The pending deletes left once `ids` are carried out. */
export function withoutDeletes(pending: readonly PendingDelete[], ids: readonly string[]): readonly PendingDelete[] {
  return pending.filter((item) => !ids.includes(item.id));
}

/** The entries the list shows: all but those deleted and still undoable. */
export function visibleEntries<Entry extends { readonly id: string }>(entries: readonly Entry[], pending: readonly PendingDelete[]): readonly Entry[] {
  return entries.filter((entry) => !pending.some((item) => item.id === entry.id));
}
