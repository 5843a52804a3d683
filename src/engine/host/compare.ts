/**
 * Honest comparison of runs: runs that differ only in their seeds are repetitions of one setting, so they are
 * grouped (settings minus `seed`, `dataSeed` and `name`) and each group is reported as a mean with a Student-t
 * 95% interval and its n, never as its best seed. Two groups are differenced seed by seed (runs with the same seed
 * and data seed share proposals, batches, initialisation and benchmark, so their difference cancels the
 * seed-to-seed spread), and a difference whose interval holds 0 is "no difference" (src/shared/statistics.ts).
 */
import { createHash } from 'node:crypto';
import type { Comparison, CompareQuery, CurvePoint, GroupRoundStat, GroupRun, RoundDifference, RunGroup } from '../../shared/api.js';
import { InputError } from '../../shared/errors.js';
import type { JsonObject, JsonValue, RunRecord } from '../../shared/records.js';
import { meanInterval, pairedDifference } from '../../shared/statistics.js';
import { storedLoopConfig } from '../loop/config.js';
import { curvePoints } from '../loop/metrics.js';
import { listMetrics } from '../store/metrics.js';
import { getRun, listRuns } from '../store/runs.js';
import type { Store } from '../store/store.js';

/** What tells repetitions of one setting apart; everything else in the settings defines the group. */
export const SEED_SETTINGS = ['seed', 'dataSeed', 'name'] as const;

/** JSON with object keys sorted, so equal settings give equal text whatever order they were stored in. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * The settings as the loop would run them: a run stored by an older build lacks settings added since, and
 * `storedLoopConfig` fills them with what that build did, so it groups with a new run of the same behaviour.
 * Settings the loop no longer accepts are compared as stored.
 */
function effectiveConfig(run: RunRecord): JsonObject {
  try {
    return storedLoopConfig(run.config) as unknown as JsonObject;
  } catch {
    return run.config;
  }
}

export function groupSettings(config: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(config)) if (!(SEED_SETTINGS as readonly string[]).includes(k)) out[k] = v;
  return out;
}

export function groupKey(settings: JsonObject): string {
  return createHash('sha256').update(canonicalJson(settings)).digest('hex').slice(0, 16);
}

/** Mean ± 95% CI per round over the runs that reached it, and their mean samples seen (round −1: the start). */
export function roundStats(curves: readonly (readonly CurvePoint[])[]): GroupRoundStat[] {
  const byRound = new Map<number, { scores: number[]; samples: number[] }>();
  for (const curve of curves)
    for (const p of curve) {
      const entry = byRound.get(p.round) ?? { scores: [], samples: [] };
      entry.scores.push(p.overall);
      entry.samples.push(p.samplesSeen);
      byRound.set(p.round, entry);
    }
  return [...byRound]
    .sort((a, b) => a[0] - b[0])
    .map(([round, { scores, samples }]) => ({ round, score: meanInterval(scores), samplesSeen: samples.reduce((a, b) => a + b, 0) / samples.length }));
}

/** "experiment quick: no feedback" from "experiment quick: no feedback, seed 3". */
export function stripSeed(name: string): string {
  return name.replace(/,?\s+seed\s+\d+$/i, '');
}

