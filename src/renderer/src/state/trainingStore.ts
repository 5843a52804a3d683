/**
 * Training dynamics: the runs whose per-step loss, learning rate and gradient norm are plotted, their series (as
 * the host downsampled them), and how they are drawn (x axis, log x, smoothing, overlaid or one run per row).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { TrainingSeries, WorkbenchApi } from '../../../shared/api.js';

import { DEFAULT_SMOOTHING, type TrainingAxis, type TrainingLayout, type TrainingViewState } from '../lib/viewState.js';

export { DEFAULT_SMOOTHING };
export type { TrainingAxis, TrainingLayout };

/** About the pixel width of a chart: more points per run would not be seen, only shipped. */
export const TRAINING_POINTS = 1000;

export interface TrainingState {
  runIds: string[];
  series: TrainingSeries[];
  loading: boolean;
  axis: TrainingAxis;
  logX: boolean;
  /** EMA weight in [0, 0.99]; 0 draws the raw values only. */
  smoothing: number;
  layout: TrainingLayout;
  toggleRun(runId: string): void;
  setRunIds(runIds: string[]): void;
  setAxis(axis: TrainingAxis): void;
  setLogX(logX: boolean): void;
  setSmoothing(weight: number): void;
  setLayout(layout: TrainingLayout): void;
  /** Runs and drawing at once, as an address describes them. */
  applyView(view: TrainingViewState): void;
  load(): Promise<void>;
}

export type TrainingStore = StoreApi<TrainingState>;

export interface TrainingDeps {
  reportError(context: string, e: unknown): void;
}

export function createTrainingStore(api: WorkbenchApi, deps: TrainingDeps): TrainingStore {
  let token = 0;
  return createStore<TrainingState>()((set, get) => ({
    runIds: [],
    series: [],
    loading: false,
    axis: 'step',
    logX: false,
    smoothing: DEFAULT_SMOOTHING,
    layout: 'overlay',
    toggleRun(runId) {
      const ids = get().runIds;
      get().setRunIds(ids.includes(runId) ? ids.filter((x) => x !== runId) : [...ids, runId]);
    },
    setRunIds(runIds) {
      set({ runIds });
      void get().load();
    },
    setAxis(axis) {
      set({ axis });
    },
    setLogX(logX) {
      set({ logX });
    },
    setSmoothing(weight) {
      set({ smoothing: Number.isFinite(weight) ? Math.min(0.99, Math.max(0, weight)) : DEFAULT_SMOOTHING });
    },
    setLayout(layout) {
      set({ layout });
    },
    applyView({ runIds, axis, logX, smoothing, layout }) {
      const same = runIds.length === get().runIds.length && runIds.every((id, i) => id === get().runIds[i]);
      set({ axis, logX, smoothing, layout });
      if (!same || (get().series.length === 0 && runIds.length > 0 && !get().loading)) get().setRunIds([...runIds]);
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
        const series = await api.trainingSeries({ runIds: ids, maxPoints: TRAINING_POINTS });
        if (t !== token) return;
        // In the order the runs were ticked, so each keeps its colour as others come and go.
        series.sort((a, b) => ids.indexOf(a.runId) - ids.indexOf(b.runId));
        set({ series, loading: false });
      } catch (e) {
        if (t !== token) return;
        set({ loading: false });
        deps.reportError('Loading the training statistics', e);
      }
    },
  }));
}
