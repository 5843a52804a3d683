/**
 * What a view shows, as the query of its hash (`#/qa?run=…&family=…`), so a copied address reproduces the view and
 * Back/Forward return to it: the QA explorer's filters, sort and grouping; the heatmap's run, table, metric and
 * family; the curves' runs and mix run; the scene's colouring. Pure: the stores' wiring (state/stores.ts) applies a
 * parsed state and writes the current one back.
 *
 * Parameters equal to a view's default are left out; an address carrying any of a view's parameters describes the
 * whole view (what it leaves out is the default), one carrying none leaves the view as it was (a nav link).
 */
import type { HeatmapKind, HeatmapMetric, QaSortKey } from '../../../shared/api.js';
import { BUCKETS, HEATMAP_KINDS, HEATMAP_METRICS } from '../../../shared/apiValidation.js';
import type { Bucket } from '../../../shared/proposer.js';
import type { ColorMode } from './colorMode.js';
import { COLOR_MODES } from './colorMode.js';
import type { QaFilter, QaSort } from './qaFilter.js';

export interface QaViewState {
  filter: QaFilter;
  sort: QaSort;
  grouping: boolean;
}

export interface HeatmapViewState {
  runId: string | null;
  kind: HeatmapKind;
  metric: HeatmapMetric;
  /** bin-round only: the family whose bins are the rows (null: all). */
  family: string | null;
}

export interface CurvesViewState {
  runIds: string[];
  /** The run whose generation mix is shown; null: none; undefined (an address without it): the first run. */
  mixRunId?: string | null;
}

export interface SceneColoring {
  color: ColorMode;
  /** The run whose confidences colour objects (confidence colouring only). */
  runId?: string;
}

export const TRAINING_AXES = ['step', 'round', 'time'] as const;
export type TrainingAxis = (typeof TRAINING_AXES)[number];
export const TRAINING_LAYOUTS = ['overlay', 'per-run'] as const;
export type TrainingLayout = (typeof TRAINING_LAYOUTS)[number];
/** TensorBoard's default smoothing weight. */
export const DEFAULT_SMOOTHING = 0.6;

export interface TrainingViewState {
  runIds: string[];
  axis: TrainingAxis;
  logX: boolean;
  /** EMA weight in [0, 0.99]. */
  smoothing: number;
  layout: TrainingLayout;
}

export const COMPARE_AXES = ['round', 'samples'] as const;
export type CompareAxis = (typeof COMPARE_AXES)[number];

export interface CompareViewState {
  /** Group keys charted (`RunGroup.key`: a hash of the shared settings, stable across loads). */
  shown: string[];
  /** The pair whose paired difference is shown; null: the default pair. */
  a: string | null;
  b: string | null;
  axis: CompareAxis;
}

export const DEFAULT_QA_SORT: QaSort = { key: 'id', descending: false };
export const DEFAULT_HEATMAP: Omit<HeatmapViewState, 'runId'> = { kind: 'family-round', metric: 'confidence', family: null };

/** A query parameter: a text value, or a list (its items encoded one by one, joined by commas). */
export type Param = string | string[];
export type Params = [key: string, value: Param][];

/** Raw (still encoded) query values by key, as `parseQuery` reads them. */
export type RawParams = ReadonlyMap<string, string>;

export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function parseQuery(query: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    out.set(safeDecode(eq < 0 ? part : part.slice(0, eq)), eq < 0 ? '' : part.slice(eq + 1));
  }
  return out;
}

