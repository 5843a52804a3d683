import { describe, expect, it } from 'vitest';
import {
  assignRunScenes,
  countQa,
  countQaBuckets,
  createBenchmarkSet,
  createRound,
  createRun,
  currentSceneVersion,
  findRun,
  getControllerDecision,
  getRound,
  getQa,
  getRun,
  insertBenchmarkQuestions,
  insertQaBatch,
  insertSolverOutputs,
  insertTrainingStats,
  isStoreError,
  listBenchmarkQuestions,
  listBenchmarkSets,
  listControllerDecisions,
  listRounds,
  listMetrics,
  listRunScenes,
  listRuns,
  listSolverOutputs,
  listTrainingStats,
  countTrained,
  markTrained,
  queryQa,
  recordControllerDecision,
  recordMetrics,
  saveScene,
  updateRound,
  updateRunStatus,
} from '../../../src/engine/store/index.js';
import { makeQa, makeScene, newRun, seededStore, useWorkspaces } from './fixtures.js';

describe('runs', () => {
  const ws = useWorkspaces();

  it('are created queued, read back whole and listed newest first', () => {
    const store = ws.open(ws.dir());
    const a = createRun(store, newRun({ id: 'run-a', name: 'first' }));
    expect(a).toMatchObject({ id: 'run-a', name: 'first', status: 'queued', error: null, mode: 'closed-loop', provider: 'mock', codeVersion: '0.1.0+test' });
    expect(a.config).toEqual(newRun().config);
    expect(a.seeds).toEqual({ root: 1234, proposer: 99 });
    expect(a.createdAt).toBe(a.updatedAt);
    const b = createRun(store, newRun({ name: 'second' }));
    expect(b.id).toMatch(/^[0-9a-f-]{36}$/);
    store.db.prepare('UPDATE runs SET created_at = created_at + 10 WHERE id = ?').run(b.id);
    expect(listRuns(store).map((r) => r.id)).toEqual([b.id, 'run-a']);
    expect(listRuns(store, { status: 'running' })).toEqual([]);
    expect(findRun(store, 'nope')).toBeUndefined();
    expect(() => getRun(store, 'nope')).toThrow(/no run "nope"/);
  });

  it('move through their lifecycle and refuse transitions it does not have', () => {
    const store = ws.open(ws.dir());
    const { id } = createRun(store, newRun());
    expect(updateRunStatus(store, id, 'running').status).toBe('running');
    expect(updateRunStatus(store, id, 'paused').status).toBe('paused');
    expect(updateRunStatus(store, id, 'running').status).toBe('running');
    const failed = updateRunStatus(store, id, 'failed', { error: 'solver crashed: CUDA out of memory' });
    expect(failed).toMatchObject({ status: 'failed', error: 'solver crashed: CUDA out of memory' });
    let e: unknown;
    try {
      updateRunStatus(store, id, 'running');
    } catch (err) {
      e = err;
    }
    expect(isStoreError(e, 'invalid-state')).toBe(true);
    expect((e as Error).message).toBe(`run ${id}: cannot go from failed to running`);
    expect(updateRunStatus(store, id, 'failed').error).toBe('solver crashed: CUDA out of memory');
  });

  it('keep their train and held-out scenes', () => {
    const store = ws.open(ws.dir());
    const { runId } = seededStore(store);
    saveScene(store, makeScene('synthetic:b'));
    assignRunScenes(store, runId, [
      { sceneId: 'synthetic:a', split: 'train' },
      { sceneId: 'synthetic:b', split: 'train' },
    ]);
    assignRunScenes(store, runId, [{ sceneId: 'synthetic:b', split: 'heldout' }]);
    expect(listRunScenes(store, runId)).toEqual([
      { sceneId: 'synthetic:a', split: 'train', sceneVersion: currentSceneVersion(store, 'synthetic:a') },
      { sceneId: 'synthetic:b', split: 'heldout', sceneVersion: currentSceneVersion(store, 'synthetic:b') },
    ]);
    expect(listRunScenes(store, runId, 'heldout').map((s) => s.sceneId)).toEqual(['synthetic:b']);
    expect(() => assignRunScenes(store, runId, [{ sceneId: 'synthetic:zzz', split: 'train' }])).toThrow(/FOREIGN KEY/);
  });
});

