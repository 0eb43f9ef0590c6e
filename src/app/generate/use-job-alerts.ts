import { useEffect, useRef } from 'react';
import { useGenerationStore } from '../../state/generation-store.ts';
import { jobEndNotice } from '../../state/job-progress-text.ts';
import { mayNotify, useNotifyStore } from '../../state/notify-store.ts';

/** Shows `title` in the browser tab while it is set, and the page's own title again once it is null. */
export function useTabTitle(title: string | null): void {
  const pageTitle = useRef(document.title);
  useEffect(() => {
    document.title = title ?? pageTitle.current;
  }, [title]);
  useEffect(() => () => void (document.title = pageTitle.current), []);
}

/** A notification when a job ends while the page is hidden, if the user asked for one. */
export function useJobEndNotification(): void {
  useEffect(
    () =>
      useGenerationStore.subscribe((state, previous) => {
        if (previous.status !== 'running' || state.status === 'running' || state.status === 'idle') return;
        if (!document.hidden || !mayNotify(useNotifyStore.getState())) return;
        const notice = jobEndNotice({ status: state.status, tookMs: state.tookMs, error: state.error, prompt: (state.running ?? previous.running)?.settings.prompt ?? '' });
        if (!notice) return;
        const notification = new Notification(notice.title, { body: notice.body, tag: 'wan-web-job' });
        notification.onclick = () => {
          window.focus();
          notification.close();
        };
      }),
    [],
  );
}
