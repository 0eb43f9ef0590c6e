import { useEffect, useState } from 'react';
import { useModelLocation } from '../../state/use-model-location.ts';
import { wanWorker } from '../../state/worker-client.ts';

const DEBOUNCE_MS = 300;

/** The prompt's token count with the chosen model's tokenizer, a moment after typing stops; null while unknown (no model yet). */
export function usePromptTokens(prompt: string): number | null {
  const location = useModelLocation();
  const [tokens, setTokens] = useState<number | null>(null);
  useEffect(() => {
    if (!location) {
      setTokens(null);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      wanWorker()
        .promptTokens({ location, prompt })
        .then(
          (count) => current && setTokens(count),
          () => current && setTokens(null),
        );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [location, prompt]);
  return tokens;
}
