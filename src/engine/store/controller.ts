/** The controller's decision per round: the mix it read, the mix it set, and why. */
import type { Mix } from '../../shared/proposer.js';
import type { ControllerDecisionRecord, JsonObject } from '../../shared/records.js';
import { fromJson, toJson } from './json.js';
import type { Store } from './store.js';

interface DecisionRow {
  run_id: string;
  round: number;
  strategy: string;
  weights_before: string;
  weights_after: string;
  stats: string;
  reason: string;
  created_at: number;
}

function toRecord(r: DecisionRow): ControllerDecisionRecord {
  const at = `controller decision ${r.run_id}#${r.round}`;
  return {
    runId: r.run_id,
    round: r.round,
    strategy: r.strategy,
    weightsBefore: fromJson<Mix>(r.weights_before, `${at} weights_before`),
    weightsAfter: fromJson<Mix>(r.weights_after, `${at} weights_after`),
    stats: fromJson<JsonObject>(r.stats, `${at} stats`),
    reason: r.reason,
    createdAt: r.created_at,
  };
}

/** One decision per round; recording again (a resumed round) replaces it. */
export function recordControllerDecision(store: Store, d: Omit<ControllerDecisionRecord, 'createdAt'>): ControllerDecisionRecord {
  store.assertWritable('record a controller decision');
  store
    .prepare(
      `INSERT OR REPLACE INTO controller_decisions (run_id, round, strategy, weights_before, weights_after, stats, reason, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(d.runId, d.round, d.strategy, toJson(d.weightsBefore), toJson(d.weightsAfter), toJson(d.stats), d.reason, Date.now());
  return getControllerDecision(store, d.runId, d.round)!;
}

export function getControllerDecision(store: Store, runId: string, round: number): ControllerDecisionRecord | undefined {
  const row = store.prepare('SELECT * FROM controller_decisions WHERE run_id = ? AND round = ?').get(runId, round) as DecisionRow | undefined;
  return row && toRecord(row);
}

export function listControllerDecisions(store: Store, runId: string): ControllerDecisionRecord[] {
  return (store.prepare('SELECT * FROM controller_decisions WHERE run_id = ? ORDER BY round').all(runId) as DecisionRow[]).map(toRecord);
}
