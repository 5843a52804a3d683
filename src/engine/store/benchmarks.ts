/** Benchmark sets (e.g. VSI-Bench on the held-out scenes) and their fixed questions. */
import type { AnswerType, NamedObject } from '../../shared/proposer.js';
import type { BenchmarkQuestionRecord, BenchmarkSetRecord, JsonObject, NewBenchmarkQuestion } from '../../shared/records.js';
import { StoreError } from './errors.js';
import { fromJson, fromJsonOrNull, toJson, whereClause } from './json.js';
import type { Store } from './store.js';

interface SetRow {
  id: string;
  name: string;
  description: string;
  created_at: number;
}

interface QuestionRow {
  id: number;
  set_id: string;
  scene_id: string;
  family: string;
  question: string;
  options: string | null;
  answer_type: AnswerType;
  answer: string | number;
  named: string | null;
  frame: number | null;
  metadata: string;
}

const toSet = (r: SetRow): BenchmarkSetRecord => ({ id: r.id, name: r.name, description: r.description, createdAt: r.created_at });

export function createBenchmarkSet(store: Store, input: { id: string; name: string; description?: string }): BenchmarkSetRecord {
  store.assertWritable('create a benchmark set');
  store.prepare('INSERT INTO benchmark_sets (id, name, description, created_at) VALUES (?, ?, ?, ?)').run(input.id, input.name, input.description ?? '', Date.now());
  return getBenchmarkSet(store, input.id);
}

export function getBenchmarkSet(store: Store, id: string): BenchmarkSetRecord {
  const row = store.prepare('SELECT * FROM benchmark_sets WHERE id = ?').get(id) as SetRow | undefined;
  if (!row) throw new StoreError('not-found', `no benchmark set "${id}" in ${store.dbPath}`);
  return toSet(row);
}

export function listBenchmarkSets(store: Store): BenchmarkSetRecord[] {
  return (store.prepare('SELECT * FROM benchmark_sets ORDER BY id').all() as SetRow[]).map(toSet);
}

/** All or none, in one transaction; returns the new ids in order. */
export function insertBenchmarkQuestions(store: Store, setId: string, rows: readonly NewBenchmarkQuestion[]): number[] {
  store.assertWritable('insert benchmark questions');
  const stmt = store.prepare(
    `INSERT INTO benchmark_questions (set_id, scene_id, family, question, options, answer_type, answer, named, frame, metadata)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const ids: number[] = [];
  store.db.transaction(() => {
    for (const q of rows) {
      const info = stmt.run(setId, q.sceneId, q.family, q.question, q.options === null ? null : toJson(q.options), q.answerType, q.answer, q.named === null ? null : toJson(q.named), q.frame, toJson(q.metadata));
      ids.push(Number(info.lastInsertRowid));
    }
  })();
  return ids;
}

export function listBenchmarkQuestions(
  store: Store,
  setId: string,
  filter: { family?: string; limit?: number; offset?: number } = {},
): BenchmarkQuestionRecord[] {
  const w = whereClause([
    ['set_id', setId],
    ['family', filter.family],
  ]);
  const rows = store
    .prepare(`SELECT * FROM benchmark_questions ${w.sql} ORDER BY id LIMIT ? OFFSET ?`)
    .all(...w.params, filter.limit ?? -1, filter.offset ?? 0) as QuestionRow[];
  return rows.map((r) => ({
    id: r.id,
    setId: r.set_id,
    sceneId: r.scene_id,
    family: r.family,
    question: r.question,
    options: fromJsonOrNull<string[]>(r.options, `benchmark question ${r.id} options`),
    answer: r.answer,
    answerType: r.answer_type,
    named: fromJsonOrNull<NamedObject[]>(r.named, `benchmark question ${r.id} named`),
    frame: r.frame,
    metadata: fromJson<JsonObject>(r.metadata, `benchmark question ${r.id} metadata`),
  }));
}
