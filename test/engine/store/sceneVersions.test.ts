import { describe, expect, it } from 'vitest';
import { thrown } from '../../helpers/errors.js';
import type { Scene } from '../../../src/shared/scene.js';
import {
  assignRunScenes,
  createRun,
  currentSceneVersion,
  isStoreError,
  listRunScenes,
  listSceneVersions,
  loadScene,
  saveScene,
  saveScenes,
  sweepBlobs,
  type Store,
} from '../../../src/engine/store/index.js';
import { makeScene, newRun, useWorkspaces } from './fixtures.js';

/** The same scene id with edited content, as an edited meta file gives: every box moved 0.5 m, the last one relabelled. */
function edited(scene: Scene): Scene {
  const objects = scene.objects.map((o, i) => ({
    ...o,
    label: i === scene.objects.length - 1 ? 'sofa' : o.label,
    box: { ...o.box, center: [o.box.center[0] + 0.5, o.box.center[1], o.box.center[2]] as [number, number, number] },
  }));
  return { ...scene, objects };
}

function runUsing(store: Store, sceneIds: string[]): string {
  const run = createRun(store, newRun());
  assignRunScenes(store, run.id, sceneIds.map((sceneId) => ({ sceneId, split: 'train' })));
  return run.id;
}

describe('scene versions', () => {
  const ws = useWorkspaces();

  it('give equal content an equal version: saving an unchanged scene again changes nothing', () => {
    const store = ws.open(ws.dir());
    const scene = makeScene('synthetic:a', { points: 200, frames: 2 });
    const first = saveScene(store, scene);
    expect(first).toMatchObject({ change: 'new' });
    expect(first.version).toMatch(/^[0-9a-f]{16}$/);
    const updatedAt = store.db.prepare('SELECT updated_at FROM scenes').pluck().get();
    const again = saveScene(store, makeScene('synthetic:a', { points: 200, frames: 2 }));
    expect(again).toMatchObject({ change: 'unchanged', version: first.version });
    expect(store.db.prepare('SELECT updated_at FROM scenes').pluck().get()).toBe(updatedAt);
    // Points are part of the content: other points, other version.
    expect(saveScene(store, makeScene('synthetic:a', { points: 200, frames: 2, seed: 8 }))).toMatchObject({ change: 'changed', previous: { version: first.version, runIds: [] } });
  });

  it('keep the version a run used when a re-import changes the scene, and load either', () => {
    const store = ws.open(ws.dir());
    const original = makeScene('synthetic:b', { points: 300, frames: 3 });
    const { version: v1 } = saveScene(store, original);
    const runId = runUsing(store, ['synthetic:b']);
    expect(listRunScenes(store, runId)).toEqual([{ sceneId: 'synthetic:b', split: 'train', sceneVersion: v1 }]);

    const changed = edited(original);
    const saved = saveScene(store, changed);
    expect(saved).toMatchObject({ change: 'changed', previous: { version: v1, runIds: [runId] } });
    expect(saved.version).not.toBe(v1);
    expect(currentSceneVersion(store, 'synthetic:b')).toBe(saved.version);
    expect(loadScene(store, 'synthetic:b')).toEqual(changed);
    // The run still sees what it trained on.
    expect(listRunScenes(store, runId)[0]!.sceneVersion).toBe(v1);
    expect(loadScene(store, 'synthetic:b', v1)).toEqual(original);
    expect(loadScene(store, 'synthetic:b', saved.version)).toEqual(changed);
    // A new run uses the new version.
    const second = runUsing(store, ['synthetic:b']);
    expect(listRunScenes(store, second)[0]!.sceneVersion).toBe(saved.version);
    expect(listSceneVersions(store, 'synthetic:b')).toEqual([
      { version: saved.version, replacedAt: null, runIds: [second] },
      { version: v1, replacedAt: expect.any(Number), runIds: [runId] },
    ]);
  });

  it('keep a used version’s point cloud through blob sweeps; drop a version no run used', () => {
    const store = ws.open(ws.dir());
    const original = makeScene('synthetic:c', { points: 300 });
    const { version: v1 } = saveScene(store, original);
    runUsing(store, ['synthetic:c']);
    saveScene(store, makeScene('synthetic:c', { points: 300, seed: 9 }));
    const { version: v3 } = saveScene(store, makeScene('synthetic:c', { points: 300, seed: 10 }));
    const report = sweepBlobs(store, { minAgeMs: 0 });
    // v2 was used by no run: it is not kept, and its point cloud went; v1's stayed.
    expect(report.removedBlobs).toHaveLength(1);
    expect(loadScene(store, 'synthetic:c', v1)).toEqual(original);
    expect(listSceneVersions(store, 'synthetic:c').map((v) => v.version)).toEqual([v3, v1]);
    const e = thrown(() => loadScene(store, 'synthetic:c', '0000000000000000'));
    expect(isStoreError(e, 'not-found')).toBe(true);
    expect(e.message).toContain(`no version 0000000000000000 of scene "synthetic:c"`);
    expect(e.message).toContain(`it has version ${v3}`);
  });

  it('roll a batch back whole: no version is kept or replaced when the save fails', () => {
    const store = ws.open(ws.dir());
    const a = makeScene('synthetic:d', { points: 50 });
    const { version } = saveScene(store, a);
    runUsing(store, ['synthetic:d']);
    const bad = makeScene('synthetic:e');
    bad.room = { ...bad.room, area: -1 };
    expect(() => saveScenes(store, [edited(a), bad])).toThrow(/room\.area/);
    expect(currentSceneVersion(store, 'synthetic:d')).toBe(version);
    expect(store.db.prepare('SELECT count(*) FROM scene_versions').pluck().get()).toBe(0);
  });
});
