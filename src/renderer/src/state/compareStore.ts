/**
 * Honest comparison: completed runs grouped by settings across seeds (the host groups and computes the
 * statistics), which groups the chart shows, and the two groups whose paired difference by seed is shown.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Comparison, WorkbenchApi } from '../../../shared/api.js';

import type { CompareAxis, CompareViewState } from '../lib/viewState.js';

export type { CompareAxis };

/** Groups charted by default: beyond this a chart of bands stops being readable. */
export const DEFAULT_SHOWN = 6;

export interface CompareState {
  data: Comparison | null;
  loading: boolean;
  /** Group keys on the chart (and in bold in the table). */
  shown: string[];
  /** a − b is the paired difference shown; null until two groups exist. */
  a: string | null;
  b: string | null;
  axis: CompareAxis;
  load(): Promise<void>;
  toggleGroup(key: string): void;
  setPair(a: string | null, b: string | null): void;
  setAxis(axis: CompareAxis): void;
  /** Shown groups, pair and axis at once, as an address describes them (loads when the pair changed or nothing is loaded). */
  applyView(view: CompareViewState): void;
}

export type CompareStore = StoreApi<CompareState>;

export interface CompareDeps {
  reportError(context: string, e: unknown): void;
}

/**
 * The default pair: against no feedback (the experiment's baseline) when a group runs without feedback,
 * otherwise the first two groups; a pair naming a group that is gone is dropped.
 */
export function defaultPair(data: Comparison, a: string | null, b: string | null): { a: string | null; b: string | null } {
  const keys = data.groups.map((g) => g.key);
  if (a !== null && b !== null && a !== b && keys.includes(a) && keys.includes(b)) return { a, b };
  if (keys.length < 2) return { a: null, b: null };
  const baseline = data.groups.find((g) => g.settings.mode === 'no-feedback')?.key ?? keys[1]!;
  return { a: keys.find((k) => k !== baseline)!, b: baseline };
}

export function createCompareStore(api: WorkbenchApi, deps: CompareDeps): CompareStore {
  let token = 0;
  return createStore<CompareState>()((set, get) => ({
    data: null,
    loading: false,
    shown: [],
    a: null,
    b: null,
    axis: 'round',
    async load() {
      const t = ++token;
      set({ loading: true });
      try {
        let { a, b } = get();
        let data: Comparison;
        try {
          data = await api.compareRuns(a !== null && b !== null ? { a, b } : undefined);
        } catch (e) {
          // A chosen group can vanish between two loads (its runs deleted or no longer completed): start afresh.
          if (a === null || b === null) throw e;
          a = b = null;
          data = await api.compareRuns();
        }
        if (t !== token) return;
        const pair = defaultPair(data, a, b);
        // The groups changed under the pair (or there was none yet): ask again with the pair that fits them.
        if (pair.a !== null && pair.b !== null && (pair.a !== a || pair.b !== b)) {
          data = await api.compareRuns({ a: pair.a, b: pair.b });
          if (t !== token) return;
        }
        const keys = data.groups.map((g) => g.key);
        const kept = get().shown.filter((k) => keys.includes(k));
        set({ data, loading: false, a: pair.a, b: pair.b, shown: kept.length > 0 ? kept : keys.slice(0, DEFAULT_SHOWN) });
      } catch (e) {
        if (t !== token) return;
        set({ loading: false });
        deps.reportError('Comparing runs', e);
      }
    },
    toggleGroup(key) {
      const shown = get().shown;
      set({ shown: shown.includes(key) ? shown.filter((k) => k !== key) : [...shown, key] });
    },
    setPair(a, b) {
      set({ a, b });
      if (a !== null && b !== null && a !== b) void get().load();
    },
    setAxis(axis) {
      set({ axis });
    },
    applyView({ shown, a, b, axis }) {
      const s = get();
      const pairChanged = (a !== null && b !== null && (a !== s.a || b !== s.b)) || (a === null && s.data === null);
      // Groups the address names that the host no longer has are dropped at load, as a vanished pair is.
      set({ shown: [...shown], axis, ...(a !== null && b !== null ? { a, b } : {}) });
      if ((pairChanged || !s.data) && !s.loading) void get().load();
    },
  }));
}
