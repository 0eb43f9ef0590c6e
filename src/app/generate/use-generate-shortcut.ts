import { useEffect } from 'react';
import { useGenerationStore } from '../../state/generation-store.ts';

/** Ctrl+Enter (Cmd+Enter on a Mac) generates from anywhere on the page, the prompt box included. */
export function useGenerateShortcut(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || event.repeat) return;
      event.preventDefault();
      void useGenerationStore.getState().generate();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
