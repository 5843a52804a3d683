/**
 * All of the renderer's stores, created for one WorkbenchApi, and the wiring between them: live events from
 * `subscribe`, route changes that load what a view needs, and defaults (the newest run) for the run pickers.
 * Nothing here touches React or the DOM; `mountApp` adds those.
 */
import type { WorkbenchApi } from '../../../shared/api.js';
import type { LoopEvent } from '../../../shared/loop.js';
import { formatRoute, type Route } from '../lib/route.js';
import { createAppStore, type AppStore } from './appStore.js';
import { createCompareStore, type CompareStore } from './compareStore.js';
import { createCurvesStore, type CurvesStore } from './curvesStore.js';
import { createExperimentStore, type ExperimentStore } from './experimentStore.js';
import { createHeatmapStore, type HeatmapStore } from './heatmapStore.js';
import { objectRoles, questionRoles } from '../lib/questionRoles.js';
import { createQaStore, questionRecord, type QaStore } from './qaStore.js';
import { createReplayStore, type ReplayStore } from './replayStore.js';
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
  replay: ReplayStore;
  training: TrainingStore;
  compare: CompareStore;
  experiment: ExperimentStore;
}

export interface StoresOptions {
  onNavigate?: (hash: string) => void;
  onReplace?: (hash: string) => void;
  initialRoute?: Route;
  makeImageUrl?: SceneDeps['makeImageUrl'];
  revokeImageUrl?: SceneDeps['revokeImageUrl'];
}

export function createStores(api: WorkbenchApi, opts: StoresOptions = {}): Stores {
  const app = createAppStore(api, {
    ...(opts.onNavigate ? { onNavigate: opts.onNavigate } : {}),
    ...(opts.onReplace ? { onReplace: opts.onReplace } : {}),
    ...(opts.initialRoute ? { initialRoute: opts.initialRoute } : {}),
  });
  const reportError = (context: string, e: unknown): void => app.getState().reportError(context, e);
  const runs = createRunsStore(api, {
    reportError,
    // The other views let go of a deleted run: they fall back to the newest run, as on start-up.
    onDeleted(runId) {
      const route = app.getState().route;
      if (route.view === 'runs' && route.runId === runId) app.getState().navigate({ view: 'runs' });
      const newest = runs.getState().runs?.[0]?.id ?? null;
      if (qa.getState().filter.runId === runId) qa.getState().setFilter({ runId: newest }, true);
      if (heatmap.getState().runId === runId) heatmap.getState().setRunId(newest);
      const c = curves.getState();
      if (c.runIds.includes(runId)) c.setRunIds(c.runIds.filter((x) => x !== runId));
      if (c.mixRunId === runId) c.setMixRun(null);
      if (scene.getState().confidenceRunId === runId) void scene.getState().computeConfidence(newest);
    },
  });
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
  const replay = createReplayStore(api, { reportError });
  const training = createTrainingStore(api, { reportError });
  const compare = createCompareStore(api, { reportError });
  const experiment = createExperimentStore(api, { reportError });
  return { api, app, runs, qa, scene, heatmap, curves, replay, training, compare, experiment };
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

const isActive = (status: string | undefined): boolean => status === 'running' || status === 'queued';

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
      // The question whose context the scene shows is the QA explorer's selection too, so its list is the one
      // Previous/Next step through and going back to the explorer shows the same question.
      if (route.qa !== undefined && route.qa !== stores.qa.getState().selectedId) void stores.qa.getState().select(route.qa);
      if (route.coloring) {
        if (route.coloring.runId && route.coloring.runId !== s.confidenceRunId) void s.setConfidenceRun(route.coloring.runId);
        if (route.coloring.color !== s.colorMode) s.setColorMode(route.coloring.color);
      }
      break;
    }
    case 'qa': {
      const q = stores.qa.getState();
      // An address with the view's state describes it whole: no question in it means none selected.
      if (route.state) q.applyView(route.state);
      const qaId = route.qaId ?? (route.state ? null : undefined);
      if (qaId !== undefined && qaId !== stores.qa.getState().selectedId) void stores.qa.getState().select(qaId);
      break;
    }
    case 'heatmaps':
      if (route.state) stores.heatmap.getState().applyView(route.state);
      break;
    case 'curves':
      if (route.state) stores.curves.getState().applyView(route.state);
      break;
    case 'replay':
      openReplay(stores, route);
      break;
    case 'training':
      if (route.state) stores.training.getState().applyView(route.state);
      break;
    case 'compare':
      if (route.state) stores.compare.getState().applyView(route.state);
      else if (!stores.compare.getState().data && !stores.compare.getState().loading) void stores.compare.getState().load();
      break;
    case 'experiment':
      if (!stores.experiment.getState().list && !stores.experiment.getState().loading) void stores.experiment.getState().load();
      break;
    default:
      break;
  }
}

