/**
 * Proposed questions with their programs and filter verdicts: the biggest table, written in batches by the
 * proposer and read page by page by the controller and the QA browser.
 */
import type { ObjectConfidence, QaSortKey, SceneObjectConfidence } from '../../shared/api.js';
import type { ProposerRoundStats } from '../../shared/loop.js';
import type { AnswerType, Bucket, NamedObject, ProgramArgs } from '../../shared/proposer.js';
import type { FilterVerdict, JsonObject, JsonValue, NewQa, QaRecord, QaVerdict } from '../../shared/records.js';
import { StoreError } from './errors.js';
import { fromJson, fromJsonOrNull, toJson, whereClause } from './json.js';
import { runSceneVersion } from './runs.js';
import type { Store } from './store.js';

interface QaRow {
  id: number;
  run_id: string;
  round: number;
  scene_id: string;
  proposal_id: string;
  proposer: string;
  family: string;
  difficulty: string;
  bin: number;
  question: string;
  options: string | null;
  answer_type: AnswerType;
  answer: string | number | null;
  program: string;
  program_result: string;
  verdict: QaVerdict;
  rejected_by: string | null;
  reason: string | null;
  filter_verdicts: string;
  named: string;
  args: string | null;
  frame: number | null;
  seed: number;
  created_at: number;
  bucket: Bucket | null;
  confidence: number | null;
  prediction: string | null;
  trained_round: number | null;
}

function toRecord(r: QaRow): QaRecord {
  const at = `qa ${r.id}`;
  return {
    id: r.id,
    runId: r.run_id,
    round: r.round,
    sceneId: r.scene_id,
    proposalId: r.proposal_id,
    proposer: r.proposer,
    family: r.family,
    difficulty: fromJson<JsonObject>(r.difficulty, `${at} difficulty`),
    bin: r.bin,
    question: r.question,
    options: fromJsonOrNull<string[]>(r.options, `${at} options`),
    answerType: r.answer_type,
    answer: r.answer,
    program: r.program,
    programResult: fromJson<JsonValue>(r.program_result, `${at} program_result`),
    verdict: r.verdict,
    rejectedBy: r.rejected_by,
    reason: r.reason,
    filterVerdicts: fromJson<FilterVerdict[]>(r.filter_verdicts, `${at} filter_verdicts`),
    named: fromJson<NamedObject[]>(r.named, `${at} named`),
    args: fromJsonOrNull<ProgramArgs>(r.args, `${at} args`),
    frame: r.frame,
    seed: r.seed,
    createdAt: r.created_at,
    bucket: r.bucket,
    confidence: r.confidence,
    prediction: r.prediction,
    trainedRound: r.trained_round,
  };
}

