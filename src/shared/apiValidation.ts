/**
 * Checks of every WorkbenchApi call's arguments where they cross into the host (the IPC handlers in Electron
 * main, the HTTP routes in browser mode), so the engine only ever sees well-formed input and a caller gets one
 * sentence naming the method, the argument and what was expected instead of a stack trace from deep inside.
 * Plain TypeScript: it runs in main, the server and the utility process alike. Deep checks that need engine
 * knowledge (is this scene source readable, is that strategy known) stay with the engine: loop settings are
 * checked here for shape and type, then by the loop's own `resolveLoopConfig`.
 */
import type { HeatmapKind, HeatmapMetric, QaQueryInput, RunPatch, WorkbenchApi } from './api.js';
import { InputError } from './errors.js';
import type { LoopConfig } from './loop.js';
import { LOOP_MODES } from './loop.js';
import { FAMILIES, type Bucket } from './proposer.js';

/** Every request/response method of the API; `subscribe` is the event stream, carried separately. */
export const API_METHODS = [
  'info',
  'listScenes',
  'getScene',
  'getScenePoints',
  'getFrameImage',
  'listRuns',
  'getRun',
  'startRun',
  'stopRun',
  'resumeRun',
  'updateRun',
  'deleteRun',
  'getRunConfig',
  'queryQa',
  'getQa',
  'sceneObjectConfidence',
  'sceneConfidenceByRound',
  'rerunProgram',
  'heatmap',
  'curves',
  'trainingSeries',
  'compareRuns',
  'experiments',
] as const;

export type ApiMethod = (typeof API_METHODS)[number];

// Fails to compile when WorkbenchApi gains or loses a method that this list does not follow.
type Missing = Exclude<keyof WorkbenchApi, ApiMethod | 'subscribe'>;
const _everyMethodListed: [Missing] extends [never] ? true : Missing = true;

export type ApiArgs<M extends ApiMethod> = Parameters<WorkbenchApi[M]>;
export type ApiResult<M extends ApiMethod> = Awaited<ReturnType<WorkbenchApi[M]>>;

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && (API_METHODS as readonly string[]).includes(name);
}

/** Largest point budget one `getScenePoints` call may ask for (≈ 60 MB of arrays). */
export const MAX_POINT_BUDGET = 5_000_000;
/** Largest page of `listScenes` and `queryQa`. */
export const MAX_PAGE = 10_000;
/** Most runs one `curves` or `trainingSeries` call compares. */
export const MAX_CURVES = 100;
/** Points per run `trainingSeries` returns at most (and at least, when it downsamples). */
export const MAX_TRAINING_POINTS = 100_000;
export const MIN_TRAINING_POINTS = 10;
/** Most runs one `compareRuns` call groups. */
export const MAX_COMPARE_RUNS = 10_000;
/** Most scene sources in `startRun(config).scenes`, and in `.heldoutScenes`; each source at most this long. */
export const MAX_SOURCES = 1000;
export const MAX_SOURCE_CHARS = 4096;
/** Most `startRun(config).extraLabels` (the most entries any list in the settings may have). */
const MAX_EXTRA_LABELS = 10_000;
const MAX_ID_CHARS = 1000;
/** A run's name (as `startRun(config).name`), its tags and its notes (`updateRun`). */
export const MAX_RUN_NAME_CHARS = 200;
export const MAX_TAGS = 50;
export const MAX_TAG_CHARS = 50;
export const MAX_NOTES_CHARS = 20_000;
const MAX_SEARCH_CHARS = 500;

export const BUCKETS: readonly Bucket[] = ['easy', 'frontier', 'hard'];
export const HEATMAP_KINDS: readonly HeatmapKind[] = ['family-round', 'scene-family', 'bin-round'];
export const HEATMAP_METRICS: readonly HeatmapMetric[] = ['confidence', 'accuracy', 'easy', 'frontier', 'hard', 'count'];
const QA_SORTS: readonly NonNullable<QaQueryInput['sort']>[] = ['id', 'confidence', 'family', 'round'];
const VERDICTS: readonly NonNullable<QaQueryInput['verdict']>[] = ['accepted', 'rejected'];

