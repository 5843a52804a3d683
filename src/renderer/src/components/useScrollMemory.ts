/**
 * Scroll position per history entry of the shell's scrolling main area: a view opens at its top, and Back or
 * Forward return to where that entry's view was scrolled. Each entry gets a key in `history.state` (kept by every
 * replaceState of the shell); positions live in memory, so nothing is written to history while scrolling.
 */
import { useEffect, useLayoutEffect, type RefObject } from 'react';

const positions = new Map<string, number>();
let counter = 0;

/** The current history entry's key, given one on first sight. */
export function historyEntryKey(): string {
  const state = history.state as { entry?: unknown } | null;
  if (state && typeof state.entry === 'string') return state.entry;
  const entry = `${Date.now().toString(36)}.${++counter}`;
  history.replaceState({ ...(state ?? {}), entry }, '');
  return entry;
}

/**
 * How long a restore keeps trying while the view's data arrives and the content grows tall enough. 1.5 s was too
 * short on a loaded machine (CI saw Forward land at the top of Curves); the user's own wheel, touch or key stops it
 * earlier, so a late restore never fights them.
 */
const RESTORE_MS = 5000;

export function useScrollMemory(ref: RefObject<HTMLElement | null>, view: string): void {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onScroll = (): void => {
      positions.set(historyEntryKey(), el.scrollTop);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, [ref]);

  // Runs when the view changes, after the new view is in the DOM and before it is painted.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const target = positions.get(historyEntryKey()) ?? 0;
    el.scrollTop = target;
    if (target === 0 || Math.abs(el.scrollTop - target) < 1) return;
    // Not tall enough yet (its data is loading): try again each frame for a while, unless the user scrolls first.
    const until = performance.now() + RESTORE_MS;
    let frame = 0;
    let userScrolled = false;
    const stop = (): void => {
      userScrolled = true;
    };
    el.addEventListener('wheel', stop, { passive: true });
    el.addEventListener('touchmove', stop, { passive: true });
    el.addEventListener('keydown', stop);
    const retry = (): void => {
      if (userScrolled || performance.now() > until) return;
      el.scrollTop = target;
      if (Math.abs(el.scrollTop - target) >= 1) frame = requestAnimationFrame(retry);
    };
    frame = requestAnimationFrame(retry);
    return () => {
      cancelAnimationFrame(frame);
      el.removeEventListener('wheel', stop);
      el.removeEventListener('touchmove', stop);
      el.removeEventListener('keydown', stop);
    };
  }, [ref, view]);
}
