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
  notes: string;
  /** JSON list, from run_tags (see SELECT_RUN). */
  tags: string;
}

/** A run's row with its tags as one JSON list, so a list of runs is one query. */
const SELECT_RUN = `SELECT r.*, (SELECT json_group_array(t.tag) FROM run_tags t WHERE t.run_id = r.id) AS tags FROM runs r`;

function toRecord(r: RunRow): RunRecord {
  return {
    id: r.id,
    name: r.name,
    mode: r.mode,
    config: fromJson(r.config, `run ${r.id} config`),
    seeds: fromJson<RunSeeds>(r.seeds, `run ${r.id} seeds`),
    tags: fromJson<string[]>(r.tags, `run ${r.id} tags`).sort(),
    notes: r.notes,
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
  const row = store.prepare(`${SELECT_RUN} WHERE r.id = ?`).get(id) as RunRow | undefined;
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
  const where = whereClause([['r.status', filter.status]]);
  const rows = store
    .prepare(`${SELECT_RUN} ${where.sql} ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?`)
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

/** What a researcher may change on a run after it started: its display name, tags and notes. */
export interface RunInfoPatch {
  name?: string;
  /** Replace the run's tags; blanks are dropped, the rest trimmed and kept once each. */
  tags?: readonly string[];
  notes?: string;
}

/**
 * Renames a run and/or replaces its tags or notes, in one transaction. `updated_at` stays: it is when the run last
 * progressed (the watcher and the runs list read it so), and labelling a run is not progress. The stored settings
 * keep the name the run started with, as they keep everything else it ran with.
 */
export function updateRunInfo(store: Store, id: string, patch: RunInfoPatch): RunRecord {
  store.assertWritable('update a run');
  store.db
    .transaction(() => {
      getRun(store, id);
      if (patch.name !== undefined) {
        const name = patch.name.trim();
        if (name === '') throw new StoreError('invalid-state', `run ${id}: a run's name cannot be blank`);
        store.prepare('UPDATE runs SET name = ? WHERE id = ?').run(name, id);
      }
      if (patch.notes !== undefined) store.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(patch.notes, id);
      if (patch.tags !== undefined) {
        store.prepare('DELETE FROM run_tags WHERE run_id = ?').run(id);
        const insert = store.prepare('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)');
        for (const tag of patch.tags.map((t) => t.trim()).filter((t) => t !== '')) insert.run(id, tag);
      }
    })
    .immediate();
  return getRun(store, id);
}

/**
 * Other runs that would lose a checkpoint of `runId` if it were deleted: runs whose settings start from one
 * (`initCheckpoint`) or use one as the irreducible-loss model (`referenceCheckpoint`), and runs whose stored answers
 * came from one. Deleting would leave them unreproducible (and their answers' checkpoint unknown).
 */
export function runsUsingCheckpointsOf(store: Store, runId: string): { id: string; name: string; checkpointIds: number[] }[] {
  const rows = store
    .prepare(
      `WITH mine AS (SELECT id FROM checkpoints WHERE run_id = @runId),
       uses AS (
         SELECT r.id AS run_id, m.id AS checkpoint_id FROM runs r, mine m
         WHERE r.id <> @runId AND m.id IN (json_extract(r.config, '$.initCheckpoint'), json_extract(r.config, '$.referenceCheckpoint'))
         UNION
         SELECT DISTINCT so.run_id, so.checkpoint_id FROM solver_outputs so WHERE so.checkpoint_id IN (SELECT id FROM mine) AND so.run_id <> @runId
       )
       SELECT u.run_id AS id, r.name AS name, group_concat(DISTINCT u.checkpoint_id) AS ids FROM uses u JOIN runs r ON r.id = u.run_id
       GROUP BY u.run_id ORDER BY r.created_at, u.run_id`,
    )
    .all({ runId }) as { id: string; name: string; ids: string }[];
  return rows.map((r) => ({ id: r.id, name: r.name, checkpointIds: r.ids.split(',').map(Number).sort((a, b) => a - b) }));
}

/**
 * Deletes a run and everything it made (its rounds, QA, answers, training figures, checkpoints' rows, metrics,
 * decisions, tags: the schema cascades), in one IMMEDIATE transaction that first checks, holding the write lock,
 * that nothing is running it and no other run needs its checkpoints. Replaced scene versions that no run uses any
 * more go too. Blob files are left to `sweepBlobs` (the caller runs it after), which removes what nothing refers to.
 */
export function deleteRun(store: Store, id: string): RunRecord {
  store.assertWritable('delete a run');
  return store.db
    .transaction(() => {
      const run = getRun(store, id);
      if (run.status === 'running' || run.status === 'queued') {
        throw new StoreError('invalid-state', `run "${run.name}" (${id}) is ${run.status}: stop it before deleting it (a run left ${run.status} by a crash: resume it, then stop it)`);
      }
      const users = runsUsingCheckpointsOf(store, id);
      if (users.length > 0) {
        const named = users.map((u) => `"${u.name}" (${u.id}; checkpoint ${u.checkpointIds.join(', ')})`).join(', ');
        throw new StoreError('invalid-state', `run "${run.name}" (${id}) cannot be deleted: ${users.length === 1 ? 'run' : 'runs'} ${named} ${users.length === 1 ? 'uses' : 'use'} its checkpoints; delete ${users.length === 1 ? 'that run' : 'those runs'} first`);
      }
      store.prepare('DELETE FROM runs WHERE id = ?').run(id);
      store
        .prepare(`DELETE FROM scene_versions WHERE NOT EXISTS (SELECT 1 FROM run_scenes rs WHERE rs.scene_id = scene_versions.scene_id AND rs.scene_version = scene_versions.version)`)
        .run();
      return run;
    })
    .immediate();
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
