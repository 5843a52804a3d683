/** Evaluation figures per run, round, benchmark set, family and metric. */
import type { MetricRecord } from '../../shared/records.js';
import type { Store } from './store.js';

interface MetricRow {
  run_id: string;
  round: number;
  benchmark_set_id: string;
  family: string | null;
  metric: string;
  value: number;
  n: number;
}

/** Records figures; one already there for the same key (run, round, set, family, metric) is replaced. */
export function recordMetrics(store: Store, rows: readonly MetricRecord[]): void {
  store.assertWritable('record metrics');
  const stmt = store.prepare(
    `INSERT OR REPLACE INTO metrics (run_id, round, benchmark_set_id, family, metric, value, n, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const now = Date.now();
  store.db.transaction(() => {
    for (const m of rows) stmt.run(m.runId, m.round, m.benchmarkSetId, m.family, m.metric, m.value, m.n, now);
  })();
}

export interface MetricFilter {
  runId: string;
  round?: number;
  benchmarkSetId?: string;
  /** null: only the all-families figures; undefined: every family. */
  family?: string | null;
  metric?: string;
}

export function listMetrics(store: Store, filter: MetricFilter): MetricRecord[] {
  const conditions: string[] = ['run_id = ?'];
  const params: unknown[] = [filter.runId];
  const add = (sql: string, value?: unknown): void => {
    conditions.push(sql);
    if (value !== undefined) params.push(value);
  };
  if (filter.round !== undefined) add('round = ?', filter.round);
  if (filter.benchmarkSetId !== undefined) add('benchmark_set_id = ?', filter.benchmarkSetId);
  if (filter.family === null) add('family IS NULL');
  else if (filter.family !== undefined) add('family = ?', filter.family);
  if (filter.metric !== undefined) add('metric = ?', filter.metric);
  const rows = store
    .prepare(`SELECT * FROM metrics WHERE ${conditions.join(' AND ')} ORDER BY round, benchmark_set_id, family IS NOT NULL, family, metric`)
    .all(...params) as MetricRow[];
  return rows.map((r) => ({
    runId: r.run_id,
    round: r.round,
    benchmarkSetId: r.benchmark_set_id,
    family: r.family,
    metric: r.metric,
    value: r.value,
    n: r.n,
  }));
}

/**
 * Figures another run already recorded for the model it started from (`initCheckpoint`) on a benchmark set:
 * every arm of an experiment starts from one base, and scoring that base again per run would only repeat a
 * deterministic computation. Returns the rows of one such run (round 0), or [] when none has them.
 */
export function findStartMetrics(store: Store, benchmarkSetId: string, initCheckpoint: number, metrics: readonly string[]): MetricRecord[] {
  if (initCheckpoint <= 0 || metrics.length === 0) return [];
  const marks = metrics.map(() => '?').join(', ');
  const donor = store
    .prepare(
      `SELECT m.run_id FROM metrics m JOIN runs r ON r.id = m.run_id
       WHERE m.benchmark_set_id = ? AND m.round = 0 AND m.family IS NULL AND m.metric = ?
         AND json_extract(r.config, '$.initCheckpoint') = ?
       ORDER BY m.created_at, m.run_id LIMIT 1`,
    )
    .get(benchmarkSetId, metrics[0], initCheckpoint) as { run_id: string } | undefined;
  if (!donor) return [];
  return (
    store
      .prepare(`SELECT * FROM metrics WHERE run_id = ? AND round = 0 AND benchmark_set_id = ? AND metric IN (${marks}) ORDER BY family IS NOT NULL, family, metric`)
      .all(donor.run_id, benchmarkSetId, ...metrics) as MetricRow[]
  ).map((r) => ({ runId: r.run_id, round: r.round, benchmarkSetId: r.benchmark_set_id, family: r.family, metric: r.metric, value: r.value, n: r.n }));
}
