/** The data-efficiency experiments found among the workspace's runs, and which one is shown. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ExperimentView, WorkbenchApi } from '../../../shared/api.js';

export type ExperimentAxis = 'samples' | 'round';

export interface ExperimentState {
  list: ExperimentView[] | null;
  loading: boolean;
  selected: string | null;
  axis: ExperimentAxis;
  load(): Promise<void>;
  select(key: string): void;
  setAxis(axis: ExperimentAxis): void;
}

export type ExperimentStore = StoreApi<ExperimentState>;

export interface ExperimentDeps {
  reportError(context: string, e: unknown): void;
}

export function createExperimentStore(api: WorkbenchApi, deps: ExperimentDeps): ExperimentStore {
  let token = 0;
  return createStore<ExperimentState>()((set, get) => ({
    list: null,
    loading: false,
    selected: null,
    axis: 'samples',
    async load() {
      const t = ++token;
      set({ loading: true });
      try {
        const list = await api.experiments();
        if (t !== token) return;
        const selected = get().selected;
        // The one with most runs is the experiment most likely meant; a chosen one stays chosen while it exists.
        const biggest = [...list].sort((a, b) => count(b) - count(a))[0]?.key ?? null;
        set({ list, loading: false, selected: selected !== null && list.some((e) => e.key === selected) ? selected : biggest });
      } catch (e) {
        if (t !== token) return;
        set({ loading: false });
        deps.reportError('Loading the experiments', e);
      }
    },
    select(key) {
      set({ selected: key });
    },
    setAxis(axis) {
      set({ axis });
    },
  }));
}

function count(e: ExperimentView): number {
  return e.arms.reduce((n, a) => n + a.cells.length, 0);
}
