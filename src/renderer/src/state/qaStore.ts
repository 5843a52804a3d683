/**
 * The QA explorer's state: filter and sort, the paged rows of the virtualised table (fetched a page at a time
 * as they scroll into view, each row with its latest prediction), family grouping, the selected QA's detail and
 * program re-run, and export of the whole filtered set.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ProgramRerun, QaDetail, QaSortKey, WorkbenchApi } from '../../../shared/api.js';
import { FAMILIES } from '../../../shared/proposer.js';
import type { QaRecord } from '../../../shared/records.js';
import { exportFilename, exportMime, qaCsvHeader, qaCsvRow, qaJsonlLine, type ExportFormat } from '../lib/qaExport.js';
import { toQuery, type QaFilter, type QaSort } from '../lib/qaFilter.js';
import { orderCounts } from '../lib/qaGroups.js';
import type { QaViewState } from '../lib/viewState.js';
import { pagesFor } from '../lib/windowing.js';

export const QA_PAGE_SIZE = 100;
export const EXPORT_PAGE_SIZE = 500;

export interface ExportProgress {
  format: ExportFormat;
  done: number;
  total: number;
}

export interface ExportFile {
  filename: string;
  mime: string;
  content: string;
  rows: number;
}

export interface QaState {
  filter: QaFilter;
  sort: QaSort;
  /** Bumped whenever filter, sort or grouping change; responses of older generations are dropped. */
  generation: number;
  total: number | null;
  loading: boolean;
  pages: Record<number, QaRecord[]>;
  grouping: boolean;
  /** Family counts in the host's order when grouping (null until loaded). */
  groupCounts: [string, number][] | null;
  /** True when the family counts do not add up to the total (families this build does not know). */
  groupMismatch: boolean;
  collapsed: Record<string, boolean>;
  selectedId: number | null;
  detail: QaDetail | null;
  detailLoading: boolean;
  rerunResult: ProgramRerun | null;
  rerunning: boolean;
  exporting: ExportProgress | null;

  /** Merges into the filter (replace: sets it outright, as a heatmap drill does). */
  setFilter(patch: Partial<QaFilter>, replace?: boolean): void;
  setSort(key: QaSortKey, descending?: boolean): void;
  /** Filter, sort and grouping at once, as an address describes them (one reload). */
  applyView(view: QaViewState): void;
  setGrouping(on: boolean): void;
  toggleGroup(family: string): void;
  reload(): Promise<void>;
  /** Loads the pages holding rows [start, end) of the result. */
  ensureRows(start: number, end: number): Promise<void>;
  select(qaId: number | null): Promise<void>;
  rerun(): Promise<void>;
  /**
   * The question `delta` places after `qaId` in the current filtered, sorted list (the table's rows, loading the
   * page it is on when not loaded yet); null when `qaId` is not among the loaded rows or the step leaves the list.
   */
  neighbour(qaId: number, delta: number): Promise<QaRecord | null>;
  exportAll(format: ExportFormat): Promise<ExportFile | null>;
  cancelExport(): void;
}

export type QaStore = StoreApi<QaState>;

export interface QaDeps {
  reportError(context: string, e: unknown): void;
}

/** The row at a result offset, when its page is loaded. */
export function rowAt(state: Pick<QaState, 'pages'>, offset: number): QaRecord | undefined {
  return state.pages[Math.floor(offset / QA_PAGE_SIZE)]?.[offset % QA_PAGE_SIZE];
}

/** A question's offset in the loaded rows of the list, or null when no loaded page holds it. */
export function offsetOfQa(state: Pick<QaState, 'pages'>, qaId: number): number | null {
  for (const [page, rows] of Object.entries(state.pages)) {
    const i = rows.findIndex((r) => r.id === qaId);
    if (i >= 0) return Number(page) * QA_PAGE_SIZE + i;
  }
  return null;
}

/** A question's record: from the loaded rows of the list (no request), else the loaded detail; null when neither has it. */
export function questionRecord(state: Pick<QaState, 'pages' | 'detail'>, qaId: number): QaRecord | null {
  for (const rows of Object.values(state.pages)) {
    const row = rows.find((r) => r.id === qaId);
    if (row) return row;
  }
  return state.detail?.qa.id === qaId ? state.detail.qa : null;
}