/** `?k=v&…`, or '' for none. Commas stay readable in text values (`objects=1,2`); a list's items keep theirs encoded. */
export function formatQuery(params: Params): string {
  const parts = params.map(([k, v]) => `${encodeURIComponent(k)}=${Array.isArray(v) ? v.map(encodeURIComponent).join(',') : encodeURIComponent(v).replace(/%2C/g, ',')}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

const text = (raw: RawParams, key: string): string | undefined => {
  const v = raw.get(key);
  return v === undefined ? undefined : safeDecode(v);
};

const list = (raw: RawParams, key: string): string[] | undefined => {
  const v = raw.get(key);
  if (v === undefined) return undefined;
  return v === '' ? [] : v.split(',').map(safeDecode);
};

const nonNegInt = (s: string | undefined): number | undefined => {
  if (s === undefined || s === '' || !/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
};

function oneOf<T extends string>(s: string | undefined, values: readonly T[]): T | undefined {
  return values.find((v) => v === s);
}

// ── QA explorer ──────────────────────────────────────────────────────────────────────────────────────────────
// `round` is the round: the name the UI uses for it.

const QA_KEYS = ['run', 'round', 'family', 'scene', 'bucket', 'verdict', 'answered', 'bin', 'q', 'sort', 'desc', 'group'] as const;
const SORT_PARAM: Record<QaSortKey, string> = { id: 'id', confidence: 'confidence', family: 'family', round: 'round' };

export function qaParams(state: QaViewState): Params {
  const f = state.filter;
  const out: Params = [];
  if (f.runId) out.push(['run', f.runId]);
  if (f.round !== undefined) out.push(['round', String(f.round)]);
  if (f.family) out.push(['family', f.family]);
  if (f.sceneId) out.push(['scene', f.sceneId]);
  if (f.bucket) out.push(['bucket', f.bucket]);
  if (f.verdict) out.push(['verdict', f.verdict]);
  if (f.answered !== undefined) out.push(['answered', f.answered ? '1' : '0']);
  if (f.bin !== undefined) out.push(['bin', String(f.bin)]);
  if (f.search?.trim()) out.push(['q', f.search]);
  if (state.sort.key !== DEFAULT_QA_SORT.key || state.sort.descending !== DEFAULT_QA_SORT.descending) {
    out.push(['sort', SORT_PARAM[state.sort.key]], ['desc', state.sort.descending ? '1' : '0']);
  }
  if (state.grouping) out.push(['group', '1']);
  return out;
}

export function parseQaParams(raw: RawParams): QaViewState | undefined {
  if (!QA_KEYS.some((k) => raw.has(k))) return undefined;
  const filter: QaFilter = { runId: text(raw, 'run') || null };
  const round = nonNegInt(text(raw, 'round'));
  if (round !== undefined) filter.round = round;
  const family = text(raw, 'family');
  if (family) filter.family = family;
  const scene = text(raw, 'scene');
  if (scene) filter.sceneId = scene;
  const bucket = oneOf<Bucket>(text(raw, 'bucket'), BUCKETS);
  if (bucket) filter.bucket = bucket;
  const verdict = oneOf(text(raw, 'verdict'), ['accepted', 'rejected'] as const);
  if (verdict) filter.verdict = verdict;
  const answered = text(raw, 'answered');
  if (answered === '1' || answered === '0') filter.answered = answered === '1';
  const bin = nonNegInt(text(raw, 'bin'));
  if (bin !== undefined) filter.bin = bin;
  const search = text(raw, 'q');
  if (search?.trim()) filter.search = search;
  const sortParam = text(raw, 'sort');
  const sortKey = (Object.keys(SORT_PARAM) as QaSortKey[]).find((k) => SORT_PARAM[k] === sortParam);
  const sort: QaSort = sortKey ? { key: sortKey, descending: text(raw, 'desc') === '1' } : DEFAULT_QA_SORT;
  return { filter, sort, grouping: text(raw, 'group') === '1' };
}

// ── heatmaps ─────────────────────────────────────────────────────────────────────────────────────────────────

const HEATMAP_KEYS = ['run', 'table', 'metric', 'family'] as const;

export function heatmapParams(state: HeatmapViewState): Params {
  const out: Params = [];
  if (state.runId) out.push(['run', state.runId]);
  if (state.kind !== DEFAULT_HEATMAP.kind) out.push(['table', state.kind]);
  if (state.metric !== DEFAULT_HEATMAP.metric) out.push(['metric', state.metric]);
  // The family picks rows only in the bin table; elsewhere it is not part of what is shown.
  if (state.kind === 'bin-round' && state.family) out.push(['family', state.family]);
  return out;
}

export function parseHeatmapParams(raw: RawParams): HeatmapViewState | undefined {
  if (!HEATMAP_KEYS.some((k) => raw.has(k))) return undefined;
  const kind = oneOf(text(raw, 'table'), HEATMAP_KINDS) ?? DEFAULT_HEATMAP.kind;
  return {
    runId: text(raw, 'run') || null,
    kind,
    metric: oneOf(text(raw, 'metric'), HEATMAP_METRICS) ?? DEFAULT_HEATMAP.metric,
    family: kind === 'bin-round' ? text(raw, 'family') || null : null,
  };
}

// ── curves ───────────────────────────────────────────────────────────────────────────────────────────────────

export function curvesParams(state: CurvesViewState): Params {
  // `runs` is written even when empty: no run ticked is a choice the address must keep.
  const out: Params = [['runs', state.runIds]];
  if (state.mixRunId !== undefined) out.push(['mix', state.mixRunId ?? '']);
  return out;
}

export function parseCurvesParams(raw: RawParams): CurvesViewState | undefined {
  const runIds = list(raw, 'runs');
  if (runIds === undefined && !raw.has('mix')) return undefined;
  const state: CurvesViewState = { runIds: [...new Set((runIds ?? []).filter((id) => id !== ''))] };
  if (raw.has('mix')) state.mixRunId = text(raw, 'mix') || null;
  return state;
}

// ── training dynamics ────────────────────────────────────────────────────────────────────────────────────────

export function trainingParams(state: TrainingViewState): Params {
  // `runs` is written even when empty, as for curves: no run ticked is a choice.
  const out: Params = [['runs', state.runIds]];
  if (state.axis !== 'step') out.push(['x', state.axis]);
  if (state.logX) out.push(['log', '1']);
  if (state.smoothing !== DEFAULT_SMOOTHING) out.push(['smooth', String(state.smoothing)]);
  if (state.layout !== 'overlay') out.push(['layout', state.layout]);
  return out;
}

export function parseTrainingParams(raw: RawParams): TrainingViewState | undefined {
  if (!['runs', 'x', 'log', 'smooth', 'layout'].some((k) => raw.has(k))) return undefined;
  const smooth = Number(text(raw, 'smooth'));
  return {
    runIds: [...new Set((list(raw, 'runs') ?? []).filter((id) => id !== ''))],
    axis: oneOf(text(raw, 'x'), TRAINING_AXES) ?? 'step',
    logX: text(raw, 'log') === '1',
    smoothing: raw.has('smooth') && Number.isFinite(smooth) ? Math.min(0.99, Math.max(0, smooth)) : DEFAULT_SMOOTHING,
    layout: oneOf(text(raw, 'layout'), TRAINING_LAYOUTS) ?? 'overlay',
  };
}

// ── compare ──────────────────────────────────────────────────────────────────────────────────────────────────

export function compareParams(state: CompareViewState): Params {
  const out: Params = [['groups', state.shown]];
  if (state.a !== null && state.b !== null) out.push(['a', state.a], ['b', state.b]);
  if (state.axis !== 'round') out.push(['x', state.axis]);
  return out;
}

export function parseCompareParams(raw: RawParams): CompareViewState | undefined {
  if (!['groups', 'a', 'b', 'x'].some((k) => raw.has(k))) return undefined;
  const a = text(raw, 'a') || null;
  const b = text(raw, 'b') || null;
  const paired = a !== null && b !== null && a !== b;
  return {
    shown: [...new Set((list(raw, 'groups') ?? []).filter((k) => k !== ''))],
    a: paired ? a : null,
    b: paired ? b : null,
    axis: oneOf(text(raw, 'x'), COMPARE_AXES) ?? 'round',
  };
}

// ── scene colouring ──────────────────────────────────────────────────────────────────────────────────────────

export function sceneColoringParams(c: SceneColoring | undefined): Params {
  if (!c || c.color === 'rgb') return [];
  return c.color === 'confidence' && c.runId ? [['color', c.color], ['run', c.runId]] : [['color', c.color]];
}

export function parseSceneColoring(raw: RawParams): SceneColoring | undefined {
  const color = oneOf(
    text(raw, 'color'),
    COLOR_MODES.map((m) => m.mode),
  );
  if (!color) return undefined;
  const runId = text(raw, 'run');
  return color === 'confidence' && runId ? { color, runId } : { color };
}
