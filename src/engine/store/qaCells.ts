/**
 * A run's accepted questions grouped into cells by two of their columns, for the heatmaps (host/heatmap.ts decides
 * which axes make a table and what a cell shows). Rejected questions are never answered, so they are left out.
 */
import type { Store } from './store.js';

/** The qa columns a cell may be keyed by. */
export type QaAxis = 'family' | 'scene' | 'bin' | 'round';

// Column names come from this table only, never from the caller, so interpolating them into SQL is safe.
const COLUMNS: Record<QaAxis, string> = { family: 'family', scene: 'scene_id', bin: 'bin', round: 'round' };

export interface QaCellQuery {
  runId: string;
  row: QaAxis;
  col: QaAxis;
  /** Only questions of this family. */
  family?: string;
}

/** One cell's questions: answered ones carry the latest answer's bucket and confidence (migration 0003's trigger). */
export interface QaCellCounts {
  row: string | number;
  col: string | number;
  total: number;
  answered: number;
  meanConfidence: number | null;
  easy: number;
  frontier: number;
  hard: number;
}

/** An answered question's cell, ground truth and latest prediction. */
export interface QaCellAnswer {
  row: string | number;
  col: string | number;
  family: string;
  answer: string | number | null;
  prediction: string | null;
}

function where(query: QaCellQuery): { sql: string; params: unknown[] } {
  const conditions = [`run_id = ?`, `verdict = 'accepted'`];
  const params: unknown[] = [query.runId];
  if (query.family !== undefined) {
    conditions.push('family = ?');
    params.push(query.family);
  }
  return { sql: conditions.join(' AND '), params };
}

export function countQaCells(store: Store, query: QaCellQuery): QaCellCounts[] {
  const w = where(query);
  const rows = store
    .prepare(
      `SELECT ${COLUMNS[query.row]} AS r, ${COLUMNS[query.col]} AS c, count(*) AS total, count(bucket) AS answered, avg(confidence) AS meanConfidence,
              sum(bucket = 'easy') AS easy, sum(bucket = 'frontier') AS frontier, sum(bucket = 'hard') AS hard
       FROM qa WHERE ${w.sql} GROUP BY r, c`,
    )
    .all(...w.params) as (Omit<QaCellCounts, 'row' | 'col'> & { r: string | number; c: string | number })[];
  return rows.map(({ r, c, ...counts }) => ({ row: r, col: c, ...counts }));
}

/** Every answered question's latest answer, as the bucket trigger picks it: highest round, then newest row. */
export function latestQaAnswers(store: Store, query: QaCellQuery): QaCellAnswer[] {
  const w = where(query);
  const rows = store
    .prepare(
      `SELECT ${COLUMNS[query.row]} AS r, ${COLUMNS[query.col]} AS c, family, answer,
              (SELECT s.prediction FROM solver_outputs s WHERE s.qa_id = qa.id ORDER BY s.round DESC, s.id DESC LIMIT 1) AS prediction
       FROM qa WHERE ${w.sql} AND bucket IS NOT NULL`,
    )
    .all(...w.params) as (Omit<QaCellAnswer, 'row' | 'col'> & { r: string | number; c: string | number })[];
  return rows.map(({ r, c, ...answer }) => ({ row: r, col: c, ...answer }));
}
