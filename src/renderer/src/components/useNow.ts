import { useEffect, useState } from 'react';

/** The current time, renewed every `intervalMs` while `ticking` (a running run's elapsed time and ETA move). */
export function useNow(ticking: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [ticking, intervalMs]);
  return now;
}
