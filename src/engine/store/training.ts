/** Per-step training statistics (loss curves). */
import type { TrainingStatRecord } from '../../shared/records.js';
import type { Store } from './store.js';

interface TrainingStatRow {
  run_id: string;
  round: number;
  step: number;
  loss: number;
  lr: number;
  grad_norm: number | null;
  elapsed_ms: number;
}

export function insertTrainingStats(store: Store, rows: readonly TrainingStatRecord[]): void {
  store.assertWritable('insert training stats');
  const stmt = store.prepare('INSERT INTO training_stats (run_id, round, step, loss, lr, grad_norm, elapsed_ms) VALUES (?, ?, ?, ?, ?, ?, ?)');
  store.db.transaction(() => {
    for (const r of rows) stmt.run(r.runId, r.round, r.step, r.loss, r.lr, r.gradNorm, r.elapsedMs);
  })();
}

/** In step order; `round` omitted: the whole run. */
export function listTrainingStats(store: Store, runId: string, round?: number): TrainingStatRecord[] {
  const rows = (
    round === undefined
      ? store.prepare('SELECT * FROM training_stats WHERE run_id = ? ORDER BY round, step, id').all(runId)
      : store.prepare('SELECT * FROM training_stats WHERE run_id = ? AND round = ? ORDER BY step, id').all(runId, round)
  ) as TrainingStatRow[];
  return rows.map((r) => ({
    runId: r.run_id,
    round: r.round,
    step: r.step,
    loss: r.loss,
    lr: r.lr,
    gradNorm: r.grad_norm,
    elapsedMs: r.elapsed_ms,
  }));
}

/** Mean loss over a round's training steps; null when it recorded none. */
export function meanTrainingLoss(store: Store, runId: string, round: number): number | null {
  const row = store.prepare('SELECT avg(loss) AS mean FROM training_stats WHERE run_id = ? AND round = ?').get(runId, round) as { mean: number | null };
  return row.mean;
}
