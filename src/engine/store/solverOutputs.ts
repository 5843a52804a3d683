/** The solver's answers with their confidence; inserting one also updates its question's bucket (trigger, 0003). */
import type { Bucket } from '../../shared/proposer.js';
import type { ConfidenceMethod, NewSolverOutput, SolverOutputRecord } from '../../shared/records.js';
import { StoreError } from './errors.js';
import { fromJson, toJson, whereClause } from './json.js';
import type { Store } from './store.js';

interface SolverOutputRow {
  id: number;
  qa_id: number;
  run_id: string;
  round: number;
  checkpoint_id: number | null;
  prediction: string;
  confidence: number;
  bucket: Bucket;
  answer_token_probs: string;
  p_correct: number | null;
  loss: number | null;
  reference_loss: number | null;
  selection_score: number | null;
  confidence_method: ConfidenceMethod | null;
  created_at: number;
}

function toRecord(r: SolverOutputRow): SolverOutputRecord {
  return {
    id: r.id,
    qaId: r.qa_id,
    runId: r.run_id,
    round: r.round,
    checkpointId: r.checkpoint_id,
    prediction: r.prediction,
    confidence: r.confidence,
    bucket: r.bucket,
    answerTokenProbs: fromJson<number[]>(r.answer_token_probs, `solver output ${r.id} answer_token_probs`),
    pCorrect: r.p_correct,
    loss: r.loss,
    referenceLoss: r.reference_loss,
    selectionScore: r.selection_score,
    confidenceMethod: r.confidence_method,
    createdAt: r.created_at,
  };
}

// SQLite stores NaN as NULL anyway; saying so keeps the record's `number | null` honest on the way back.
const finiteOrNull = (x: number | null | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** Inserts outputs in one transaction; the run is taken from each output's question. Returns the new ids. */
export function insertSolverOutputs(store: Store, rows: readonly NewSolverOutput[]): number[] {
  store.assertWritable('insert solver outputs');
  const stmt = store.prepare(`
    INSERT INTO solver_outputs (qa_id, run_id, round, checkpoint_id, prediction, confidence, bucket, answer_token_probs,
                                p_correct, loss, reference_loss, selection_score, confidence_method, created_at)
    SELECT id, run_id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM qa WHERE id = ?`);
  const now = Date.now();
  const ids: number[] = [];
  store.db.transaction(() => {
    for (const o of rows) {
      const info = stmt.run(
        o.round,
        o.checkpointId,
        o.prediction,
        o.confidence,
        o.bucket,
        toJson(o.answerTokenProbs),
        finiteOrNull(o.pCorrect),
        finiteOrNull(o.loss),
        finiteOrNull(o.referenceLoss),
        finiteOrNull(o.selectionScore),
        o.confidenceMethod ?? null,
        now,
        o.qaId,
      );
      if (info.changes !== 1) throw new StoreError('not-found', `solver output for question ${o.qaId}: no such question in ${store.dbPath}`);
      ids.push(Number(info.lastInsertRowid));
    }
  })();
  return ids;
}

export interface SolverOutputFilter {
  runId?: string;
  round?: number;
  qaId?: number;
  bucket?: Bucket;
  limit?: number;
  offset?: number;
}

export function listSolverOutputs(store: Store, filter: SolverOutputFilter): SolverOutputRecord[] {
  const w = whereClause([
    ['run_id', filter.runId],
    ['round', filter.round],
    ['qa_id', filter.qaId],
    ['bucket', filter.bucket],
  ]);
  const rows = store
    .prepare(`SELECT * FROM solver_outputs ${w.sql} ORDER BY id LIMIT ? OFFSET ?`)
    .all(...w.params, filter.limit ?? -1, filter.offset ?? 0) as SolverOutputRow[];
  return rows.map(toRecord);
}

/** One of a round's answers beside the question it answers (that round's question, asked that round). */
export interface RoundAnswer {
  sceneId: string;
  family: string;
  bin: number;
  question: string;
  answer: string | number;
  prediction: string;
  confidence: number;
  bucket: Bucket;
  selectionScore: number | null;
}

interface RoundAnswerRow {
  scene_id: string;
  family: string;
  bin: number;
  question: string;
  answer: string | number;
  prediction: string;
  confidence: number;
  bucket: Bucket;
  selection_score: number | null;
}

/**
 * Round `round`'s answers to its own questions. `order` keeps each reader's order: the controller reads them
 * as they were answered ('answer'), the generative proposer's feedback quotes them in question order ('question');
 * the controller's aggregates depend on the order they are summed in, so the two are not interchangeable.
 */
export function listRoundAnswers(store: Store, runId: string, round: number, order: 'answer' | 'question'): RoundAnswer[] {
  const rows = store
    .prepare(
      `SELECT q.scene_id, q.family, q.bin, q.question, q.answer, s.prediction, s.confidence, s.bucket, s.selection_score
       FROM solver_outputs s JOIN qa q ON q.id = s.qa_id
       WHERE s.run_id = ? AND s.round = ? AND q.round = ? ORDER BY ${order === 'answer' ? 's.id' : 'q.id'}`,
    )
    .all(runId, round, round) as RoundAnswerRow[];
  return rows.map((r) => ({
    sceneId: r.scene_id,
    family: r.family,
    bin: r.bin,
    question: r.question,
    answer: r.answer,
    prediction: r.prediction,
    confidence: r.confidence,
    bucket: r.bucket,
    selectionScore: r.selection_score,
  }));
}
