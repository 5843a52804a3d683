/**
 * The runs table as a researcher reads it: the settings that tell runs apart as columns, sorting by any column,
 * and the tags filter. In lib/ because the runs store holds the sort and the filter (stores never import views).
 */
import type { RunSummary } from '../../../shared/api.js';
import type { JsonValue, RunConfig } from '../../../shared/records.js';
import { runTiming } from './runProgress.js';

export type RunSortKey = 'name' | 'status' | 'mode' | 'strategy' | 'scenes' | 'rounds' | 'steps' | 'batch' | 'seed' | 'model' | 'heldout' | 'elapsed' | 'created';

export interface RunSort {
  key: RunSortKey;
  descending: boolean;
}

/** Newest first, as the list has always been. */
export const DEFAULT_RUN_SORT: RunSort = { key: 'created', descending: true };

/** The settings shown as columns; null where the stored settings do not say (or, for the rule, where it plays no part). */
export interface RunSettings {
  /** The selection rule: only the closed loop follows one. */
  strategy: string | null;
  scenes: string[];
  rounds: number | null;
  steps: number | null;
  batch: number | null;
  seed: number | null;
  model: string | null;
}

const num = (v: JsonValue | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: JsonValue | undefined): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function runSettings(config: RunConfig): RunSettings {
  const scenes = Array.isArray(config.scenes) ? config.scenes.filter((s): s is string => typeof s === 'string') : [];
  return {
    strategy: config.mode === 'closed-loop' ? str(config.strategy) : null,
    scenes,
    rounds: num(config.rounds),
    steps: num(config.steps),
    batch: num(config.batch),
    seed: num(config.seed),
    model: str(config.model),
  };
}

/** The value a column sorts by; null sorts last whichever the direction. */
function sortValue(run: RunSummary, key: RunSortKey, now: number): string | number | null {
  const s = runSettings(run.config);
  switch (key) {
    case 'name':
      return run.name.toLowerCase();
    case 'status':
      return run.status;
    case 'mode':
      return run.mode;
    case 'strategy':
      return s.strategy;
    case 'scenes':
      return s.scenes.length > 0 ? s.scenes.join(', ') : null;
    case 'rounds':
      return s.rounds;
    case 'steps':
      return s.steps;
    case 'batch':
      return s.batch;
    case 'seed':
      return s.seed;
    case 'model':
      return s.model;
    case 'heldout':
      return run.heldoutScore;
    case 'elapsed':
      return runTiming(run, s.rounds, now).elapsedMs;
    case 'created':
      return run.createdAt;
  }
}

export function sortRuns(runs: readonly RunSummary[], sort: RunSort, now: number): RunSummary[] {
  const dir = sort.descending ? -1 : 1;
  const keyed = runs.map((run) => ({ run, v: sortValue(run, sort.key, now) }));
  keyed.sort((a, b) => {
    if (a.v === null || b.v === null) {
      if (a.v !== b.v) return a.v === null ? 1 : -1;
    } else if (a.v !== b.v) {
      return (typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v))) * dir;
    }
    // Ties: newest first, so equal settings read in the order the runs were made.
    return b.run.createdAt - a.run.createdAt || (a.run.id < b.run.id ? -1 : a.run.id > b.run.id ? 1 : 0);
  });
  return keyed.map((k) => k.run);
}

/** The runs carrying every one of `tags` (all runs when none is chosen). */
export function filterRuns(runs: readonly RunSummary[], tags: readonly string[]): RunSummary[] {
  if (tags.length === 0) return [...runs];
  return runs.filter((r) => tags.every((t) => r.tags.includes(t)));
}

/** Every tag in use, alphabetically, with how many runs carry it. */
export function tagCounts(runs: readonly RunSummary[]): { tag: string; n: number }[] {
  const counts = new Map<string, number>();
  for (const r of runs) for (const t of r.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([tag, n]) => ({ tag, n }));
}

/** Sorting by a column: the same column again turns the direction round; a new one starts ascending (time: newest). */
export function nextSort(current: RunSort, key: RunSortKey): RunSort {
  if (current.key === key) return { key, descending: !current.descending };
  return { key, descending: key === 'created' };
}
