/** React access to the vanilla stores: one context holding them all, one hook per store. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState } from './state/appStore.js';
import type { CompareState } from './state/compareStore.js';
import type { CurvesState } from './state/curvesStore.js';
import type { ExperimentState } from './state/experimentStore.js';
import type { HeatmapState } from './state/heatmapStore.js';
import type { QaState } from './state/qaStore.js';
import type { ReplayState } from './state/replayStore.js';
import type { RunsState } from './state/runsStore.js';
import type { SceneState } from './state/sceneStore.js';
import type { Stores } from './state/stores.js';
import type { TrainingState } from './state/trainingStore.js';

export const StoresContext = createContext<Stores | null>(null);

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('StoresContext is missing: render views inside mountApp');
  return stores;
}

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useStores().app, selector);
}

export function useRuns<T>(selector: (s: RunsState) => T): T {
  return useStore(useStores().runs, selector);
}

export function useQa<T>(selector: (s: QaState) => T): T {
  return useStore(useStores().qa, selector);
}

export function useScene<T>(selector: (s: SceneState) => T): T {
  return useStore(useStores().scene, selector);
}

export function useHeatmap<T>(selector: (s: HeatmapState) => T): T {
  return useStore(useStores().heatmap, selector);
}

export function useCurves<T>(selector: (s: CurvesState) => T): T {
  return useStore(useStores().curves, selector);
}

export function useReplay<T>(selector: (s: ReplayState) => T): T {
  return useStore(useStores().replay, selector);
}

export function useTraining<T>(selector: (s: TrainingState) => T): T {
  return useStore(useStores().training, selector);
}

export function useCompare<T>(selector: (s: CompareState) => T): T {
  return useStore(useStores().compare, selector);
}

export function useExperiment<T>(selector: (s: ExperimentState) => T): T {
  return useStore(useStores().experiment, selector);
}
