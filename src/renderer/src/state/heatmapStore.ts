/** Heatmaps: which run, which table (kind), which metric and family, the data, and drilling into QA. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { HeatmapCell, HeatmapData, HeatmapKind, HeatmapMetric, HeatmapQuery, WorkbenchApi } from '../../../shared/api.js';
import { drillFilter, type DrillFilter } from '../lib/heatmapDrill.js';

export interface HeatmapState {
  runId: string | null;
  kind: HeatmapKind;
  metric: HeatmapMetric;
  /** bin-round only: the family whose bins are the rows (null: all families). */
  family: string | null;
  data: HeatmapData | null;
  loading: boolean;
  setRunId(runId: string | null): void;
  setKind(kind: HeatmapKind): void;
  setMetric(metric: HeatmapMetric): void;
  setFamily(family: string | null): void;
  load(): Promise<void>;
  /** Applies the cell's filter to the QA explorer and opens it. */
  drill(cell: HeatmapCell): void;
}

export type HeatmapStore = StoreApi<HeatmapState>;

export interface HeatmapDeps {
  reportError(context: string, e: unknown): void;
  onDrill(runId: string, filter: DrillFilter): void;
}

export function heatmapQuery(s: Pick<HeatmapState, 'runId' | 'kind' | 'metric' | 'family'>): HeatmapQuery | null {
  if (!s.runId) return null;
  const q: HeatmapQuery = { runId: s.runId, kind: s.kind, metric: s.metric };
  if (s.kind === 'bin-round' && s.family) q.family = s.family;
  return q;
}

export function createHeatmapStore(api: WorkbenchApi, deps: HeatmapDeps): HeatmapStore {
  let token = 0;
  return createStore<HeatmapState>()((set, get) => ({
    runId: null,
    kind: 'family-round',
    metric: 'confidence',
    family: null,
    data: null,
    loading: false,
    setRunId(runId) {
      if (runId === get().runId) return;
      set({ runId, data: null });
      void get().load();
    },
    setKind(kind) {
      if (kind === get().kind) return;
      set({ kind });
      void get().load();
    },
    setMetric(metric) {
      if (metric === get().metric) return;
      set({ metric });
      void get().load();
    },
    setFamily(family) {
      if (family === get().family) return;
      set({ family });
      void get().load();
    },
    async load() {
      const q = heatmapQuery(get());
      const t = ++token;
      if (!q) {
        set({ data: null, loading: false });
        return;
      }
      set({ loading: true });
      try {
        const data = await api.heatmap(q);
        if (t !== token) return;
        set({ data, loading: false });
      } catch (e) {
        if (t !== token) return;
        set({ loading: false });
        deps.reportError('Loading the heatmap', e);
      }
    },
    drill(cell) {
      const data = get().data;
      if (!data || cell.n === 0) return;
      deps.onDrill(data.query.runId, drillFilter(data.query, cell));
    },
  }));
}