function settingText(v: JsonValue | undefined): string {
  if (v === undefined) return '(unset)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

const seedOf = (config: JsonObject, run: RunRecord, key: 'seed' | 'dataSeed'): number => {
  const v = config[key] ?? run.seeds[key];
  return typeof v === 'number' ? v : 0;
};

interface Member {
  run: RunRecord;
  seed: number;
  dataSeed: number;
  curve: CurvePoint[];
}

export function compareRuns(store: Store, query: CompareQuery = {}): Comparison {
  const runs = query.runIds ? [...new Set(query.runIds)].map((id) => getRun(store, id)) : listRuns(store);
  const excluded: Comparison['excluded'] = [];
  const groups = new Map<string, { settings: JsonObject; members: Member[] }>();
  for (const run of runs) {
    if (run.status !== 'completed') {
      excluded.push({ runId: run.id, name: run.name, reason: `${run.status}, not completed` });
      continue;
    }
    const curve = curvePoints(listMetrics(store, { runId: run.id, family: null }));
    if (!curve.some((p) => p.round >= 0)) {
      excluded.push({ runId: run.id, name: run.name, reason: 'no held-out score' });
      continue;
    }
    const config = effectiveConfig(run);
    const settings = groupSettings(config);
    const key = groupKey(settings);
    const group = groups.get(key) ?? { settings, members: [] };
    group.members.push({ run, seed: seedOf(config, run, 'seed'), dataSeed: seedOf(config, run, 'dataSeed'), curve });
    groups.set(key, group);
  }

  // One run per seed pair: a rerun with the same settings and seeds repeats the same computation, and counting it
  // twice would shrink the interval without adding evidence.
  const built: (RunGroup & { first: number })[] = [];
  for (const [key, { settings, members }] of groups) {
    const kept = new Map<string, Member>();
    for (const m of [...members].sort((a, b) => b.run.createdAt - a.run.createdAt || (a.run.id < b.run.id ? -1 : 1))) {
      const pair = `${m.seed}/${m.dataSeed}`;
      const newer = kept.get(pair);
      if (newer) excluded.push({ runId: m.run.id, name: m.run.name, reason: `same settings and seeds as the newer run "${newer.run.name}" (${newer.run.id}), which is counted` });
      else kept.set(pair, m);
    }
    const list = [...kept.values()].sort((a, b) => a.seed - b.seed || a.dataSeed - b.dataSeed);
    const names = [...new Set(list.map((m) => stripSeed(m.run.name)))];
    const runsOut: GroupRun[] = list.map((m) => ({
      runId: m.run.id,
      name: m.run.name,
      seed: m.seed,
      dataSeed: m.dataSeed,
      scores: m.curve.map((p) => ({ round: p.round, score: p.overall })),
    }));
    built.push({
      key,
      title: names.length === 1 ? names[0]! : `${names[0]} (and ${names.length - 1} other name${names.length === 2 ? '' : 's'})`,
      label: '',
      settings,
      runs: runsOut,
      rounds: roundStats(list.map((m) => m.curve)),
      first: Math.min(...list.map((m) => m.run.createdAt)),
    });
  }
  built.sort((a, b) => a.first - b.first || (a.key < b.key ? -1 : 1));

  const allKeys = [...new Set(built.flatMap((g) => Object.keys(g.settings)))].sort();
  const differing = allKeys.filter((k) => new Set(built.map((g) => canonicalJson(g.settings[k] ?? null))).size > 1);
  const out: RunGroup[] = built.map(({ first: _first, ...g }) => ({ ...g, label: differing.map((k) => `${k}: ${settingText(g.settings[k])}`).join(' · ') }));

  return { groups: out, differing, difference: difference(out, query), excluded };
}

function difference(groups: readonly RunGroup[], query: CompareQuery): Comparison['difference'] {
  if (query.a === undefined && query.b === undefined) return null;
  const find = (field: 'a' | 'b'): RunGroup => {
    const key = query[field];
    if (key === undefined) throw new InputError({ field: `compareRuns(query).${field}`, message: `expected a group key beside ${field === 'a' ? 'b' : 'a'}, found nothing` });
    const g = groups.find((x) => x.key === key);
    if (!g) throw new InputError({ field: `compareRuns(query).${field}`, message: `no group with key "${key}" among the compared runs (keys: ${groups.map((x) => x.key).join(', ') || 'none'})` });
    return g;
  };
  const a = find('a');
  const b = find('b');
  if (a.key === b.key) throw new InputError({ field: 'compareRuns(query).b', message: `names the same group as a ("${a.key}"); a paired difference needs two groups` });
  const rounds = [...new Set(a.rounds.map((r) => r.round))].filter((r) => b.rounds.some((x) => x.round === r)).sort((x, y) => x - y);
  const scoreAt = (run: GroupRun, round: number): number | undefined => run.scores.find((s) => s.round === round)?.score;
  const out: RoundDifference[] = [];
  for (const round of rounds) {
    const pairs: RoundDifference['pairs'] = [];
    for (const ra of a.runs) {
      const rb = b.runs.find((x) => x.seed === ra.seed && x.dataSeed === ra.dataSeed);
      const sa = scoreAt(ra, round);
      const sb = rb ? scoreAt(rb, round) : undefined;
      if (sa !== undefined && sb !== undefined) pairs.push({ seed: ra.seed, dataSeed: ra.dataSeed, a: sa, b: sb });
    }
    if (pairs.length === 0) continue;
    out.push({ round, pairs, difference: pairedDifference(pairs.map((p) => p.a), pairs.map((p) => p.b)) });
  }
  return { a: a.key, b: b.key, rounds: out };
}