function found(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** Collects the problems of one call; `field` paths read like `getScenePoints(maxPoints)` or `queryQa(query).limit`. */
class Checker {
  readonly problems: { field: string; message: string }[] = [];

  fail(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  isObject(field: string, v: unknown): v is Record<string, unknown> {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)) return true;
    this.fail(field, `expected an object, found ${found(v)}`);
    return false;
  }

  string(field: string, v: unknown, max = MAX_ID_CHARS): void {
    if (typeof v !== 'string' || v.length === 0 || v.length > max) this.fail(field, `expected a non-empty string of at most ${max} characters, found ${found(v)}`);
  }

  int(field: string, v: unknown, min: number, max: number): void {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(field, `expected a whole number from ${min} to ${max}, found ${found(v)}`);
  }

  number(field: string, v: unknown): void {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, `expected a finite number, found ${found(v)}`);
  }

  boolean(field: string, v: unknown): void {
    if (typeof v !== 'boolean') this.fail(field, `expected true or false, found ${found(v)}`);
  }

  oneOf(field: string, v: unknown, allowed: readonly string[]): void {
    if (typeof v !== 'string' || !allowed.includes(v)) this.fail(field, `expected one of ${allowed.join(', ')}, found ${found(v)}`);
  }

  /** Rejects keys the shape does not have, so a typo (`limt`) is not silently ignored. */
  onlyKeys(field: string, o: Record<string, unknown>, keys: readonly string[]): void {
    for (const k of Object.keys(o)) if (!keys.includes(k)) this.fail(`${field}.${k}`, `unknown field; expected one of ${keys.join(', ')}`);
  }

  /** Checks present optional fields with `check`; `undefined` counts as absent (JSON drops it anyway). */
  optional(o: Record<string, unknown>, key: string, check: (v: unknown) => void): void {
    if (o[key] !== undefined) check(o[key]);
  }
}

type ArgChecker = (c: Checker, args: readonly unknown[]) => void;

const sceneId = (m: string) => (c: Checker, v: unknown) => c.string(`${m}(sceneId)`, v);

function checkSceneQuery(c: Checker, v: unknown): void {
  const f = 'listScenes(query)';
  if (v === undefined) return;
  if (!c.isObject(f, v)) return;
  c.onlyKeys(f, v, ['dataset', 'limit', 'offset']);
  c.optional(v, 'dataset', (x) => c.string(`${f}.dataset`, x));
  c.optional(v, 'limit', (x) => c.int(`${f}.limit`, x, 1, MAX_PAGE));
  c.optional(v, 'offset', (x) => c.int(`${f}.offset`, x, 0, Number.MAX_SAFE_INTEGER));
}

function checkQaQuery(c: Checker, v: unknown): void {
  const f = 'queryQa(query)';
  if (!c.isObject(f, v)) return;
  const keys: (keyof QaQueryInput)[] = ['runId', 'round', 'family', 'sceneId', 'bucket', 'verdict', 'answered', 'bin', 'search', 'sort', 'descending', 'limit', 'offset'];
  c.onlyKeys(f, v, keys);
  c.string(`${f}.runId`, v.runId);
  c.optional(v, 'round', (x) => c.int(`${f}.round`, x, 0, 1_000_000));
  c.optional(v, 'family', (x) => c.string(`${f}.family`, x));
  c.optional(v, 'sceneId', (x) => c.string(`${f}.sceneId`, x));
  c.optional(v, 'bucket', (x) => c.oneOf(`${f}.bucket`, x, BUCKETS));
  c.optional(v, 'verdict', (x) => c.oneOf(`${f}.verdict`, x, VERDICTS));
  c.optional(v, 'answered', (x) => c.boolean(`${f}.answered`, x));
  c.optional(v, 'bin', (x) => c.int(`${f}.bin`, x, 0, 1000));
  c.optional(v, 'search', (x) => {
    if (typeof x !== 'string' || x.length > MAX_SEARCH_CHARS) c.fail(`${f}.search`, `expected text of at most ${MAX_SEARCH_CHARS} characters, found ${found(x)}`);
  });
  c.optional(v, 'sort', (x) => c.oneOf(`${f}.sort`, x, QA_SORTS));
  c.optional(v, 'descending', (x) => c.boolean(`${f}.descending`, x));
  c.optional(v, 'limit', (x) => c.int(`${f}.limit`, x, 1, MAX_PAGE));
  c.optional(v, 'offset', (x) => c.int(`${f}.offset`, x, 0, Number.MAX_SAFE_INTEGER));
}

function checkHeatmapQuery(c: Checker, v: unknown): void {
  const f = 'heatmap(query)';
  if (!c.isObject(f, v)) return;
  c.onlyKeys(f, v, ['runId', 'kind', 'metric', 'family']);
  c.string(`${f}.runId`, v.runId);
  c.oneOf(`${f}.kind`, v.kind, HEATMAP_KINDS);
  c.oneOf(`${f}.metric`, v.metric, HEATMAP_METRICS);
  c.optional(v, 'family', (x) => c.string(`${f}.family`, x));
}

