/** Iterations (rounds) of a run: where each is in the loop and what it produced, as counts for the dashboard. */
import type { IterationCounts, IterationRecord, IterationStatus, LoopStage } from '../../shared/records.js';
import { StoreError } from './errors.js';
import type { Store } from './store.js';

interface IterationRow {
  run_id: string;
  idx: number;
  status: IterationStatus;
  stage: LoopStage | null;
  started_at: number | null;
  finished_at: number | null;
  proposed_count: number;
  accepted_count: number;
  rejected_count: number;
  easy_count: number;
  frontier_count: number;
  hard_count: number;
}

const COUNT_COLUMNS: Record<keyof IterationCounts, string> = {
  proposed: 'proposed_count',
  accepted: 'accepted_count',
  rejected: 'rejected_count',
  easy: 'easy_count',
  frontier: 'frontier_count',
  hard: 'hard_count',
};

function toRecord(r: IterationRow): IterationRecord {
  return {
    runId: r.run_id,
    index: r.idx,
    status: r.status,
    stage: r.stage,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    counts: {
      proposed: r.proposed_count,
      accepted: r.accepted_count,
      rejected: r.rejected_count,
      easy: r.easy_count,
      frontier: r.frontier_count,
      hard: r.hard_count,
    },
  };
}

export interface NewIteration {
  runId: string;
  index: number;
  status?: IterationStatus;
  stage?: LoopStage | null;
  startedAt?: number | null;
}

export function createIteration(store: Store, input: NewIteration): IterationRecord {
  store.assertWritable('create an iteration');
  store
    .prepare('INSERT INTO iterations (run_id, idx, status, stage, started_at) VALUES (?, ?, ?, ?, ?)')
    .run(input.runId, input.index, input.status ?? 'pending', input.stage ?? null, input.startedAt ?? null);
  return getIteration(store, input.runId, input.index);
}

export interface IterationPatch {
  status?: IterationStatus;
  stage?: LoopStage | null;
  startedAt?: number | null;
  finishedAt?: number | null;
  /** Replaces the given counts; the others stay. */
  counts?: Partial<IterationCounts>;
}

export function updateIteration(store: Store, runId: string, index: number, patch: IterationPatch): IterationRecord {
  store.assertWritable('update an iteration');
  const sets: string[] = [];
  const params: unknown[] = [];
  const set = (column: string, value: unknown): void => {
    if (value === undefined) return;
    sets.push(`${column} = ?`);
    params.push(value);
  };
  set('status', patch.status);
  set('stage', patch.stage);
  set('started_at', patch.startedAt);
  set('finished_at', patch.finishedAt);
  for (const [key, column] of Object.entries(COUNT_COLUMNS)) set(column, patch.counts?.[key as keyof IterationCounts]);
  if (sets.length > 0) {
    const info = store.prepare(`UPDATE iterations SET ${sets.join(', ')} WHERE run_id = ? AND idx = ?`).run(...params, runId, index);
    if (info.changes === 0) throw notFound(store, runId, index);
  }
  return getIteration(store, runId, index);
}

function notFound(store: Store, runId: string, index: number): StoreError {
  return new StoreError('not-found', `no iteration ${index} of run "${runId}" in ${store.dbPath}`);
}

export function getIteration(store: Store, runId: string, index: number): IterationRecord {
  const row = store.prepare('SELECT * FROM iterations WHERE run_id = ? AND idx = ?').get(runId, index) as IterationRow | undefined;
  if (!row) throw notFound(store, runId, index);
  return toRecord(row);
}

export function listIterations(store: Store, runId: string): IterationRecord[] {
  return (store.prepare('SELECT * FROM iterations WHERE run_id = ? ORDER BY idx').all(runId) as IterationRow[]).map(toRecord);
}

/** How many of the run's iterations have completed. */
export function countCompletedIterations(store: Store, runId: string): number {
  return (store.prepare(`SELECT count(*) AS n FROM iterations WHERE run_id = ? AND status = 'completed'`).get(runId) as { n: number }).n;
}
