/** Curves: the runs on the chart, their series, and the controller's generation mix of one run. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CurveSeries, WorkbenchApi } from '../../../shared/api.js';
import { mixOverRounds, type MixOverRounds } from '../lib/generationMix.js';

export interface CurvesState {
  runIds: string[];
  series: CurveSeries[];
  loading: boolean;
  /** The run whose generation mix is shown. */
  mixRunId: string | null;
  mix: MixOverRounds | null;
  mixLoading: boolean;
  toggleRun(runId: string): void;
  setRunIds(runIds: string[]): void;
  setMixRun(runId: string | null): void;
  load(): Promise<void>;
  loadMix(): Promise<void>;
}

export type CurvesStore = StoreApi<CurvesState>;

export interface CurvesDeps {
  reportError(context: string, e: unknown): void;
}

export function createCurvesStore(api: WorkbenchApi, deps: CurvesDeps): CurvesStore {
  let token = 0;
  let mixToken = 0;
  return createStore<CurvesState>()((set, get) => ({
    runIds: [],
    series: [],
    loading: false,
    mixRunId: null,
    mix: null,
    mixLoading: false,
    toggleRun(runId) {
      const ids = get().runIds;
      get().setRunIds(ids.includes(runId) ? ids.filter((x) => x !== runId) : [...ids, runId]);
    },
    setRunIds(runIds) {
      set({ runIds });
      if (get().mixRunId === null || !runIds.includes(get().mixRunId!)) get().setMixRun(runIds[0] ?? null);
      void get().load();
    },
    setMixRun(mixRunId) {
      set({ mixRunId, mix: null });
      void get().loadMix();
    },
    async load() {
      const ids = get().runIds;
      const t = ++token;
      if (ids.length === 0) {
        set({ series: [], loading: false });
        return;
      }
      set({ loading: true });
      try {
        const series = await api.curves(ids);
        if (t !== token) return;
        // Keep the order the runs were chosen in, so colours stay put.
        series.sort((a, b) => ids.indexOf(a.runId) - ids.indexOf(b.runId));
        set({ series, loading: false });
      } catch (e) {
        if (t !== token) return;
        set({ loading: false });
        deps.reportError('Loading the learning curves', e);
      }
    },
    async loadMix() {
      const runId = get().mixRunId;
      const t = ++mixToken;
      if (!runId) {
        set({ mix: null, mixLoading: false });
        return;
      }
      set({ mixLoading: true });
      try {
        const detail = await api.getRun(runId);
        if (t !== mixToken) return;
        set({ mix: mixOverRounds(detail.decisions), mixLoading: false });
      } catch (e) {
        if (t !== mixToken) return;
        set({ mixLoading: false });
        deps.reportError(`Loading the controller decisions of run ${runId}`, e);
      }
    },
  }));
}
