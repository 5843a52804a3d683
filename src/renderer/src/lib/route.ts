/**
 * Hash routing: `#/runs`, `#/runs/<id>`, `#/scene/<id>?qa=12&objects=1,2&frame=3&color=confidence&run=<id>`,
 * `#/qa[/<qaId>]?run=…&family=…`, `#/heatmaps?run=…&table=…&metric=…`, `#/curves?runs=a,b&mix=a`,
 * `#/replay/<runId>?scene=<id>&round=2`, `#/training?runs=a,b&x=round&log=1&smooth=0.8&layout=per-run`,
 * `#/compare?groups=k1,k2&a=k1&b=k2&x=samples`, `#/experiment`, `#/bench/viewer?sizes=1000000&frames=60&auto=1`. A view's query is its state (lib/viewState.ts), so an address
 * reproduces what it shows. Pure: parsing and formatting only; the shell listens to `hashchange` and writes
 * `location.hash` (a new view) or replaces the entry (the same view's state changing).
 */
import {
  compareParams,
  curvesParams,
  parseCompareParams,
  parseTrainingParams,
  trainingParams,
  type CompareViewState,
  type TrainingViewState,
  formatQuery,
  heatmapParams,
  parseCurvesParams,
  parseHeatmapParams,
  parseQaParams,
  parseQuery,
  parseSceneColoring,
  qaParams,
  safeDecode,
  sceneColoringParams,
  type CurvesViewState,
  type HeatmapViewState,
  type Params,
  type QaViewState,
  type SceneColoring,
} from './viewState.js';

export type Route =
  | { view: 'runs'; runId?: string }
  /** `qa`: the question whose context the scene shows (its text, answers, roles and measure; Previous/Next step the QA explorer's list). */
  | { view: 'scene'; sceneId?: string; qa?: number; objects?: number[]; frame?: number; coloring?: SceneColoring }
  /** `state` absent: the view as it was (a nav link); present: the view the address describes. */
  | { view: 'qa'; qaId?: number; state?: QaViewState }
  | { view: 'heatmaps'; state?: HeatmapViewState }
  | { view: 'curves'; state?: CurvesViewState }
  | { view: 'replay'; runId?: string; sceneId?: string; round?: number }
  | { view: 'training'; state?: TrainingViewState }
  | { view: 'compare'; state?: CompareViewState }
  | { view: 'experiment' }
  | { view: 'bench'; params: Record<string, string> };

export type ViewName = Route['view'];

export const NAV_ITEMS: readonly { view: ViewName; label: string; hash: string }[] = [
  { view: 'runs', label: 'Runs', hash: '#/runs' },
  { view: 'scene', label: 'Scene', hash: '#/scene' },
  { view: 'qa', label: 'QA explorer', hash: '#/qa' },
  { view: 'heatmaps', label: 'Heatmaps', hash: '#/heatmaps' },
  { view: 'curves', label: 'Curves', hash: '#/curves' },
  { view: 'replay', label: 'Replay', hash: '#/replay' },
  { view: 'training', label: 'Training', hash: '#/training' },
  { view: 'compare', label: 'Compare', hash: '#/compare' },
  { view: 'experiment', label: 'Experiment', hash: '#/experiment' },
  { view: 'bench', label: 'Viewer bench', hash: '#/bench/viewer' },
];

function parseIntList(s: string | undefined): number[] | undefined {
  if (s === undefined || s === '') return undefined;
  const list = s
    .split(',')
    .map((x) => Number(x))
    .filter((x) => Number.isInteger(x));
  return list.length > 0 ? list : undefined;
}

