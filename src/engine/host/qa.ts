/**
 * The QA browser's queries: the store's question filters plus difficulty bin, text search and sorting. The
 * page's ids are found with one query and each row is then read through the store's own `getQa`, so the row
 * mapping (JSON columns, the latest bucket) lives in one place; a page is at most a few hundred primary-key reads.
 */
import type { QaDetail, QaPage, QaQueryInput } from '../../shared/api.js';
import type { JsonValue, QaRecord } from '../../shared/records.js';
import type { Scene } from '../../shared/scene.js';
import { getRun } from '../store/runs.js';
import { getQa } from '../store/qa.js';
import { listSolverOutputs } from '../store/solverOutputs.js';
import type { Store } from '../store/store.js';

export const DEFAULT_QA_PAGE = 100;

const SORT_COLUMNS: Record<NonNullable<QaQueryInput['sort']>, string> = { id: 'id', confidence: 'confidence', family: 'family', iteration: 'iteration' };

function orderBy(sort: QaQueryInput['sort'], descending: boolean | undefined): string {
  const dir = descending ? 'DESC' : 'ASC';
  // Unanswered questions (no confidence yet) sort after the answered ones either way.
  const key = sort === 'confidence' ? `confidence IS NULL, confidence ${dir}` : `${SORT_COLUMNS[sort ?? 'id']} ${dir}`;
  return `${key}, id ${dir}`;
}

/** `%` and `_` in the user's text are literal, not wildcards. */
const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function queryQaPage(store: Store, q: QaQueryInput): QaPage {
  getRun(store, q.runId); // a clear "no run" rather than an empty page for a mistyped id
  const conditions: string[] = ['run_id = ?'];
  const params: unknown[] = [q.runId];
  const eq = (column: string, value: unknown): void => {
    if (value === undefined) return;
    conditions.push(`${column} = ?`);
    params.push(value);
  };
  eq('iteration', q.iteration);
  eq('family', q.family);
  eq('scene_id', q.sceneId);
  eq('bucket', q.bucket);
  eq('verdict', q.verdict);
  eq('bin', q.bin);
  if (q.search !== undefined && q.search.trim() !== '') {
    // LIKE is case-insensitive for ASCII, which covers the generated questions' vocabulary.
    conditions.push(`question LIKE ? ESCAPE '\\'`);
    params.push(likePattern(q.search.trim()));
  }
  const where = `WHERE ${conditions.join(' AND ')}`;
  const total = (store.prepare(`SELECT count(*) AS n FROM qa ${where}`).get(...params) as { n: number }).n;
  const ids = store
    .prepare(`SELECT id FROM qa ${where} ORDER BY ${orderBy(q.sort, q.descending)} LIMIT ? OFFSET ?`)
    .all(...params, q.limit ?? DEFAULT_QA_PAGE, q.offset ?? 0) as { id: number }[];
  return { rows: ids.map((r) => getQa(store, r.id)), total };
}

function numbersIn(v: JsonValue | undefined): number[] {
  return Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number' && Number.isInteger(x)) : [];
}

function labelsIn(v: JsonValue | undefined): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap((x) => (typeof x === 'string' ? [x] : x !== null && typeof x === 'object' && !Array.isArray(x) && typeof x.label === 'string' ? [x.label] : []));
  return [];
}

/**
 * Object ids the question is about, for highlighting: `extra.objectIds` when the proposer recorded them,
 * otherwise every object whose label the question names (`extra.named`, or label arguments in `extra.args`).
 */
export function namedObjectIds(qa: QaRecord, scene: () => Pick<Scene, 'objects'>): number[] {
  const explicit = numbersIn(qa.extra.objectIds);
  if (explicit.length > 0) return explicit;
  const args = qa.extra.args;
  const argLabels = args !== null && typeof args === 'object' && !Array.isArray(args) ? Object.values(args).flatMap(labelsIn) : [];
  const labels = new Set([...labelsIn(qa.extra.named), ...argLabels]);
  if (labels.size === 0) return [];
  return scene()
    .objects.filter((o) => labels.has(o.label))
    .map((o) => o.id);
}

export function qaDetail(store: Store, qaId: number, scene: (qa: QaRecord) => Pick<Scene, 'objects'>): QaDetail {
  const qa = getQa(store, qaId);
  const outputs = listSolverOutputs(store, { qaId });
  return { qa, outputs, objectIds: namedObjectIds(qa, () => scene(qa)) };
}