function checkRunPatch(c: Checker, v: unknown): void {
  const f = 'updateRun(patch)';
  if (!c.isObject(f, v)) return;
  const keys: (keyof RunPatch)[] = ['name', 'tags', 'notes'];
  c.onlyKeys(f, v, keys);
  if (keys.every((k) => v[k] === undefined)) c.fail(f, `expected at least one of ${keys.join(', ')}`);
  // Text made only of spaces would show as a blank name or an invisible tag.
  const visible = (x: unknown, max: number): boolean => typeof x === 'string' && x.trim() !== '' && x.length <= max;
  c.optional(v, 'name', (x) => {
    if (!visible(x, MAX_RUN_NAME_CHARS)) c.fail(`${f}.name`, `expected a name of 1 to ${MAX_RUN_NAME_CHARS} characters, not only spaces, found ${found(x)}`);
  });
  c.optional(v, 'tags', (x) => {
    if (!Array.isArray(x) || x.length > MAX_TAGS) c.fail(`${f}.tags`, `expected a list of at most ${MAX_TAGS} tags, found ${found(x)}`);
    else
      x.forEach((t, i) => {
        if (!visible(t, MAX_TAG_CHARS)) c.fail(`${f}.tags[${i}]`, `expected a tag of 1 to ${MAX_TAG_CHARS} characters, not only spaces, found ${found(t)}`);
      });
  });
  c.optional(v, 'notes', (x) => {
    if (typeof x !== 'string' || x.length > MAX_NOTES_CHARS) c.fail(`${f}.notes`, `expected text of at most ${MAX_NOTES_CHARS} characters, found ${found(x)}`);
  });
}

function checkRunIds(c: Checker, field: string, v: unknown, max: number): void {
  if (!Array.isArray(v) || v.length > max) c.fail(field, `expected a list of at most ${max} run ids, found ${found(v)}`);
  else v.forEach((id, i) => c.string(`${field}[${i}]`, id));
}

function checkTrainingQuery(c: Checker, v: unknown): void {
  const f = 'trainingSeries(query)';
  if (!c.isObject(f, v)) return;
  c.onlyKeys(f, v, ['runIds', 'maxPoints']);
  checkRunIds(c, `${f}.runIds`, v.runIds, MAX_CURVES);
  c.optional(v, 'maxPoints', (x) => c.int(`${f}.maxPoints`, x, MIN_TRAINING_POINTS, MAX_TRAINING_POINTS));
}

function checkCompareQuery(c: Checker, v: unknown): void {
  const f = 'compareRuns(query)';
  if (v === undefined) return;
  if (!c.isObject(f, v)) return;
  c.onlyKeys(f, v, ['runIds', 'a', 'b']);
  c.optional(v, 'runIds', (x) => checkRunIds(c, `${f}.runIds`, x, MAX_COMPARE_RUNS));
  c.optional(v, 'a', (x) => c.string(`${f}.a`, x));
  c.optional(v, 'b', (x) => c.string(`${f}.b`, x));
}