/** The replay the route names: its run (default: the newest), scene and round; loads only what changed. */
function openReplay(stores: Stores, route: Extract<Route, { view: 'replay' }>): void {
  const r = stores.replay.getState();
  const runId = route.runId ?? stores.runs.getState().runs?.[0]?.id;
  if (runId === undefined) return; // no run yet: the runs list's arrival applies the route again
  const atRound = (): void => {
    if (route.round !== undefined) stores.replay.getState().setRound(route.round);
  };
  if (r.runId !== runId || (route.sceneId !== undefined && route.sceneId !== r.sceneId)) void r.open(runId, route.sceneId, route.round);
  else atRound();
}

/** The route with the view's current state in it: what the address should say. Other views' routes are as given. */
export function routeWithState(stores: Stores, route: Route): Route {
  switch (route.view) {
    case 'qa': {
      const q = stores.qa.getState();
      const next: Route = { view: 'qa', state: { filter: q.filter, sort: q.sort, grouping: q.grouping } };
      if (q.selectedId !== null) next.qaId = q.selectedId;
      return next;
    }
    case 'heatmaps': {
      const { runId, kind, metric, family } = stores.heatmap.getState();
      return { view: 'heatmaps', state: { runId, kind, metric, family } };
    }
    case 'curves': {
      const { runIds, mixRunId } = stores.curves.getState();
      return { view: 'curves', state: { runIds, mixRunId } };
    }
    case 'training': {
      const { runIds, axis, logX, smoothing, layout } = stores.training.getState();
      return { view: 'training', state: { runIds, axis, logX, smoothing, layout } };
    }
    case 'compare': {
      const { shown, a, b, axis, data } = stores.compare.getState();
      // Until the groups are in, the address stays as given (the defaults are not yet known).
      if (!data) return route;
      return { view: 'compare', state: { shown, a, b, axis } };
    }
    case 'scene': {
      // The frame is written once it rests: while playing it changes many times a second.
      const { colorMode, confidenceRunId, frame, playing, detail, sceneId } = stores.scene.getState();
      const { coloring: _old, frame: routeFrame, ...others } = route;
      const shown = detail && sceneId === route.sceneId && !playing ? (frame > 0 ? frame : undefined) : routeFrame;
      const rest: Extract<Route, { view: 'scene' }> = shown !== undefined ? { ...others, frame: shown } : others;
      if (colorMode === 'rgb') return rest;
      return { ...rest, coloring: colorMode === 'confidence' && confidenceRunId ? { color: colorMode, runId: confidenceRunId } : { color: colorMode } };
    }
    default:
      return route;
  }
}

/**
 * Starts the app's data flow: host info, the runs list, live events, route effects and run-picker defaults.
 * Returns a function that stops it all.
 */
