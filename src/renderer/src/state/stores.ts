/**
 * All of the renderer's stores, created for one WorkbenchApi, and the wiring between them: live events from
 * `subscribe`, route changes that load what a view needs, and defaults (the newest run) for the run pickers.
 * Nothing here touches React or the DOM; `mountApp` adds those.
 */
import type { WorkbenchApi } from '../../../shared/api.js';
import type { LoopEvent } from '../../../shared/loop.js';
import type { Route } from '../lib/route.js';
import { createAppStore, type AppStore } from './appStore.js';
import { createCompareStore, type CompareStore } from './compareStore.js';
import { createCurvesStore, type CurvesStore } from './curvesStore.js';
import { createExperimentStore, type ExperimentStore } from './experimentStore.js';
import { createHeatmapStore, type HeatmapStore } from './heatmapStore.js';
import { createQaStore, type QaStore } from './qaStore.js';
import { createRunsStore, type RunsStore } from './runsStore.js';
import { createSceneStore, type SceneDeps, type SceneStore } from './sceneStore.js';
import { createTrainingStore, type TrainingStore } from './trainingStore.js';

export interface Stores {
  api: WorkbenchApi;
  app: AppStore;
  runs: RunsStore;
  qa: QaStore;
  scene: SceneStore;
  heatmap: HeatmapStore;
  curves: CurvesStore;
  training: TrainingStore;
  compare: CompareStore;
  experiment: ExperimentStore;
}

export interface StoresOptions {
  onNavigate?: (hash: string) => void;
  initialRoute?: Route;
  makeImageUrl?: SceneDeps['makeImageUrl'];
  revokeImageUrl?: SceneDeps['revokeImageUrl'];
}

export function createStores(api: WorkbenchApi, opts: StoresOptions = {}): Stores {
  const app = createAppStore(api, { ...(opts.onNavigate ? { onNavigate: opts.onNavigate } : {}), ...(opts.initialRoute ? { initialRoute: opts.initialRoute } : {}) });
  const reportError = (context: string, e: unknown): void => app.getState().reportError(context, e);
  const runs = createRunsStore(api, { reportError });
  const qa = createQaStore(api, { reportError });
  const sceneDeps: SceneDeps = { reportError };
  if (opts.makeImageUrl) sceneDeps.makeImageUrl = opts.makeImageUrl;
  if (opts.revokeImageUrl) sceneDeps.revokeImageUrl = opts.revokeImageUrl;
  const scene = createSceneStore(api, sceneDeps);
  const heatmap = createHeatmapStore(api, {
    reportError,
    onDrill(runId, filter) {
      qa.getState().setFilter({ runId, ...filter }, true);
      app.getState().navigate({ view: 'qa' });
    },
  });
  const curves = createCurvesStore(api, { reportError });
  const training = createTrainingStore(api, { reportError });
  const compare = createCompareStore(api, { reportError });
  const experiment = createExperimentStore(api, { reportError });
  return { api, app, runs, qa, scene, heatmap, curves, training, compare, experiment };
}

/** Routes an event to every store that shows it. */
export function dispatchEvent(stores: Stores, event: LoopEvent): void {
  stores.runs.getState().handleEvent(event);
  if (event.type === 'round' || (event.type === 'run' && event.status !== 'running')) {
    const h = stores.heatmap.getState();
    if (h.runId === event.runId && h.data) void h.load();
    const c = stores.curves.getState();
    if (c.runIds.includes(event.runId)) void c.load();
    if (c.mixRunId === event.runId) void c.loadMix();
    const q = stores.qa.getState();
    // New QA of the shown run: refresh the total (rows already on screen stay until scrolled).
    if (q.filter.runId === event.runId && event.type === 'round' && !q.exporting) void q.reload();
  }
  // A round's training statistics are committed with its train stage, so that is when the charts can grow.
  if ((event.type === 'stage' && event.stage === 'train' && event.phase === 'end') || event.type === 'run') {
    const t = stores.training.getState();
    if (t.runIds.includes(event.runId)) void t.load();
  }
  // Grouping counts completed runs only: a run changing status can add to a group, or leave it.
  if (event.type === 'run') {
    if (stores.compare.getState().data) void stores.compare.getState().load();
    if (stores.experiment.getState().list) void stores.experiment.getState().load();
  }
}

/** Loads what the route needs. */
export function applyRoute(stores: Stores, route: Route): void {
  switch (route.view) {
    case 'runs':
      if (route.runId) void stores.runs.getState().select(route.runId);
      break;
    case 'scene': {
      const s = stores.scene.getState();
      if (!s.scenes && !s.scenesLoading) void s.loadScenes();
      if (route.sceneId) {
        const o: { objects?: number[]; frame?: number } = {};
        if (route.objects) o.objects = route.objects;
        if (route.frame !== undefined) o.frame = route.frame;
        void s.open(route.sceneId, o);
      }
      break;
    }
    case 'qa':
      if (route.qaId !== undefined && route.qaId !== stores.qa.getState().selectedId) void stores.qa.getState().select(route.qaId);
      break;
    case 'compare':
      if (!stores.compare.getState().data && !stores.compare.getState().loading) void stores.compare.getState().load();
      break;
    case 'experiment':
      if (!stores.experiment.getState().list && !stores.experiment.getState().loading) void stores.experiment.getState().load();
      break;
    default:
      break;
  }
}

/**
 * Starts the app's data flow: host info, the runs list, live events, route effects and run-picker defaults.
 * Returns a function that stops it all.
 */
export function startStores(stores: Stores): () => void {
  const { api, app, runs, qa, heatmap, curves, scene, training } = stores;
  void app.getState().loadInfo();
  void runs.getState().refresh();
  let unsubscribeEvents: () => void = () => {};
  try {
    unsubscribeEvents = api.subscribe((event) => dispatchEvent(stores, event));
  } catch (e) {
    app.getState().reportError('Subscribing to live progress', e);
  }
  applyRoute(stores, app.getState().route);
  const unRoute = app.subscribe((s, prev) => {
    if (s.route !== prev.route) applyRoute(stores, s.route);
  });
  // Defaults: the newest run for the run pickers, once a list exists.
  // Applied once: a user who later clears a picker keeps it cleared.
  let defaultsApplied = false;
  const applyDefaults = (): void => {
    const list = runs.getState().runs;
    if (defaultsApplied || !list || list.length === 0) return;
    defaultsApplied = true;
    const newest = list[0]!.id;
    if (!qa.getState().filter.runId) qa.getState().setFilter({ runId: newest });
    if (!heatmap.getState().runId) heatmap.getState().setRunId(newest);
    if (curves.getState().runIds.length === 0) {
      curves.getState().setRunIds(list.slice(0, 4).map((r) => r.id));
      // The mix is the closed loop's story: show the newest closed-loop run's decisions.
      const closed = list.find((r) => r.mode === 'closed-loop');
      if (closed) curves.getState().setMixRun(closed.id);
    }
    if (!scene.getState().confidenceRunId) scene.setState({ confidenceRunId: newest });
    if (training.getState().runIds.length === 0) training.getState().setRunIds(list.slice(0, 4).map((r) => r.id));
  };
  applyDefaults();
  const unRuns = runs.subscribe((s, prev) => {
    if (s.runs !== prev.runs) applyDefaults();
  });
  return () => {
    unsubscribeEvents();
    unRoute();
    unRuns();
    scene.getState().dispose();
  };
}
