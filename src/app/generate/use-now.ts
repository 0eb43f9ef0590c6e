import { useEffect, useState } from 'react';

/** `performance.now()`, refreshed every `intervalMs` while `ticking`, so times shown count on between events. */
export function useNow(ticking: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(performance.now());
    const timer = setInterval(() => setNow(performance.now()), intervalMs);
    return () => clearInterval(timer);
  }, [ticking, intervalMs]);
  return ticking ? now : performance.now();
}
