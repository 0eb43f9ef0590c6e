import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

interface NotifyState {
  /** The user asked to be told when a job ends while the page is hidden. */
  readonly wanted: boolean;
  /** The browser refused (or was told to refuse) notifications for this page. */
  readonly blocked: boolean;
  /** Asks the browser's permission when turned on: call it only from a user's action, never on load. */
  setWanted(wanted: boolean): Promise<void>;
}

/** Whether this page may show a notification when a job ends: the browser supports them, the user wants them and allowed them. */
export function mayNotify(state: Pick<NotifyState, 'wanted'>): boolean {
  return state.wanted && typeof Notification !== 'undefined' && Notification.permission === 'granted';
}

/** The "Notify me when done" choice; kept across reloads. */
export const useNotifyStore = create<NotifyState>()(
  persist(
    (set) => ({
      wanted: false,
      blocked: false,
      async setWanted(wanted) {
        if (!wanted || typeof Notification === 'undefined') {
          set({ wanted: false });
          return;
        }
        const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
        set({ wanted: permission === 'granted', blocked: permission === 'denied' });
      },
    }),
    { name: 'wan-web.notify', version: 1, storage: createJSONStorage(() => localStorage), partialize: (state) => ({ wanted: state.wanted }) },
  ),
);
