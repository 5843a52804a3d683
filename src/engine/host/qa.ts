/**
 * The QA browser's queries, over store/qa.ts (all SQL lives there): pages of questions, each row with its latest
 * bucket, confidence and prediction, one question's detail, and the scene view's per-object confidence.
 */
import type { QaDetail, QaPage, QaQueryInput, SceneConfidenceByRound, SceneObjectConfidence } from '../../shared/api.js';
import { StoreError } from '../store/errors.js';
import { getRun } from '../store/runs.js';
import { countQa, getQa, queryQa, questionObjectIds, sceneObjectConfidence, sceneObjectConfidenceByRound } from '../store/qa.js';
import { listRounds } from '../store/rounds.js';
import { hasScene } from '../store/scenes.js';
import { listSolverOutputs } from '../store/solverOutputs.js';
import type { Store } from '../store/store.js';

export const DEFAULT_QA_PAGE = 100;

export function queryQaPage(store: Store, q: QaQueryInput): QaPage {
  getRun(store, q.runId); // a clear "no run" rather than an empty page for a mistyped id
  const { limit, offset, sort, descending, ...filter } = q;
  const rows = queryQa(store, { ...filter, limit: limit ?? DEFAULT_QA_PAGE, offset: offset ?? 0, sort: sort ?? 'id', descending: descending ?? false });
  return { rows, total: countQa(store, filter) };
}

/** Unknown scene and run ids are errors, not an empty aggregate, so a mistyped id is not shown as "no answers". */
export function sceneConfidence(store: Store, sceneId: string, runId: string | undefined): SceneObjectConfidence {
  if (runId !== undefined) getRun(store, runId);
  if (!hasScene(store, sceneId)) throw new StoreError('not-found', `no scene "${sceneId}" in ${store.dbPath}`);
  return sceneObjectConfidence(store, sceneId, runId);
}

/** Unknown scene and run ids are errors; rounds are the run's own, in order. */
export function sceneConfidenceRounds(store: Store, sceneId: string, runId: string): SceneConfidenceByRound {
  getRun(store, runId);
  if (!hasScene(store, sceneId)) throw new StoreError('not-found', `no scene "${sceneId}" in ${store.dbPath}`);
  const rounds = listRounds(store, runId).map((r) => r.round);
  return { sceneId, runId, rounds: sceneObjectConfidenceByRound(store, sceneId, runId, rounds) };
}

export function qaDetail(store: Store, qaId: number): QaDetail {
  const qa = getQa(store, qaId);
  const outputs = listSolverOutputs(store, { qaId });
  return { qa, outputs, objectIds: questionObjectIds(store, qa) };
}