/** Type checks of the loop settings this build knows; the loop's resolveLoopConfig checks ranges and unknown keys. */
const CONFIG_FIELDS: { [K in keyof LoopConfig]?: (c: Checker, field: string, v: unknown) => void } = {
  name: (c, f, v) => c.string(f, v, MAX_RUN_NAME_CHARS),
  mode: (c, f, v) => c.oneOf(f, v, LOOP_MODES),
  scenes: (c, f, v) => {
    if (!Array.isArray(v) || v.length === 0 || v.length > MAX_SOURCES) c.fail(f, `expected a list of 1 to ${MAX_SOURCES} scene sources (e.g. ["synthetic:48"]), found ${found(v)}`);
    else v.forEach((s, i) => c.string(`${f}[${i}]`, s, MAX_SOURCE_CHARS));
  },
  heldoutScenes: (c, f, v) => {
    if (!Array.isArray(v) || v.length > MAX_SOURCES) c.fail(f, `expected a list of at most ${MAX_SOURCES} scene sources (empty: hold out heldoutFraction of the scenes), found ${found(v)}`);
    else v.forEach((s, i) => c.string(`${f}[${i}]`, s, MAX_SOURCE_CHARS));
  },
  extraLabels: (c, f, v) => {
    if (!Array.isArray(v) || v.length > MAX_EXTRA_LABELS) c.fail(f, `expected a list of at most ${MAX_EXTRA_LABELS} label words, found ${found(v)}`);
    else v.forEach((s, i) => c.string(`${f}[${i}]`, s, 100));
  },
  families: (c, f, v) => {
    if (!Array.isArray(v) || v.length > FAMILIES.length) c.fail(f, `expected a list of at most ${FAMILIES.length} question families, found ${found(v)}`);
    else v.forEach((s, i) => c.oneOf(`${f}[${i}]`, s, FAMILIES));
  },
  heldoutFraction: (c, f, v) => c.number(f, v),
  rounds: (c, f, v) => c.int(f, v, 0, Number.MAX_SAFE_INTEGER),
  steps: (c, f, v) => c.int(f, v, 0, Number.MAX_SAFE_INTEGER),
  batch: (c, f, v) => c.int(f, v, 0, Number.MAX_SAFE_INTEGER),
  lr: (c, f, v) => c.number(f, v),
  warmupSteps: (c, f, v) => c.int(f, v, 0, Number.MAX_SAFE_INTEGER),
  thresholds: (c, f, v) => {
    if (!c.isObject(f, v)) return;
    c.onlyKeys(f, v, ['easy', 'hard']);
    c.optional(v, 'easy', (x) => c.number(`${f}.easy`, x));
    c.optional(v, 'hard', (x) => c.number(`${f}.hard`, x));
  },
  candidates: (c, f, v) => c.int(f, v, 0, Number.MAX_SAFE_INTEGER),
  acceptPerRound: (c, f, v) => c.int(f, v, 0, Number.MAX_SAFE_INTEGER),
  strategy: (c, f, v) => c.string(f, v, 100),
  selection: (c, f, v) => c.oneOf(f, v, ['frontier-first', 'all-but-easy']),
  staticSamples: (c, f, v) => c.int(f, v, 0, Number.MAX_SAFE_INTEGER),
  benchmarkPerFamily: (c, f, v) => c.int(f, v, 0, Number.MAX_SAFE_INTEGER),
  model: (c, f, v) => c.string(f, v, 100),
  executionProvider: (c, f, v) => c.oneOf(f, v, ['cuda', 'cpu']),
  threads: (c, f, v) => c.int(f, v, 0, Number.MAX_SAFE_INTEGER),
  frames: (c, f, v) => c.int(f, v, 0, Number.MAX_SAFE_INTEGER),
  seed: (c, f, v) => c.int(f, v, 0, 0xffffffff),
  dataSeed: (c, f, v) => c.int(f, v, 0, 0xffffffff),
  initCheckpoint: (c, f, v) => c.int(f, v, 0, Number.MAX_SAFE_INTEGER),
};

/** Plain JSON only: the settings are stored verbatim with the run. */
function isJson(v: unknown, depth = 0): boolean {
  if (depth > 8) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.length <= 10_000 && v.every((x) => isJson(x, depth + 1));
  if (typeof v === 'object' && !ArrayBuffer.isView(v)) return Object.values(v as object).every((x) => isJson(x, depth + 1));
  return false;
}

function checkLoopConfig(c: Checker, v: unknown): void {
  const f = 'startRun(config)';
  if (!c.isObject(f, v)) return;
  for (const [key, value] of Object.entries(v)) {
    if (value === undefined) continue;
    const field = `${f}.${key}`;
    const check = Object.hasOwn(CONFIG_FIELDS, key) ? CONFIG_FIELDS[key as keyof LoopConfig] : undefined;
    // Settings this build's contract does not name go on to the loop, which knows its own settings.
    if (check) check(c, field, value);
    else if (!isJson(value)) c.fail(field, `expected plain JSON (numbers, text, lists, objects), found ${found(value)}`);
  }
}

