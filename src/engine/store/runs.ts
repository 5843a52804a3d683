/** Runs and the scenes each run trains on or holds out. */
import { randomUUID } from 'node:crypto';
import type { NewRun, RunMode, RunRecord, RunSceneEntry, RunSeeds, RunStatus, SceneSplit } from '../../shared/records.js';
import { RUN_STATUS_TRANSITIONS, RUN_STATUSES } from '../../shared/records.js';
import { StoreError } from './errors.js';
import { fromJson, toJson, whereClause } from './json.js';
import type { Store } from './store.js';

interface RunRow {
  id: string;
  name: string;
  mode: RunMode;
  config: string;
  seeds: string;
  code_version: string;
  status: RunStatus;
  provider: string;
  error: string | null;
  created_at: number;
  updated_at: number;
}

function toRecord(r: RunRow): RunRecord {
  return {
    id: r.id,
    name: r.name,
    mode: r.mode,
    config: fromJson(r.config, `run ${r.id} config`),
    seeds: fromJson<RunSeeds>(r.seeds, `run ${r.id} seeds`),
    codeVersion: r.code_version,
    status: r.status,
    provider: r.provider,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A new run, status `queued`. */
export function createRun(store: Store, input: NewRun): RunRecord {
  store.assertWritable('create a run');
  const now = Date.now();
  const id = input.id ?? randomUUID();
  store
    .prepare(
      `INSERT INTO runs (id, name, mode, config, seeds, code_version, status, provider, error, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, NULL, ?, ?)`,
    )
    .run(id, input.name, input.mode, toJson(input.config), toJson(input.seeds), input.codeVersion, input.provider, now, now);
  return getRun(store, id);
}

export function findRun(store: Store, id: string): RunRecord | undefined {
  const row = store.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  return row && toRecord(row);
}

export function getRun(store: Store, id: string): RunRecord {
  const run = findRun(store, id);
  if (!run) throw new StoreError('not-found', `no run "${id}" in ${store.dbPath}`);
  return run;
}

export interface RunFilter {
  status?: RunStatus;
  limit?: number;
  offset?: number;
}

/** Newest first. */
export function listRuns(store: Store, filter: RunFilter = {}): RunRecord[] {
  const where = whereClause([['status', filter.status]]);
  const rows = store
    .prepare(`SELECT * FROM runs ${where.sql} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`)
    .all(...where.params, filter.limit ?? -1, filter.offset ?? 0) as RunRow[];
  return rows.map(toRecord);
}

/**
 * Moves a run to `status`, refusing transitions the lifecycle does not have (RUN_STATUS_TRANSITIONS), so two
 * processes cannot, say, resume a run the user cancelled. `error` is kept for `failed` and cleared otherwise
 * unless given.
 */
export function updateRunStatus(store: Store, id: string, status: RunStatus, options: { error?: string | null } = {}): RunRecord {
  store.assertWritable('update a run');
  if (!RUN_STATUSES.includes(status)) throw new StoreError('invalid-state', `run ${id}: unknown status "${status}"`);
  store.db
    .transaction(() => {
      const current = getRun(store, id);
      if (current.status !== status && !RUN_STATUS_TRANSITIONS[current.status].includes(status)) {
        throw new StoreError('invalid-state', `run ${id}: cannot go from ${current.status} to ${status}`);
      }
      const error = options.error !== undefined ? options.error : status === 'failed' ? current.error : null;
      store.prepare('UPDATE runs SET status = ?, error = ?, updated_at = ? WHERE id = ?').run(status, error, Date.now(), id);
    })
    .immediate();
  return getRun(store, id);
}

/**
 * Adds scenes to a run, pinned to their current version, or moves them to another split (keeping the version
 * they were pinned to).
 */
export function assignRunScenes(store: Store, runId: string, entries: readonly RunSceneEntry[]): void {
  store.assertWritable('assign scenes to a run');
  const stmt = store.prepare(
    `INSERT INTO run_scenes (run_id, scene_id, split, scene_version)
     VALUES (@runId, @sceneId, @split, coalesce((SELECT version FROM scenes WHERE id = @sceneId), ''))
     ON CONFLICT (run_id, scene_id) DO UPDATE SET split = excluded.split`,
  );
  store.db.transaction(() => {
    for (const e of entries) stmt.run({ runId, sceneId: e.sceneId, split: e.split });
  })();
}

export function listRunScenes(store: Store, runId: string, split?: SceneSplit): RunSceneEntry[] {
  const where = whereClause([
    ['run_id', runId],
    ['split', split],
  ]);
  const rows = store.prepare(`SELECT scene_id, split, scene_version FROM run_scenes ${where.sql} ORDER BY scene_id`).all(...where.params) as {
    scene_id: string;
    split: SceneSplit;
    scene_version: string;
  }[];
  return rows.map((r) => ({ sceneId: r.scene_id, split: r.split, sceneVersion: r.scene_version }));
}

/** The scene version a run pinned (undefined: the scene is not in the run). */
export function runSceneVersion(store: Store, runId: string, sceneId: string): string | undefined {
  return store.prepare('SELECT scene_version FROM run_scenes WHERE run_id = ? AND scene_id = ?').pluck().get(runId, sceneId) as string | undefined;
}

/** Records which solver backend and execution provider the run actually uses (known once a session exists). */
export function setRunProvider(store: Store, id: string, provider: string): RunRecord {
  store.assertWritable('update a run');
  const info = store.prepare('UPDATE runs SET provider = ?, updated_at = ? WHERE id = ?').run(provider, Date.now(), id);
  if (info.changes === 0) throw new StoreError('not-found', `no run "${id}" in ${store.dbPath}`);
  return getRun(store, id);
}

/** A run's lifecycle fields alone, for a watcher polling every run without parsing configs. */
export interface RunState {
  id: string;
  status: RunStatus;
  updatedAt: number;
  error: string | null;
}

/** Every run's state, in the table's scan order: unsorted, as a watcher polling every second needs no order. */
export function listRunStates(store: Store): RunState[] {
  const rows = store.prepare('SELECT id, status, updated_at, error FROM runs').all() as { id: string; status: RunStatus; updated_at: number; error: string | null }[];
  return rows.map((r) => ({ id: r.id, status: r.status, updatedAt: r.updated_at, error: r.error }));
}