export function effectiveSort(state: Pick<QaState, 'grouping' | 'sort'>): QaSort {
  return state.grouping ? { key: 'family', descending: false } : state.sort;
}

function sameFilter(a: QaFilter, b: QaFilter): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof QaFilter>;
  for (const k of keys) if ((a[k] ?? undefined) !== (b[k] ?? undefined)) return false;
  return true;
}

function clean(filter: QaFilter): QaFilter {
  const out: QaFilter = { runId: filter.runId };
  for (const [k, v] of Object.entries(filter) as [keyof QaFilter, unknown][]) {
    if (k === 'runId' || v === undefined || v === null || v === '') continue;
    (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}

export function createQaStore(api: WorkbenchApi, deps: QaDeps): QaStore {
  const inflight = new Set<string>();
  let detailToken = 0;
  let exportCancelled = false;

  return createStore<QaState>()((set, get) => {
    const resetRows = (patch: Partial<QaState>): void => {
      inflight.clear();
      set({ ...patch, generation: get().generation + 1, pages: {}, total: null, groupCounts: null, groupMismatch: false });
      void get().reload();
    };

    const loadGroupCounts = async (generation: number): Promise<void> => {
      const s = get();
      const base = toQuery(s.filter, effectiveSort(s), 0, 1);
      if (!base) return;
      const families: string[] = s.filter.family ? [s.filter.family] : [...FAMILIES];
      const counts: Record<string, number> = {};
      await Promise.all(
        families.map(async (family) => {
          const page = await api.queryQa({ ...base, family });
          counts[family] = page.total;
        }),
      );
      if (get().generation !== generation) return;
      const ordered = orderCounts(counts, false);
      const sum = ordered.reduce((a, [, n]) => a + n, 0);
      const total = get().total;
      set({ groupCounts: ordered, groupMismatch: total !== null && sum !== total });
    };

    return {
      filter: { runId: null },
      sort: { key: 'id', descending: false },
      generation: 0,
      total: null,
      loading: false,
      pages: {},
      grouping: false,
      groupCounts: null,
      groupMismatch: false,
      collapsed: {},
      selectedId: null,
      detail: null,
      detailLoading: false,
      rerunResult: null,
      rerunning: false,
      exporting: null,

      setFilter(patch, replace = false) {
        const next = clean(replace ? { runId: get().filter.runId, ...patch } : { ...get().filter, ...patch });
        if (sameFilter(next, get().filter)) {
          if (get().total === null && !get().loading) void get().reload();
          return;
        }
        const runChanged = next.runId !== get().filter.runId;
        // A new run, or a whole new filter (a drill-down), starts without the previous selection.
        const clearSelection = runChanged || replace ? { selectedId: null, detail: null, rerunResult: null } : {};
        resetRows({ filter: next, ...clearSelection, ...(runChanged ? { collapsed: {} } : {}) });
      },

      setSort(key, descending) {
        const cur = get().sort;
        const desc = descending ?? (cur.key === key ? !cur.descending : key === 'confidence');
        if (cur.key === key && cur.descending === desc) return;
        resetRows({ sort: { key, descending: desc } });
      },

      applyView({ filter, sort, grouping }) {
        const s = get();
        const next = clean(filter);
        if (sameFilter(next, s.filter) && s.sort.key === sort.key && s.sort.descending === sort.descending && s.grouping === grouping) {
          if (s.total === null && !s.loading) void s.reload();
          return;
        }
        const runChanged = next.runId !== s.filter.runId;
        const keep = s.detail?.qa.runId === next.runId && s.detail?.qa.id === s.selectedId;
        resetRows({
          filter: next,
          sort: { ...sort },
          grouping,
          ...(runChanged && !keep ? { selectedId: null, detail: null, rerunResult: null } : {}),
          ...(runChanged ? { collapsed: {} } : {}),
        });
      },

      setGrouping(on) {
        if (on === get().grouping) return;
        resetRows({ grouping: on });
      },

      toggleGroup(family) {
        const c = get().collapsed;
        set({ collapsed: { ...c, [family]: !c[family] } });
      },

      async reload() {
        const s = get();
        const generation = s.generation;
        const q = toQuery(s.filter, effectiveSort(s), 0, QA_PAGE_SIZE);
        if (!q) {
          set({ total: null, loading: false });
          return;
        }
        set({ loading: true });
        const key = `${generation}:0`;
        inflight.add(key);
        try {
          const page = await api.queryQa(q);
          if (get().generation !== generation) return;
          set({ total: page.total, pages: { ...get().pages, 0: page.rows }, loading: false });
          if (get().grouping) await loadGroupCounts(generation);
        } catch (e) {
          if (get().generation !== generation) return;
          set({ loading: false, total: 0 });
          deps.reportError('Querying QA', e);
        } finally {
          inflight.delete(key);
        }
      },

      async ensureRows(start, end) {
        const s = get();
        if (s.total === null) return;
        const generation = s.generation;
        const missing = pagesFor(Math.max(0, start), Math.min(end, s.total), QA_PAGE_SIZE).filter(
          (p) => !s.pages[p] && !inflight.has(`${generation}:${p}`),
        );
        await Promise.all(
          missing.map(async (p) => {
            const key = `${generation}:${p}`;
            const q = toQuery(s.filter, effectiveSort(s), p * QA_PAGE_SIZE, QA_PAGE_SIZE);
            if (!q) return;
            inflight.add(key);
            try {
              const page = await api.queryQa(q);
              if (get().generation !== generation) return;
              set({ pages: { ...get().pages, [p]: page.rows }, total: page.total });
            } catch (e) {
              if (get().generation === generation) deps.reportError('Loading QA rows', e);
            } finally {
              inflight.delete(key);
            }
          }),
        );
      },

      async select(qaId) {
        const token = ++detailToken;
        set({ selectedId: qaId, detail: null, rerunResult: null, detailLoading: qaId !== null });
        if (qaId === null) return;
        try {
          const detail = await api.getQa(qaId);
          if (token !== detailToken) return;
          set({ detail, detailLoading: false });
          // A question opened by id (a deep link) is shown beside its own run's table, not another run's; the
          // other run's filters mean nothing there.
          if (detail.qa.runId !== get().filter.runId) resetRows({ filter: { runId: detail.qa.runId }, collapsed: {} });
        } catch (e) {
          if (token !== detailToken) return;
          set({ detailLoading: false });
          deps.reportError(`Loading QA ${qaId}`, e);
        }
      },

      async rerun() {
        const id = get().selectedId;
        if (id === null) return;
        set({ rerunning: true, rerunResult: null });
        try {
          const result = await api.rerunProgram(id);
          if (get().selectedId === id) set({ rerunResult: result });
        } catch (e) {
          deps.reportError(`Re-running the program of QA ${id}`, e);
        } finally {
          set({ rerunning: false });
        }
      },

      async neighbour(qaId, delta) {
        const s = get();
        const at = offsetOfQa(s, qaId);
        if (at === null || s.total === null) return null;
        const target = at + delta;
        if (target < 0 || target >= s.total) return null;
        if (!rowAt(s, target)) await get().ensureRows(target, target + 1);
        // The list may have changed while the page loaded (a new filter): the answer is then no longer meaningful.
        return get().generation === s.generation ? (rowAt(get(), target) ?? null) : null;
      },

      async exportAll(format) {
        const s = get();
        if (!s.filter.runId || s.exporting) return null;
        exportCancelled = false;
        const sort = effectiveSort(s);
        const chunks: string[] = format === 'csv' ? [qaCsvHeader()] : [];
        let offset = 0;
        let total = s.total ?? 0;
        set({ exporting: { format, done: 0, total } });
        try {
          for (;;) {
            if (exportCancelled) return null;
            const q = toQuery(s.filter, sort, offset, EXPORT_PAGE_SIZE)!;
            const page = await api.queryQa(q);
            total = page.total;
            if (page.rows.length === 0) break;
            for (const row of page.rows) chunks.push(format === 'csv' ? qaCsvRow(row) : qaJsonlLine(row));
            offset += page.rows.length;
            set({ exporting: { format, done: offset, total } });
            if (offset >= total || page.rows.length < EXPORT_PAGE_SIZE) break;
          }
          return { filename: exportFilename(s.filter, format), mime: exportMime(format), content: chunks.join(''), rows: offset };
        } catch (e) {
          deps.reportError(`Exporting QA as ${format.toUpperCase()}`, e);
          return null;
        } finally {
          set({ exporting: null });
        }
      },

      cancelExport() {
        exportCancelled = true;
      },
    };
  });
}
