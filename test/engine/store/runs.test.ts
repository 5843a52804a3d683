/** Deleting a run (issue 14): what goes with it, what stays, and when it is refused. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../helpers/errors.js';
import {
  assignRunScenes,
  createRound,
  createRun,
  deleteRun,
  insertQaBatch,
  insertSolverOutputs,
  isStoreError,
  listCheckpoints,
  listRuns,
  listSceneVersions,
  loadScene,
  queryQa,
  runsUsingCheckpointsOf,
  saveCheckpoint,
  saveScene,
  sweepBlobs,
  updateRunInfo,
  updateRunStatus,
  type Store,
} from '../../../src/engine/store/index.js';
import { makeQa, makeScene, newRun, useWorkspaces } from './fixtures.js';

/** A completed run over `sceneId` with one round, two questions and a checkpoint of `weights`. */
function finishedRun(store: Store, name: string, sceneId: string, weights: string, config: Record<string, number> = {}): { runId: string; checkpointId: number; blob: string } {
  const run = createRun(store, newRun({ name, config }));
  assignRunScenes(store, run.id, [{ sceneId, split: 'train' }]);
  createRound(store, { runId: run.id, round: 0, status: 'completed', stage: 'evaluate' });
  insertQaBatch(store, [makeQa(run.id, 0, sceneId, 0), makeQa(run.id, 0, sceneId, 1)]);
  const ckpt = saveCheckpoint(store, { runId: run.id, round: 0, config: {}, optimizerStep: 4, content: { bytes: new TextEncoder().encode(weights) } });
  updateRunStatus(store, run.id, 'running');
  updateRunStatus(store, run.id, 'completed');
  return { runId: run.id, checkpointId: ckpt.id, blob: join(store.blobs.dir, ckpt.blobHash.slice(0, 2), ckpt.blobHash) };
}

describe('deleting a run', () => {
  const ws = useWorkspaces();

  it('takes everything the run made and, after a sweep, the blob files nothing else refers to', () => {
    const store = ws.open(ws.dir());
    saveScene(store, makeScene('synthetic:a', { points: 40 }));
    const gone = finishedRun(store, 'gone', 'synthetic:a', 'weights of the deleted run');
    const kept = finishedRun(store, 'kept', 'synthetic:a', 'weights of the kept run');
    // A third run whose checkpoint has the same bytes as the deleted one's: the shared file must stay.
    const twin = finishedRun(store, 'twin', 'synthetic:a', 'weights of the kept run');
    updateRunInfo(store, gone.runId, { tags: ['ablation'], notes: 'no' });

    expect(deleteRun(store, gone.runId)).toMatchObject({ id: gone.runId, name: 'gone' });
    expect(listRuns(store).map((r) => r.name).sort()).toEqual(['kept', 'twin']);
    expect(queryQa(store, { runId: gone.runId, limit: 10 })).toEqual([]);
    expect(listCheckpoints(store, gone.runId)).toEqual([]);
    for (const table of ['rounds', 'qa', 'checkpoints', 'run_scenes', 'run_tags']) {
      expect(store.db.prepare(`SELECT count(*) FROM ${table} WHERE run_id = ?`).pluck().get(gone.runId), table).toBe(0);
    }
    expect(existsSync(gone.blob)).toBe(true); // rows first; files are the sweep's
    const report = sweepBlobs(store);
    expect(report.removedBlobs).toEqual([gone.blob.split('/').at(-1)]);
    expect(existsSync(gone.blob)).toBe(false);
    expect(existsSync(kept.blob) && kept.blob === twin.blob).toBe(true);
    // The scene is shared: it stays, as does everything of the other runs.
    expect(loadScene(store, 'synthetic:a').points?.positions.length).toBe(120);
    expect(queryQa(store, { runId: kept.runId, limit: 10 })).toHaveLength(2);
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
  });

  it('drops a replaced scene version only the deleted run used, with its point cloud', () => {
    const store = ws.open(ws.dir());
    const first = saveScene(store, makeScene('synthetic:a', { points: 40, seed: 1 }));
    const old = finishedRun(store, 'old', 'synthetic:a', 'w1');
    // Re-imported with other points: the deleted run's version is kept for it (scene_versions) until it goes.
    const second = saveScene(store, makeScene('synthetic:a', { points: 40, seed: 2 }));
    expect(listSceneVersions(store, 'synthetic:a').map((v) => v.version)).toEqual([second.version, first.version]);
    const oldCloud = store.db.prepare('SELECT points_blob FROM scene_versions WHERE version = ?').pluck().get(first.version) as string;
    deleteRun(store, old.runId);
    expect(listSceneVersions(store, 'synthetic:a').map((v) => v.version)).toEqual([second.version]);
    expect(sweepBlobs(store).removedBlobs.sort()).toEqual([oldCloud, old.blob.split('/').at(-1)].sort());
    expect(loadScene(store, 'synthetic:a')).toBeDefined();
  });

  it('is refused while the run is running or queued, and while other runs need its checkpoints', () => {
    const store = ws.open(ws.dir());
    saveScene(store, makeScene('synthetic:a'));
    const running = createRun(store, newRun({ name: 'busy' }));
    let e = thrown(() => deleteRun(store, running.id));
    expect(isStoreError(e, 'invalid-state')).toBe(true);
    expect(e.message).toBe(`run "busy" (${running.id}) is queued: stop it before deleting it (a run left queued by a crash: resume it, then stop it)`);
    updateRunStatus(store, running.id, 'running');
    expect(thrown(() => deleteRun(store, running.id)).message).toMatch(/is running: stop it before deleting it/);

    const base = finishedRun(store, 'base model', 'synthetic:a', 'base weights');
    const child = finishedRun(store, 'from the base', 'synthetic:a', 'child weights', { initCheckpoint: base.checkpointId });
    const rho = finishedRun(store, 'rho', 'synthetic:a', 'rho weights', { referenceCheckpoint: base.checkpointId });
    // A run that answered with the base checkpoint without naming it in its settings also needs it.
    const answered = finishedRun(store, 'answered', 'synthetic:a', 'answered weights');
    const [qaId] = queryQa(store, { runId: answered.runId, limit: 1 }).map((q) => q.id);
    insertSolverOutputs(store, [{ qaId: qaId!, round: 0, checkpointId: base.checkpointId, prediction: '2', confidence: 0.5, bucket: 'frontier', answerTokenProbs: [0.5] }]);
    expect(runsUsingCheckpointsOf(store, base.runId).map((u) => [u.name, u.checkpointIds])).toEqual([
      ['from the base', [base.checkpointId]],
      ['rho', [base.checkpointId]],
      ['answered', [base.checkpointId]],
    ]);
    e = thrown(() => deleteRun(store, base.runId));
    expect(isStoreError(e, 'invalid-state')).toBe(true);
    expect(e.message).toBe(
      `run "base model" (${base.runId}) cannot be deleted: runs "from the base" (${child.runId}; checkpoint ${base.checkpointId}), "rho" (${rho.runId}; checkpoint ${base.checkpointId}), "answered" (${answered.runId}; checkpoint ${base.checkpointId}) use its checkpoints; delete those runs first`,
    );
    expect(listRuns(store).some((r) => r.id === base.runId)).toBe(true);
    // Once they are gone it can go; a missing run is named.
    for (const r of [child, rho, answered]) deleteRun(store, r.runId);
    deleteRun(store, base.runId);
    expect(isStoreError(thrown(() => deleteRun(store, base.runId)), 'not-found')).toBe(true);
  });
});
