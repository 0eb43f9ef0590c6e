import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { UNDO_WINDOW_MS, cancelDelete, dueDeletes, scheduleDelete, visibleEntries, withoutDeletes } from '../../src/state/pending-deletes.ts';
import type { PendingDelete } from '../../src/state/pending-deletes.ts';

const ENTRIES = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id }));

/** The history as the store runs it: a list, the pending deletes, the folders still on disk. */
class History {
  entries = [...ENTRIES];
  pending: readonly PendingDelete[] = [];
  folders = new Set(ENTRIES.map((entry) => entry.id));
  now = 0;
  remove(id: string) {
    this.pending = scheduleDelete(this.pending, id, this.now);
  }
  undo(id: string) {
    this.pending = cancelDelete(this.pending, id);
  }
  commit(now: number) {
    const due = dueDeletes(this.pending, now);
    this.pending = withoutDeletes(this.pending, due);
    this.entries = this.entries.filter((entry) => !due.includes(entry.id));
    for (const id of due) this.folders.delete(id);
  }
  visible() {
    return visibleEntries(this.entries, this.pending).map((entry) => entry.id);
  }
}

describe('delete with undo: the card goes at once, the files when the window ends', () => {
  test('a deleted entry is hidden at once, its folder stays until the window ends, and Undo brings it back', () => {
    const history = new History();
    history.remove('b');
    expect(history.visible()).toEqual(['a', 'c', 'd', 'e']);
    history.commit(UNDO_WINDOW_MS - 1);
    expect(history.folders.has('b')).toBe(true);
    history.undo('b');
    expect(history.visible()).toEqual(['a', 'b', 'c', 'd', 'e']);
    history.commit(Infinity);
    expect(history.folders.size).toBe(5);
  });

  test('after the window the folder goes; the page hiding (Infinity) removes every pending one at once', () => {
    const history = new History();
    history.remove('a');
    history.now = 1000;
    history.remove('c');
    history.commit(UNDO_WINDOW_MS);
    expect([...history.folders]).toEqual(['b', 'c', 'd', 'e']);
    expect(history.visible()).toEqual(['b', 'd', 'e']);
    history.commit(Infinity);
    expect([...history.folders]).toEqual(['b', 'd', 'e']);
  });

  test('deleting twice keeps the first deadline; undoing one delete keeps the others pending', () => {
    let pending = scheduleDelete([], 'a', 0);
    pending = scheduleDelete(pending, 'a', 5000);
    expect(pending).toEqual([{ id: 'a', until: UNDO_WINDOW_MS }]);
    pending = cancelDelete(scheduleDelete(pending, 'b', 10), 'a');
    expect(pending).toEqual([{ id: 'b', until: 10 + UNDO_WINDOW_MS }]);
  });

  test('any sequence of deletes, undos and waits removes exactly the entries deleted and not undone in time, never another', () => {
    const id = fc.constantFrom(...ENTRIES.map((entry) => entry.id));
    const step = fc.oneof(
      fc.record({ kind: fc.constant('remove' as const), id }),
      fc.record({ kind: fc.constant('undo' as const), id }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: UNDO_WINDOW_MS * 2 }) }),
      fc.record({ kind: fc.constant('hide' as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const history = new History();
        /** The model: when each undoable delete ends, and which ids are gone for good. */
        const deadline = new Map<string, number>();
        const gone = new Set<string>();
        for (const s of steps) {
          if (s.kind === 'remove' && !gone.has(s.id) && !deadline.has(s.id)) deadline.set(s.id, history.now + UNDO_WINDOW_MS);
          if (s.kind === 'remove') history.remove(s.id);
          if (s.kind === 'undo') {
            deadline.delete(s.id);
            history.undo(s.id);
          }
          if (s.kind === 'wait') history.now += s.ms;
          const end = s.kind === 'hide' ? Infinity : history.now;
          for (const [key, until] of deadline) {
            if (until > end) continue;
            gone.add(key);
            deadline.delete(key);
          }
          history.commit(end);
          expect([...history.folders].sort()).toEqual(ENTRIES.map((entry) => entry.id).filter((key) => !gone.has(key)));
          expect(history.visible()).toEqual(ENTRIES.map((entry) => entry.id).filter((key) => !gone.has(key) && !deadline.has(key)));
        }
      }),
    );
  });
});