describe('rounds', () => {
  const ws = useWorkspaces();

  it('are created, patched and listed in order', () => {
    const store = ws.open(ws.dir());
    const { id: runId } = createRun(store, newRun());
    createRound(store, { runId, round: 1 });
    const it0 = createRound(store, { runId, round: 0, status: 'running', stage: 'propose', startedAt: 5 });
    expect(it0).toEqual({
      runId,
      round: 0,
      status: 'running',
      stage: 'propose',
      startedAt: 5,
      finishedAt: null,
      activeMs: null,
      counts: { proposed: 0, accepted: 0, rejected: 0, easy: 0, frontier: 0, hard: 0 },
    });
    updateRound(store, runId, 0, { stage: 'solve', counts: { proposed: 120, accepted: 100, rejected: 20 } });
    const done = updateRound(store, runId, 0, { status: 'completed', stage: 'evaluate', finishedAt: 9, counts: { easy: 30, frontier: 50, hard: 20 } });
    expect(done.counts).toEqual({ proposed: 120, accepted: 100, rejected: 20, easy: 30, frontier: 50, hard: 20 });
    expect(getRound(store, runId, 0).finishedAt).toBe(9);
    expect(updateRound(store, runId, 0, { activeMs: 4 }).activeMs).toBe(4);
    expect(() => updateRound(store, runId, 0, { activeMs: -1 })).toThrow(/CHECK constraint/);
    expect(listRounds(store, runId).map((i) => i.round)).toEqual([0, 1]);
    expect(() => updateRound(store, runId, 5, { status: 'failed' })).toThrow(/no round 5 of run/);
    expect(() => createRound(store, { runId: 'nope', round: 0 })).toThrow(/FOREIGN KEY/);
  });
});