function nonNegInt(s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function parseHash(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const rawParams = parseQuery(q < 0 ? '' : raw.slice(q + 1));
  const param = (key: string): string | undefined => {
    const v = rawParams.get(key);
    return v === undefined ? undefined : safeDecode(v);
  };
  const parts = path.split('/').filter((p) => p !== '');
  const [head, second] = parts;
  switch (head) {
    case 'scene': {
      const route: Route = { view: 'scene' };
      if (second !== undefined) route.sceneId = safeDecode(parts.slice(1).join('/'));
      const qa = nonNegInt(param('qa'));
      if (qa !== undefined) route.qa = qa;
      const objects = parseIntList(param('objects'));
      if (objects) route.objects = objects;
      const frame = nonNegInt(param('frame'));
      if (frame !== undefined) route.frame = frame;
      const coloring = parseSceneColoring(rawParams);
      if (coloring) route.coloring = coloring;
      return route;
    }
    case 'qa': {
      const id = nonNegInt(second);
      const route: Route = id === undefined ? { view: 'qa' } : { view: 'qa', qaId: id };
      const state = parseQaParams(rawParams);
      if (state) route.state = state;
      return route;
    }
    case 'heatmaps': {
      const state = parseHeatmapParams(rawParams);
      return state ? { view: 'heatmaps', state } : { view: 'heatmaps' };
    }
    case 'curves': {
      const state = parseCurvesParams(rawParams);
      return state ? { view: 'curves', state } : { view: 'curves' };
    }
    case 'replay': {
      const route: Route = { view: 'replay' };
      if (second !== undefined) route.runId = safeDecode(second);
      const scene = param('scene');
      if (scene) route.sceneId = scene;
      const round = nonNegInt(param('round'));
      if (round !== undefined) route.round = round;
      return route;
    }
    case 'training': {
      const state = parseTrainingParams(rawParams);
      return state ? { view: 'training', state } : { view: 'training' };
    }
    case 'compare': {
      const state = parseCompareParams(rawParams);
      return state ? { view: 'compare', state } : { view: 'compare' };
    }
    case 'experiment':
      return { view: head };
    case 'bench':
      return { view: 'bench', params: Object.fromEntries([...rawParams].map(([k, v]) => [k, safeDecode(v)])) };
    case 'runs':
    default:
      return second !== undefined && head === 'runs' ? { view: 'runs', runId: safeDecode(second) } : { view: 'runs' };
  }
}

/** The scene showing a question: its scene, at the frame it asks about (0-based, as routes are), with its context. */
export function questionSceneRoute(qa: { id: number; sceneId: string; frame: number | null }): Route {
  return { view: 'scene', sceneId: qa.sceneId, qa: qa.id, ...(qa.frame !== null ? { frame: qa.frame } : {}) };
}

const defined = (params: Record<string, string | undefined>): Params => Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');

export function formatRoute(route: Route): string {
  switch (route.view) {
    case 'runs':
      return route.runId ? `#/runs/${encodeURIComponent(route.runId)}` : '#/runs';
    case 'scene': {
      const base = route.sceneId ? `#/scene/${encodeURIComponent(route.sceneId)}` : '#/scene';
      return base + formatQuery([...defined({ qa: route.qa?.toString(), objects: route.objects?.join(','), frame: route.frame?.toString() }), ...sceneColoringParams(route.coloring)]);
    }
    case 'qa':
      return (route.qaId !== undefined ? `#/qa/${route.qaId}` : '#/qa') + (route.state ? formatQuery(qaParams(route.state)) : '');
    case 'heatmaps':
      return '#/heatmaps' + (route.state ? formatQuery(heatmapParams(route.state)) : '');
    case 'curves':
      return '#/curves' + (route.state ? formatQuery(curvesParams(route.state)) : '');
    case 'replay':
      return (route.runId ? `#/replay/${encodeURIComponent(route.runId)}` : '#/replay') + formatQuery(defined({ scene: route.sceneId, round: route.round?.toString() }));
    case 'training':
      return '#/training' + (route.state ? formatQuery(trainingParams(route.state)) : '');
    case 'compare':
      return '#/compare' + (route.state ? formatQuery(compareParams(route.state)) : '');
    case 'experiment':
      return '#/experiment';
    case 'bench':
      return '#/bench/viewer' + formatQuery(defined(route.params));
  }
}
