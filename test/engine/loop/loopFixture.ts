/** A loop small enough to run in a few seconds, and a digest of everything a run wrote, to compare runs. */
import type { LoopConfigInput } from '../../../src/shared/loop.js';
import type { Store } from '../../../src/engine/store/index.js';

export const SMALL_LOOP: LoopConfigInput = {
  name: 'small',
  scenes: ['synthetic:6'],
  heldoutFraction: 0.34,
  rounds: 2,
  steps: 4,
  batch: 8,
  candidates: 240,
  benchmarkPerFamily: 3,
  model: 'tiny',
  // The default, as users run: one intra-op thread per session and inference lanes on the other cores.
  // Determinism with several intra-op threads (issue 10) is test/engine/solver/determinism.test.ts's.
  threads: 0,
  seed: 7,
};

/** Everything a run produced, minus ids and timestamps: two runs with the same seeds must digest equally. */
export function runDigest(store: Store, runId: string): Record<string, unknown> {
  const all = (sql: string) => store.db.prepare(sql).all(runId);
  return {
    rounds: all(`SELECT round, status, stage, proposed_count, accepted_count, rejected_count, easy_count, frontier_count, hard_count
                     FROM rounds WHERE run_id = ? ORDER BY round`),
    qa: all(`SELECT round, proposal_id, family, bin, question, answer, verdict, rejected_by, trained_round, bucket, confidence
             FROM qa WHERE run_id = ? ORDER BY round, proposal_id, id`),
    outputs: all(`SELECT s.round, q.proposal_id, s.prediction, s.confidence, s.bucket FROM solver_outputs s JOIN qa q ON q.id = s.qa_id
                  WHERE s.run_id = ? ORDER BY s.round, q.proposal_id, s.id`),
    decisions: all(`SELECT round, strategy, weights_after, reason FROM controller_decisions WHERE run_id = ? ORDER BY round`),
    checkpoints: all(`SELECT round, blob_hash, optimizer_step FROM checkpoints WHERE run_id = ? ORDER BY round, id`),
    training: all(`SELECT round, step, loss, grad_norm FROM training_stats WHERE run_id = ? ORDER BY round, step, id`),
    metrics: all(`SELECT round, benchmark_set_id, family, metric, value, n FROM metrics WHERE run_id = ? ORDER BY round, metric, family`),
    split: all(`SELECT scene_id, split, scene_version FROM run_scenes WHERE run_id = ? ORDER BY scene_id`),
  };
}
