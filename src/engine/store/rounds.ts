/** The rounds of a run: where each is in the loop and what it produced, as counts for the dashboard. */
import type { RoundCounts, RoundRecord, RoundStatus, LoopStage } from '../../shared/records.js';
import { StoreError } from './errors.js';
import type { Store } from './store.js';

interface RoundRow {
  run_id: string;
  round: number;
  status: RoundStatus;
  stage: LoopStage | null;
  started_at: number | null;
  finished_at: number | null;
  active_ms: number | null;
  proposed_count: number;
  accepted_count: number;
  rejected_count: number;
  easy_count: number;
  frontier_count: number;
  hard_count: number;
}

const COUNT_COLUMNS: Record<keyof RoundCounts, string> = {
  proposed: 'proposed_count',
  accepted: 'accepted_count',
  rejected: 'rejected_count',
  easy: 'easy_count',
  frontier: 'frontier_count',
  hard: 'hard_count',
};

function toRecord(r: RoundRow): RoundRecord {
  return {
    runId: r.run_id,
    round: r.round,
    status: r.status,
    stage: r.stage,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    activeMs: r.active_ms,
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

export interface NewRound {
  runId: string;
  round: number;
  status?: RoundStatus;
  stage?: LoopStage | null;
  startedAt?: number | null;
}

export function createRound(store: Store, input: NewRound): RoundRecord {
  store.assertWritable('create a round');
  store
    .prepare('INSERT INTO rounds (run_id, round, status, stage, started_at) VALUES (?, ?, ?, ?, ?)')
    .run(input.runId, input.round, input.status ?? 'pending', input.stage ?? null, input.startedAt ?? null);
  return getRound(store, input.runId, input.round);
}

export interface RoundPatch {
  status?: RoundStatus;
  stage?: LoopStage | null;
  startedAt?: number | null;
  finishedAt?: number | null;
  activeMs?: number | null;
  /** Replaces the given counts; the others stay. */
  counts?: Partial<RoundCounts>;
}

export function updateRound(store: Store, runId: string, round: number, patch: RoundPatch): RoundRecord {
  store.assertWritable('update a round');
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
  set('active_ms', patch.activeMs);
  for (const [key, column] of Object.entries(COUNT_COLUMNS)) set(column, patch.counts?.[key as keyof RoundCounts]);
  if (sets.length > 0) {
    const info = store.prepare(`UPDATE rounds SET ${sets.join(', ')} WHERE run_id = ? AND round = ?`).run(...params, runId, round);
    if (info.changes === 0) throw notFound(store, runId, round);
  }
  return getRound(store, runId, round);
}

function notFound(store: Store, runId: string, round: number): StoreError {
  return new StoreError('not-found', `no round ${round} of run "${runId}" in ${store.dbPath}`);
}

export function getRound(store: Store, runId: string, round: number): RoundRecord {
  const row = store.prepare('SELECT * FROM rounds WHERE run_id = ? AND round = ?').get(runId, round) as RoundRow | undefined;
  if (!row) throw notFound(store, runId, round);
  return toRecord(row);
}

export function listRounds(store: Store, runId: string): RoundRecord[] {
  return (store.prepare('SELECT * FROM rounds WHERE run_id = ? ORDER BY round').all(runId) as RoundRow[]).map(toRecord);
}

/** How many of the run's rounds have completed. */
export function countCompletedRounds(store: Store, runId: string): number {
  return (store.prepare(`SELECT count(*) AS n FROM rounds WHERE run_id = ? AND status = 'completed'`).get(runId) as { n: number }).n;
}