export function startStores(stores: Stores): () => void {
  const { api, app, runs, qa, heatmap, curves, scene, training, compare } = stores;
  void app.getState().loadInfo();
  void runs.getState().refresh();
  let unsubscribeEvents: () => void = () => {};
  try {
    unsubscribeEvents = api.subscribe((event) => dispatchEvent(stores, event));
  } catch (e) {
    app.getState().reportError('Subscribing to live progress', e);
  }
  // The address follows the shown view's state (filters, colouring, curve selection) in place, so a copied address
  // reproduces the view and Back/Forward restore it. `replacing`: the route changes because of that, not the user.
  let replacing = false;
  // An address that chose the curves' runs (even none) is not overridden by the default (below).
  const initial = app.getState().route;
  const curvesChosen = initial.view === 'curves' && initial.state !== undefined;
  const trainingChosen = initial.view === 'training' && initial.state !== undefined;
  const syncAddress = (): void => {
    const route = app.getState().route;
    const next = routeWithState(stores, route);
    if (replacing || formatRoute(next) === formatRoute(route)) return;
    replacing = true;
    try {
      app.getState().replaceRoute(next);
    } finally {
      replacing = false;
    }
  };
  applyRoute(stores, app.getState().route);
  syncAddress();
  const unRoute = app.subscribe((s, prev) => {
    if (s.route === prev.route || replacing) return;
    applyRoute(stores, s.route);
    syncAddress();
  });
  const unSync = [qa, heatmap, curves, scene, training, compare].map((store: { subscribe(listener: () => void): () => void }) => store.subscribe(syncAddress));
  // The question the scene shows names its highlighted objects (object list, frame overlay, points), once both its
  // record and the scene version are loaded.
  const syncQuestionHighlight = (): void => {
    const route = app.getState().route;
    const detail = scene.getState().detail;
    if (route.view !== 'scene' || route.qa === undefined || !detail) return;
    const record = questionRecord(qa.getState(), route.qa);
    if (!record || record.sceneId !== detail.summary.id) return;
    const roles = questionRoles(record);
    const ids = roles.ok ? [...objectRoles(roles.roles, detail.objects).byId.keys()] : [];
    if (ids.join(',') !== scene.getState().highlight.join(',')) scene.getState().setHighlight(ids);
  };
  syncQuestionHighlight();
  unSync.push(app.subscribe(syncQuestionHighlight), qa.subscribe(syncQuestionHighlight), scene.subscribe(syncQuestionHighlight));
  // Defaults: the newest run for the run pickers, once a list exists.
  // Applied once: a user who later clears a picker keeps it cleared.
  let defaultsApplied = false;
  const applyDefaults = (): void => {
    const list = runs.getState().runs;
    if (defaultsApplied || !list || list.length === 0) return;
    defaultsApplied = true;
    const newest = list[0]!.id;
    // A question being opened by id brings its own run (qaStore.select).
    if (!qa.getState().filter.runId && qa.getState().selectedId === null) qa.getState().setFilter({ runId: newest });
    if (!heatmap.getState().runId) heatmap.getState().setRunId(newest);
    if (curves.getState().runIds.length === 0 && !curvesChosen) {
      // Every run, newest first: the comparison is the point of the chart.
      curves.getState().setRunIds(list.map((r) => r.id));
      // The mix is the closed loop's story: show the newest closed-loop run's decisions.
      const closed = list.find((r) => r.mode === 'closed-loop');
      if (closed) curves.getState().setMixRun(closed.id);
    }
    if (!scene.getState().confidenceRunId) scene.setState({ confidenceRunId: newest });
    const route = app.getState().route;
    if (route.view === 'replay' && route.runId === undefined) openReplay(stores, route);
    if (training.getState().runIds.length === 0 && !trainingChosen) training.getState().setRunIds(list.slice(0, 4).map((r) => r.id));
  };
  applyDefaults();
  const unRuns = runs.subscribe((s, prev) => {
    if (s.runs === prev.runs) return;
    applyDefaults();
    // A run that starts (or resumes) is plotted as it goes, without waiting to be ticked.
    if (prev.runs && s.runs) {
      const before = new Map(prev.runs.map((r) => [r.id, r.status]));
      const started = s.runs.filter((r) => isActive(r.status) && !isActive(before.get(r.id)) && !curves.getState().runIds.includes(r.id));
      if (started.length > 0) curves.getState().setRunIds([...started.map((r) => r.id), ...curves.getState().runIds]);
    }
  });
  // A deep link to a question that cannot be loaded brings no run: fall back to the default.
  const unQa = qa.subscribe((s, prev) => {
    const newest = runs.getState().runs?.[0]?.id;
    if (prev.detailLoading && !s.detailLoading && !s.detail && !s.filter.runId && newest) s.setFilter({ runId: newest });
  });
  return () => {
    unsubscribeEvents();
    unRoute();
    unRuns();
    unQa();
    for (const un of unSync) un();
    scene.getState().dispose();
  };
}