const INSERT = `
  INSERT INTO qa (run_id, round, scene_id, proposal_id, proposer, family, difficulty, bin, question, options,
                  answer_type, answer, program, program_result, verdict, rejected_by, reason, filter_verdicts, named,
                  args, frame, seed, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Inserts the rows with one prepared statement in one transaction (all or none) and returns their ids in the
 * same order. The scene and the (run, round) must exist.
 */
export function insertQaBatch(store: Store, rows: readonly NewQa[]): number[] {
  store.assertWritable('insert questions');
  const stmt = store.prepare(INSERT);
  const now = Date.now();
  const ids: number[] = new Array<number>(rows.length);
  store.db.transaction(() => {
    for (let i = 0; i < rows.length; i++) {
      const q = rows[i]!;
      const info = stmt.run(
        q.runId,
        q.round,
        q.sceneId,
        q.proposalId,
        q.proposer,
        q.family,
        toJson(q.difficulty),
        q.bin,
        q.question,
        q.options === null ? null : toJson(q.options),
        q.answerType,
        q.answer,
        q.program,
        toJson(q.programResult ?? null),
        q.verdict,
        q.rejectedBy,
        q.reason,
        toJson(q.filterVerdicts),
        toJson(q.named),
        q.args === null ? null : toJson(q.args),
        q.frame,
        q.seed,
        now,
      );
      ids[i] = Number(info.lastInsertRowid);
    }
  })();
  return ids;
}

export interface QaFilter {
  runId: string;
  round?: number;
  family?: string;
  /** The bucket of the question's latest solver output. */
  bucket?: Bucket;
  verdict?: QaVerdict;
  sceneId?: string;
  bin?: number;
  /** Case-insensitive substring of the question; `%` and `_` in it are literal. */
  search?: string;
}

export interface QaQuery extends QaFilter {
  /** -1: every row. */
  limit: number;
  offset?: number;
  /** Default: insertion order (id). */
  sort?: QaSortKey;
  descending?: boolean;
}

const SORT_COLUMNS: Record<QaSortKey, string> = { id: 'id', confidence: 'confidence', family: 'family', round: 'round' };

function orderBy(sort: QaSortKey, descending: boolean): string {
  const dir = descending ? 'DESC' : 'ASC';
  // Unanswered questions (no confidence yet) sort after the answered ones either way.
  const key = sort === 'confidence' ? `confidence IS NULL, confidence ${dir}` : `${SORT_COLUMNS[sort]} ${dir}`;
  return `${key}, id ${dir}`;
}

const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function where(f: QaFilter): { sql: string; params: unknown[] } {
  const w = whereClause([
    ['run_id', f.runId],
    ['round', f.round],
    ['family', f.family],
    ['bucket', f.bucket],
    ['verdict', f.verdict],
    ['scene_id', f.sceneId],
    ['bin', f.bin],
  ]);
  const search = f.search?.trim();
  if (!search) return w;
  // LIKE is case-insensitive for ASCII, which covers the generated questions' vocabulary.
  return { sql: `${w.sql === '' ? 'WHERE' : `${w.sql} AND`} question LIKE ? ESCAPE '\\'`, params: [...w.params, likePattern(search)] };
}

/** One page of questions, each with its latest bucket, confidence and prediction. */
export function queryQa(store: Store, query: QaQuery): QaRecord[] {
  const w = where(query);
  const rows = store
    .prepare(`SELECT * FROM qa ${w.sql} ORDER BY ${orderBy(query.sort ?? 'id', query.descending ?? false)} LIMIT ? OFFSET ?`)
    .all(...w.params, query.limit, query.offset ?? 0) as QaRow[];
  return rows.map(toRecord);
}

export function countQa(store: Store, filter: QaFilter): number {
  const w = where(filter);
  return (store.prepare(`SELECT count(*) AS n FROM qa ${w.sql}`).get(...w.params) as { n: number }).n;
}

export function getQa(store: Store, id: number): QaRecord {
  const row = store.prepare('SELECT * FROM qa WHERE id = ?').get(id) as QaRow | undefined;
  if (!row) throw new StoreError('not-found', `no question ${id} in ${store.dbPath}`);
  return toRecord(row);
}

/**
 * The one rule for which objects of scene @sceneId a question is about: every object whose label the question's named
 * objects or its program's label arguments (every text value in `args`) name. `asked` selects the questions
 * (id, confidence, named, args); the objects are those of scene version @version (null: the current one); `naming`
 * gives one row per (question, object), `position` the object's place in the scene's list.
 */
const naming = (asked: string): string => `
  asked (id, confidence, named, args) AS (${asked}),
  named_labels (qa_id, label) AS (
    SELECT a.id, json_extract(n.value, '$.label') FROM asked a, json_each(a.named) n
    UNION
    SELECT a.id, t.value FROM asked a, json_tree(a.args) t WHERE t.type = 'text'
  ),
  version_metadata (metadata) AS (
    SELECT metadata FROM (
      SELECT metadata, 0 AS pick FROM scenes WHERE id = @sceneId AND (@version IS NULL OR version = @version)
      UNION ALL
      SELECT metadata, 1 FROM scene_versions WHERE scene_id = @sceneId AND version = @version
    ) ORDER BY pick LIMIT 1
  ),
  objects (id, label, position) AS (
    SELECT json_extract(o.value, '$.id'), json_extract(o.value, '$.label'), o.key FROM version_metadata m, json_each(m.metadata, '$.objects') o
  ),
  -- One row per (question, object): named_labels is distinct per (question, label) and an object has one label.
  naming (qa_id, object_id, position) AS (
    SELECT n.qa_id, o.id, o.position FROM named_labels n JOIN objects o ON o.label = n.label
  )`;

/** The answered questions of a scene, of one run when @runId is not null. */
const NAMING = naming(`
    SELECT id, confidence, named, args FROM qa
    WHERE scene_id = @sceneId AND confidence IS NOT NULL AND (@runId IS NULL OR run_id = @runId)`);

/**
 * The objects a question is about (`naming`) in its scene as the question's run saw it (not as a later re-import
 * changed it), in the scene's order: what its detail view highlights. None when the scene is gone.
 */
export function questionObjectIds(store: Store, qa: Pick<QaRecord, 'id' | 'sceneId' | 'runId'>): number[] {
  const version = runSceneVersion(store, qa.runId, qa.sceneId);
  return store
    .prepare(`WITH ${naming('SELECT id, confidence, named, args FROM qa WHERE id = @qaId')} SELECT object_id FROM naming ORDER BY position`)
    .pluck()
    .all({ qaId: qa.id, sceneId: qa.sceneId, version: version ?? null }) as number[];
}

/**
 * Mean latest confidence per object of the scene's current version over the answered questions naming it (see
 * `NAMING`), and how many answered questions name any of its objects. `runId` undefined: every run's questions.
 */
export function sceneObjectConfidence(store: Store, sceneId: string, runId?: string): SceneObjectConfidence {
  const params = { sceneId, runId: runId ?? null, version: null };
  const objects = store
    .prepare(
      `WITH ${NAMING}
       SELECT naming.object_id AS objectId, avg(a.confidence) AS mean, count(*) AS n
       FROM naming JOIN asked a ON a.id = naming.qa_id GROUP BY naming.object_id ORDER BY naming.object_id`,
    )
    .all(params) as ObjectConfidence[];
  const questions = store.prepare(`WITH ${NAMING} SELECT count(DISTINCT qa_id) FROM naming`).pluck().get(params) as number;
  return { sceneId, runId: runId ?? null, objects, questions };
}

export interface QaBucketCount {
  sceneId: string;
  family: string;
  bin: number;
  /** null: accepted but not answered yet. */
  bucket: Bucket | null;
  n: number;
}

/**
 * Accepted questions of one round per cell of the generation mix (scene, family, bin) and bucket: what
 * the controller reads to set the next mix.
 */
export function countQaBuckets(store: Store, runId: string, round: number): QaBucketCount[] {
  return store
    .prepare(
      `SELECT scene_id AS sceneId, family, bin, bucket, n FROM qa_bucket_counts WHERE run_id = ? AND round = ?
       ORDER BY scene_id, family, bin, bucket`,
    )
    .all(runId, round) as QaBucketCount[];
}

/** Marks the questions a round trained on (one transaction); each question is trained on in one round at most. */
export function markTrained(store: Store, runId: string, round: number, qaIds: readonly number[]): void {
  store.assertWritable('mark trained questions');
  const stmt = store.prepare('UPDATE qa SET trained_round = ? WHERE id = ? AND run_id = ?');
  store.db.transaction(() => {
    for (const id of qaIds) {
      if (stmt.run(round, id, runId).changes !== 1) throw new StoreError('not-found', `no question ${id} in run "${runId}"`);
    }
  })();
}

/** Questions trained on up to and including `round`. */
export function countTrained(store: Store, runId: string, round: number): number {
  return (
    store.prepare('SELECT count(*) AS n FROM qa WHERE run_id = ? AND trained_round IS NOT NULL AND trained_round <= ?').get(runId, round) as {
      n: number;
    }
  ).n;
}

/** Questions a run trained on, per family: where its training samples went. */
export function countTrainedByFamily(store: Store, runId: string): Record<string, number> {
  const rows = store.prepare('SELECT family, count(*) AS n FROM qa WHERE run_id = ? AND trained_round IS NOT NULL GROUP BY family ORDER BY family').all(runId) as { family: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.family, r.n]));
}

/** Rejection reasons kept per proposer and round in summaries: the most frequent, enough to see why drafts fail. */
const TOP_REASONS = 5;

/**
 * Per proposer ('programmatic', 'llm'): a round's drafts, how many were accepted, rejections by the first failing
 * filter and the most frequent reasons. What the loop CLI prints per round and the round summary carries.
 */
export function proposerStats(store: Store, runId: string, round: number): ProposerRoundStats[] {
  const rows = store
    .prepare(
      `SELECT proposer, verdict, rejected_by AS rejectedBy, reason, count(*) AS n FROM qa
       WHERE run_id = ? AND round = ? GROUP BY proposer, verdict, rejected_by, reason ORDER BY proposer`,
    )
    .all(runId, round) as { proposer: string; verdict: QaVerdict; rejectedBy: string | null; reason: string | null; n: number }[];
  const by = new Map<string, ProposerRoundStats>();
  for (const r of rows) {
    let s = by.get(r.proposer);
    if (!s) by.set(r.proposer, (s = { proposer: r.proposer, proposed: 0, accepted: 0, rejectedBy: {}, reasons: [] }));
    s.proposed += r.n;
    if (r.verdict === 'accepted') {
      s.accepted += r.n;
      continue;
    }
    const filter = r.rejectedBy ?? 'unknown';
    s.rejectedBy[filter] = (s.rejectedBy[filter] ?? 0) + r.n;
    s.reasons.push({ filter, reason: r.reason ?? '', n: r.n });
  }
  for (const s of by.values()) s.reasons = s.reasons.sort((a, b) => b.n - a.n || a.reason.localeCompare(b.reason)).slice(0, TOP_REASONS);
  return [...by.values()];
}