describe('questions (qa) and solver outputs', () => {
  const ws = useWorkspaces();

  it('insert a batch and read it back field for field', () => {
    const store = ws.open(ws.dir());
    const { runId, sceneId } = seededStore(store);
    const rows = Array.from({ length: 10 }, (_, i) => makeQa(runId, 0, sceneId, i));
    const ids = insertQaBatch(store, rows);
    expect(ids).toHaveLength(10);
    const back = queryQa(store, { runId, limit: 100 });
    expect(back.map((q) => q.id)).toEqual(ids);
    back.forEach((q, i) => {
      const { id: _id, createdAt: _c, bucket, confidence, prediction, trainedRound, ...rest } = q;
      expect(rest).toEqual(rows[i]);
      expect(bucket).toBeNull();
      expect(confidence).toBeNull();
      expect(prediction).toBeNull();
      expect(trainedRound).toBeNull();
    });
    expect(typeof getQa(store, ids[0]!).answer).toBe('number');
    expect(getQa(store, ids[1]!).answer).toBe('A');
  });

  it('record which round trained on a question, all or nothing', () => {
    const store = ws.open(ws.dir());
    const { runId, sceneId } = seededStore(store);
    const ids = insertQaBatch(store, Array.from({ length: 4 }, (_, i) => makeQa(runId, 0, sceneId, i)));
    markTrained(store, runId, 0, ids.slice(0, 2));
    markTrained(store, runId, 1, ids.slice(2, 3));
    expect(queryQa(store, { runId, limit: 10 }).map((q) => q.trainedRound)).toEqual([0, 0, 1, null]);
    expect([countTrained(store, runId, 0), countTrained(store, runId, 1)]).toEqual([2, 3]);
    expect(() => markTrained(store, runId, 1, [ids[3]!, 999_999])).toThrow(/no question 999999/);
    expect(getQa(store, ids[3]!).trainedRound).toBeNull();
  });

  it('roll the whole batch back when one row is bad', () => {
    const store = ws.open(ws.dir());
    const { runId, sceneId } = seededStore(store);
    const rows = [makeQa(runId, 0, sceneId, 0), makeQa(runId, 0, sceneId, 1), makeQa(runId, 0, 'synthetic:missing', 2)];
    expect(() => insertQaBatch(store, rows)).toThrow(/FOREIGN KEY/);
    expect(countQa(store, { runId })).toBe(0);
    expect(() => insertQaBatch(store, [makeQa(runId, 9, sceneId, 0)])).toThrow(/FOREIGN KEY/);
  });

  it('filter by round, family, verdict and the latest solver bucket, and page', () => {
    const store = ws.open(ws.dir());
    const { runId, sceneId } = seededStore(store, 3);
    const ids0 = insertQaBatch(store, Array.from({ length: 20 }, (_, i) => makeQa(runId, 0, sceneId, i)));
    insertQaBatch(store, Array.from({ length: 6 }, (_, i) => makeQa(runId, 1, sceneId, i)));
    expect(countQa(store, { runId })).toBe(26);
    expect(countQa(store, { runId, round: 0, family: 'object_counting' })).toBe(10);
    expect(countQa(store, { runId, round: 0, verdict: 'rejected' })).toBe(4);

    // Round 0 answers: first five hard, next five easy; then round 2 re-answers question 0 as easy.
    insertSolverOutputs(
      store,
      ids0.slice(0, 10).map((qaId, k) => ({
        qaId,
        round: 0,
        checkpointId: null,
        prediction: '2',
        confidence: k < 5 ? 0.05 : 0.95,
        bucket: k < 5 ? ('hard' as const) : ('easy' as const),
        answerTokenProbs: [k < 5 ? 0.05 : 0.95],
      })),
    );
    insertSolverOutputs(store, [{ qaId: ids0[0]!, round: 2, checkpointId: null, prediction: '3', confidence: 0.5, bucket: 'frontier', answerTokenProbs: [0.7, 0.714] }]);
    // An older answer arriving late does not override a newer one.
    insertSolverOutputs(store, [{ qaId: ids0[0]!, round: 1, checkpointId: null, prediction: '1', confidence: 0.01, bucket: 'hard', answerTokenProbs: [0.01] }]);

    expect(queryQa(store, { runId, bucket: 'hard', limit: 100 }).map((q) => q.id)).toEqual(ids0.slice(1, 5));
    expect(getQa(store, ids0[0]!)).toMatchObject({ bucket: 'frontier', confidence: 0.5, prediction: '3' });
    const easyCounting = queryQa(store, { runId, round: 0, family: 'object_counting', bucket: 'easy', limit: 100 });
    expect(easyCounting.map((q) => q.id)).toEqual([ids0[6]!, ids0[8]!]);
    expect(queryQa(store, { runId, round: 0, limit: 5, offset: 5 }).map((q) => q.id)).toEqual(ids0.slice(5, 10));

    expect(listSolverOutputs(store, { qaId: ids0[0]! }).map((o) => [o.round, o.bucket, o.runId])).toEqual([
      [0, 'hard', runId],
      [2, 'frontier', runId],
      [1, 'hard', runId],
    ]);
    expect(listSolverOutputs(store, { runId, round: 0, bucket: 'easy' })).toHaveLength(5);
    expect(listSolverOutputs(store, { qaId: ids0[0]! })[1]!.answerTokenProbs).toEqual([0.7, 0.714]);

    const cells = countQaBuckets(store, runId, 0);
    expect(cells.reduce((n, c) => n + c.n, 0)).toBe(16); // accepted only
    expect(cells).toContainEqual({ sceneId, family: 'object_counting', bin: 0, bucket: 'easy', n: 1 });

    const plan = store.db
      .prepare('EXPLAIN QUERY PLAN SELECT * FROM qa WHERE run_id = ? AND round = ? AND family = ? AND bucket = ? ORDER BY id LIMIT 10')
      .all('r', 0, 'f', 'easy') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX qa_by_run/);
  });

  it('refuse solver outputs for unknown questions or out-of-range confidences, writing none of the batch', () => {
    const store = ws.open(ws.dir());
    const { runId, sceneId } = seededStore(store);
    const [qaId] = insertQaBatch(store, [makeQa(runId, 0, sceneId, 0)]);
    const ok = { qaId: qaId!, round: 0, checkpointId: null, prediction: 'x', confidence: 0.5, bucket: 'frontier' as const, answerTokenProbs: [0.5] };
    expect(() => insertSolverOutputs(store, [ok, { ...ok, qaId: 999 }])).toThrow(/solver output for question 999: no such question/);
    expect(() => insertSolverOutputs(store, [{ ...ok, confidence: 1.5 }])).toThrow(/CHECK constraint failed/);
    expect(listSolverOutputs(store, { runId })).toEqual([]);
    expect(getQa(store, qaId!).bucket).toBeNull();
  });
});