const CHECKS: { [M in ApiMethod]: { params: readonly string[]; required: number; check: ArgChecker } } = {
  info: { params: [], required: 0, check: () => {} },
  listScenes: { params: ['query'], required: 0, check: (c, [q]) => checkSceneQuery(c, q) },
  getScene: { params: ['sceneId'], required: 1, check: (c, [id]) => sceneId('getScene')(c, id) },
  getScenePoints: {
    params: ['sceneId', 'maxPoints'],
    required: 2,
    check: (c, [id, max]) => {
      sceneId('getScenePoints')(c, id);
      c.int('getScenePoints(maxPoints)', max, 1, MAX_POINT_BUDGET);
    },
  },
  getFrameImage: {
    params: ['sceneId', 'frame'],
    required: 2,
    check: (c, [id, frame]) => {
      sceneId('getFrameImage')(c, id);
      c.int('getFrameImage(frame)', frame, 0, 1_000_000);
    },
  },
  listRuns: { params: [], required: 0, check: () => {} },
  getRun: { params: ['runId'], required: 1, check: (c, [id]) => c.string('getRun(runId)', id) },
  startRun: { params: ['config'], required: 1, check: (c, [config]) => checkLoopConfig(c, config) },
  stopRun: { params: ['runId'], required: 1, check: (c, [id]) => c.string('stopRun(runId)', id) },
  resumeRun: {
    params: ['runId', 'model'],
    required: 1,
    check: (c, [id, model]) => {
      c.string('resumeRun(runId)', id);
      if (model !== undefined) c.string('resumeRun(model)', model, 500);
    },
  },
  updateRun: {
    params: ['runId', 'patch'],
    required: 2,
    check: (c, [id, patch]) => {
      c.string('updateRun(runId)', id);
      checkRunPatch(c, patch);
    },
  },
  deleteRun: { params: ['runId'], required: 1, check: (c, [id]) => c.string('deleteRun(runId)', id) },
  getRunConfig: { params: ['runId'], required: 1, check: (c, [id]) => c.string('getRunConfig(runId)', id) },
  queryQa: { params: ['query'], required: 1, check: (c, [q]) => checkQaQuery(c, q) },
  getQa: { params: ['qaId'], required: 1, check: (c, [id]) => c.int('getQa(qaId)', id, 1, Number.MAX_SAFE_INTEGER) },
  sceneObjectConfidence: {
    params: ['sceneId', 'runId'],
    required: 1,
    check: (c, [id, runId]) => {
      sceneId('sceneObjectConfidence')(c, id);
      if (runId !== undefined) c.string('sceneObjectConfidence(runId)', runId);
    },
  },
  sceneConfidenceByRound: {
    params: ['sceneId', 'runId'],
    required: 2,
    check: (c, [id, runId]) => {
      sceneId('sceneConfidenceByRound')(c, id);
      c.string('sceneConfidenceByRound(runId)', runId);
    },
  },
  rerunProgram: { params: ['qaId'], required: 1, check: (c, [id]) => c.int('rerunProgram(qaId)', id, 1, Number.MAX_SAFE_INTEGER) },
  heatmap: { params: ['query'], required: 1, check: (c, [q]) => checkHeatmapQuery(c, q) },
  curves: { params: ['runIds'], required: 1, check: (c, [ids]) => checkRunIds(c, 'curves(runIds)', ids, MAX_CURVES) },
  trainingSeries: { params: ['query'], required: 1, check: (c, [q]) => checkTrainingQuery(c, q) },
  compareRuns: { params: ['query'], required: 0, check: (c, [q]) => checkCompareQuery(c, q) },
  experiments: { params: [], required: 0, check: () => {} },
};

/**
 * The call's arguments, checked: returns them typed for `method`, or throws an InputError whose message names
 * the method, the argument and the expectation, e.g. `getScenePoints(maxPoints): expected a whole number from
 * 1 to 5000000, found 0`. `args` is the positional argument list as the transport received it.
 */
export function validateApiArgs<M extends ApiMethod>(method: M, args: unknown): ApiArgs<M> {
  if (!isApiMethod(method)) {
    // The method arrives from a transport and may be anything: name it only when it is a usable name.
    const m: unknown = method;
    const name = typeof m === 'string' && m !== '' ? m.slice(0, 100) : 'method';
    throw new InputError({ field: name, message: `unknown API method${typeof m === 'string' ? '' : ` (${found(m)})`}; expected one of ${API_METHODS.join(', ')}` });
  }
  const spec = CHECKS[method];
  const signature = `${method}(${spec.params.join(', ')})`;
  if (!Array.isArray(args)) throw new InputError({ field: signature, message: `expected the arguments as a list, found ${found(args)}` });
  // Trailing undefined arguments are how an optional argument left out looks after some transports.
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  if (n > spec.params.length || n < spec.required) {
    const expected = spec.required === spec.params.length ? `${spec.required}` : `${spec.required} to ${spec.params.length}`;
    throw new InputError({ field: signature, message: `expected ${expected} argument${spec.params.length === 1 ? '' : 's'}, found ${n}` });
  }
  const c = new Checker();
  spec.check(c, args);
  if (c.problems.length > 0) throw new InputError(c.problems);
  return args.slice(0, n) as ApiArgs<M>;
}
