/**
 * The shell's scrolling main area, remembering the scroll per history entry: a view opens at its top, and Back or
 * Forward to another view return to where that entry was scrolled. Each entry gets a key in `history.state` (kept
 * by every replaceState of the shell); positions live in memory, so nothing is written to history while scrolling.
 *
 * A class component because only `getSnapshotBeforeUpdate` reads the leaving view's scroll before React replaces
 * it. Listening to `scroll` events instead lost positions under load: they arrive a frame late, after Back has
 * already changed `history.state`, and were filed under the wrong entry.
 */
import { Component, createRef, type ReactNode } from 'react';

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

/** What ends a pending restore: the user has taken the scroll over. */
const USER_INPUT = ['wheel', 'touchmove', 'keydown', 'pointerdown'] as const;

interface Props {
  /** The route's view: a change of view saves the leaving entry's scroll and restores the arriving one's. */
  view: string;
  className?: string;
  children: ReactNode;
}

export class ScrollMemoryMain extends Component<Props> {
  private readonly main = createRef<HTMLElement>();
  /** The history entry whose view is in the DOM. */
  private shown: string | null = null;
  private stopRestore: () => void = () => undefined;

  override componentDidMount(): void {
    this.shown = historyEntryKey();
    this.restore(positions.get(this.shown) ?? 0);
  }

  /** The leaving view's scroll, read before its DOM is replaced; null when the view stays. */
  override getSnapshotBeforeUpdate(prev: Props): number | null {
    return prev.view !== this.props.view && this.main.current ? this.main.current.scrollTop : null;
  }

  override componentDidUpdate(_prev: Props, _state: unknown, leaving: number | null): void {
    // Pushes within one view (a run picked in the list) move the shown entry without a restore.
    const arriving = historyEntryKey();
    if (leaving !== null) {
      if (this.shown !== null) positions.set(this.shown, leaving);
      this.restore(positions.get(arriving) ?? 0);
    }
    this.shown = arriving;
  }

  override componentWillUnmount(): void {
    this.stopRestore();
  }

  /**
   * Scrolls to `target`. While the arriving view's data loads it may not be tall enough yet, so the restore waits
   * for its content to change and tries again, until it lands, the user scrolls, or the view changes; no time
   * window, which a loaded machine outlasted.
   */
  private restore(target: number): void {
    this.stopRestore();
    const el = this.main.current;
    if (!el) return;
    const landed = (): boolean => Math.abs(el.scrollTop - target) < 1;
    el.scrollTop = target;
    if (landed()) return;
    const retry = (): void => {
      el.scrollTop = target;
      if (landed()) this.stopRestore();
    };
    // The area itself too: a window made smaller can make room for the target.
    const sizes = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(retry);
    const observeSizes = (): void => {
      for (const box of [el, ...Array.from(el.children)]) sizes?.observe(box);
    };
    observeSizes();
    const content = new MutationObserver(() => {
      observeSizes();
      retry();
    });
    content.observe(el, { childList: true, subtree: true });
    const stop = (): void => this.stopRestore();
    for (const type of USER_INPUT) el.addEventListener(type, stop, { passive: true });
    this.stopRestore = () => {
      sizes?.disconnect();
      content.disconnect();
      for (const type of USER_INPUT) el.removeEventListener(type, stop);
      this.stopRestore = () => undefined;
    };
  }

  override render(): ReactNode {
    return (
      <main className={this.props.className} ref={this.main}>
        {this.props.children}
      </main>
    );
  }
}