describe('training stats, benchmarks, metrics and controller decisions', () => {
  const ws = useWorkspaces();

  it('round-trip training stats in step order', () => {
    const store = ws.open(ws.dir());
    const { runId } = seededStore(store);
    insertTrainingStats(store, [
      { runId, round: 1, step: 11, loss: 0.8, lr: 1e-4, gradNorm: null, elapsedMs: 900 },
      { runId, round: 0, step: 2, loss: 1.1, lr: 1e-4, gradNorm: 2.5, elapsedMs: 200 },
      { runId, round: 0, step: 1, loss: 1.3, lr: 5e-5, gradNorm: 3.1, elapsedMs: 100 },
    ]);
    expect(listTrainingStats(store, runId).map((s) => s.step)).toEqual([1, 2, 11]);
    expect(listTrainingStats(store, runId, 1)).toEqual([{ runId, round: 1, step: 11, loss: 0.8, lr: 1e-4, gradNorm: null, elapsedMs: 900 }]);
  });

  it('keep benchmark sets with their questions, and metrics per family with one figure per key', () => {
    const store = ws.open(ws.dir());
    const { runId, sceneId } = seededStore(store);
    createBenchmarkSet(store, { id: 'vsibench-heldout', name: 'VSI-Bench (held-out scenes)' });
    expect(listBenchmarkSets(store).map((s) => [s.id, s.description])).toEqual([['vsibench-heldout', '']]);
    insertBenchmarkQuestions(store, 'vsibench-heldout', [
      { sceneId, family: 'object_counting', question: 'How many chairs?', options: null, answerType: 'number', answer: 2, named: null, frame: null, metadata: { vsiId: 17 } },
      { sceneId, family: 'object_rel_distance', question: 'Which is closest?', options: ['A. chair', 'B. table'], answerType: 'choice', answer: 'A', named: [{ label: 'chair', role: 'unique' }], frame: 3, metadata: {} },
    ]);
    expect(listBenchmarkQuestions(store, 'vsibench-heldout', { family: 'object_counting' })).toEqual([
      expect.objectContaining({ setId: 'vsibench-heldout', answer: 2, options: null, named: null, frame: null, metadata: { vsiId: 17 } }),
    ]);
    expect(listBenchmarkQuestions(store, 'vsibench-heldout', { family: 'object_rel_distance' })).toEqual([
      expect.objectContaining({ named: [{ label: 'chair', role: 'unique' }], frame: 3, metadata: {} }),
    ]);

    recordMetrics(store, [
      { runId, round: 0, benchmarkSetId: 'vsibench-heldout', family: null, metric: 'score', value: 0.31, n: 2 },
      { runId, round: 0, benchmarkSetId: 'vsibench-heldout', family: 'object_counting', metric: 'mra', value: 0.4, n: 1 },
      { runId, round: 1, benchmarkSetId: 'vsibench-heldout', family: null, metric: 'score', value: 0.35, n: 2 },
    ]);
    // Re-evaluating replaces the figure instead of adding a second one (also for the all-families NULL family).
    recordMetrics(store, [{ runId, round: 0, benchmarkSetId: 'vsibench-heldout', family: null, metric: 'score', value: 0.33, n: 2 }]);
    expect(listMetrics(store, { runId, family: null }).map((m) => [m.round, m.value])).toEqual([
      [0, 0.33],
      [1, 0.35],
    ]);
    expect(listMetrics(store, { runId, round: 0 }).map((m) => m.family)).toEqual([null, 'object_counting']);
    expect(listMetrics(store, { runId, family: 'object_counting', metric: 'mra' })).toHaveLength(1);
    expect(() => recordMetrics(store, [{ runId, round: 0, benchmarkSetId: 'nope', family: null, metric: 'x', value: 1, n: 1 }])).toThrow(/FOREIGN KEY/);
  });

  it('record one controller decision per round', () => {
    const store = ws.open(ws.dir());
    const { runId, sceneId } = seededStore(store);
    const before = { entries: [{ sceneId, family: 'object_counting' as const, bin: 0, weight: 1 }] };
    const after = {
      entries: [
        { sceneId, family: 'object_counting' as const, bin: 0, weight: 0.25 },
        { sceneId, family: 'object_counting' as const, bin: 1, weight: 0.75 },
      ],
    };
    const d = recordControllerDecision(store, {
      runId,
      round: 0,
      strategy: 'frontier-seeking',
      weightsBefore: before,
      weightsAfter: after,
      stats: { easyRate: 0.8 },
      reason: 'bin 0 is 80% easy: shift weight to bin 1',
    });
    expect(d).toMatchObject({ weightsAfter: after, stats: { easyRate: 0.8 } });
    recordControllerDecision(store, { ...d, reason: 'recomputed after resume' });
    expect(listControllerDecisions(store, runId).map((x) => x.reason)).toEqual(['recomputed after resume']);
    expect(getControllerDecision(store, runId, 1)).toBeUndefined();
  });

  it('delete everything a run produced with the run, and nothing shared', () => {
    const store = ws.open(ws.dir());
    const { runId, sceneId } = seededStore(store);
    const [qaId] = insertQaBatch(store, [makeQa(runId, 0, sceneId, 0)]);
    insertSolverOutputs(store, [{ qaId: qaId!, round: 0, checkpointId: null, prediction: '2', confidence: 0.9, bucket: 'frontier', answerTokenProbs: [0.9] }]);
    insertTrainingStats(store, [{ runId, round: 0, step: 1, loss: 1, lr: 1, gradNorm: 1, elapsedMs: 1 }]);
    store.db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
    for (const t of ['rounds', 'qa', 'solver_outputs', 'training_stats']) {
      expect(store.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()).toBe(0);
    }
    expect(store.db.prepare('SELECT count(*) FROM scenes').pluck().get()).toBe(1);
  });
});
