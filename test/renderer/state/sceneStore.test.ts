import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_BUDGET, MAX_BUDGET, createSceneStore } from '../../../src/renderer/src/state/sceneStore.js';
import { FakeApi, flush } from '../fakeApi.js';

function setup(api = new FakeApi()) {
  const reportError = vi.fn();
  let n = 0;
  const made: string[] = [];
  const revoked: string[] = [];
  const scene = createSceneStore(api, {
    reportError,
    makeImageUrl: (image) => {
      const url = `blob:${n++}:${image[4]}`;
      made.push(url);
      return url;
    },
    revokeImageUrl: (url) => revoked.push(url),
  });
  return { api, scene, reportError, made, revoked };
}

describe('scene store', () => {
  it('lists scenes', async () => {
    const { scene } = setup();
    await scene.getState().loadScenes();
    expect(scene.getState().scenes!.map((s) => s.id)).toEqual(['synthetic:s1', 'synthetic:s2', 'synthetic:s3']);
  });

  it('opens a scene: detail, points at the default budget, first frame image, highlight', async () => {
    const { scene, api } = setup();
    await scene.getState().open('synthetic:s1', { objects: [2, 3] });
    const s = scene.getState();
    expect(s.detail?.summary.id).toBe('synthetic:s1');
    expect(api.callsOf('getScenePoints')[0]).toEqual(['synthetic:s1', DEFAULT_BUDGET]);
    expect(s.points?.count).toBe(1000);
    expect(s.highlight).toEqual([2, 3]);
    expect(s.frameImage).toMatchObject({ frame: 0, url: 'blob:0:0', width: 128 });
    expect(s.frameImage!.boxes[0]!.label).toBe('chair');
  });

  it('reopening the same scene only updates highlight and frame', async () => {
    const { scene, api } = setup();
    await scene.getState().open('synthetic:s1');
    await scene.getState().open('synthetic:s1', { objects: [4], frame: 3 });
    expect(api.callsOf('getScene')).toHaveLength(1);
    expect(scene.getState().highlight).toEqual([4]);
    expect(scene.getState().frame).toBe(3);
  });

  it('starts at the requested frame, clamped to the trajectory', async () => {
    const { scene } = setup();
    await scene.getState().open('synthetic:s2', { frame: 99 });
    expect(scene.getState().frame).toBe(4);
    expect(scene.getState().frameImage?.frame).toBe(4);
  });

  it('handles scenes without a trajectory', async () => {
    const { scene, api } = setup();
    await scene.getState().open('synthetic:s3');
    expect(scene.getState().frameImage).toBeNull();
    expect(api.callsOf('getFrameImage')).toHaveLength(0);
    await scene.getState().step();
    expect(scene.getState().frame).toBe(0);
  });

  it('caches frame images as blob URLs, wraps when stepping, revokes on scene change', async () => {
    const { scene, api, revoked } = setup();
    await scene.getState().open('synthetic:s2');
    for (let i = 0; i < 5; i++) await scene.getState().step();
    expect(scene.getState().frame).toBe(0); // 5 frames: wrapped around
    expect(api.callsOf('getFrameImage')).toHaveLength(5);
    await scene.getState().setFrame(2);
    expect(api.callsOf('getFrameImage')).toHaveLength(5); // cached
    expect(scene.getState().frameImage?.frame).toBe(2);
    await scene.getState().open('synthetic:s1');
    expect(revoked).toHaveLength(5);
  });

  it('re-requests points when the budget changes, clamped to the host limit', async () => {
    const { scene, api } = setup();
    await scene.getState().open('synthetic:s1');
    await scene.getState().setBudget(500);
    expect(scene.getState().budget).toBe(10_000);
    await scene.getState().setBudget(1e9);
    expect(api.callsOf('getScenePoints').at(-1)).toEqual(['synthetic:s1', MAX_BUDGET]);
  });

  it('reports a missing scene with the host message', async () => {
    const { scene, reportError } = setup();
    await scene.getState().open('nope');
    expect(scene.getState().detail).toBeNull();
    expect(scene.getState().detailLoading).toBe(false);
    expect(reportError).toHaveBeenCalledWith('Loading scene nope', expect.objectContaining({ message: 'no scene "nope" in /tmp/ws/workbench.db' }));
  });

  it('keeps only the last of overlapping opens', async () => {
    const { scene } = setup();
    const a = scene.getState().open('synthetic:s1');
    const b = scene.getState().open('synthetic:s2');
    await Promise.all([a, b]);
    expect(scene.getState().detail?.summary.id).toBe('synthetic:s2');
    expect(scene.getState().points?.sceneId).toBe('synthetic:s2');
  });

  it('takes per-object confidence from one host call per scene and run, none per question', async () => {
    const { scene, api } = setup();
    await scene.getState().open('synthetic:s1');
    await scene.getState().computeConfidence('run-a');
    const conf = scene.getState().objectConfidence!;
    const rows = api.filterQa({ runId: 'run-a', sceneId: 'synthetic:s1' }).filter((r) => r.confidence !== null);
    const expected = new Map<number, number[]>();
    for (const r of rows) for (const id of new Set(api.objectIds.get(r.id)!)) expected.set(id, [...(expected.get(id) ?? []), r.confidence!]);
    expect(rows.length).toBeGreaterThan(20);
    expect(expected.size).toBeGreaterThan(2);
    expect([...conf.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [id, vs] of expected) {
      expect(conf.get(id)!.mean).toBeCloseTo(vs.reduce((a, b) => a + b, 0) / vs.length);
      expect(conf.get(id)!.n).toBe(vs.length);
    }
    expect(api.callsOf('sceneObjectConfidence')).toEqual([['synthetic:s1', 'run-a']]);
    expect(api.callsOf('getQa')).toHaveLength(0);
    expect(api.callsOf('queryQa')).toHaveLength(0);
    expect(scene.getState().confidenceLoading).toBe(false);
    expect(scene.getState().confidenceQuestions).toBe(rows.length);
  });

  it('drops confidences that arrive after another scene was opened, and reports a failing call', async () => {
    const { scene, api, reportError } = setup();
    await scene.getState().open('synthetic:s1');
    const late = scene.getState().computeConfidence('run-a');
    await scene.getState().open('synthetic:s2');
    await late;
    expect(scene.getState().objectConfidence).toBeNull();
    expect(scene.getState().confidenceLoading).toBe(false);
    api.failNext('sceneObjectConfidence', 'database is locked');
    await scene.getState().computeConfidence('run-a');
    expect(reportError).toHaveBeenCalledWith('Computing per-object confidence of run run-a', expect.objectContaining({ message: 'database is locked' }));
    expect(scene.getState().confidenceLoading).toBe(false);
    await scene.getState().computeConfidence('run-a');
    expect(scene.getState().objectConfidence!.size).toBeGreaterThan(0);
  });

  it('says why a scene has no confidences: held out, not in the run, or none answered yet (issue 14)', async () => {
    const { scene, api } = setup();
    await scene.getState().open('synthetic:s1');
    await scene.getState().computeConfidence('run-a');
    expect(scene.getState().confidenceQuestions).toBeGreaterThan(0);
    expect(scene.getState().noConfidence).toBeNull();
    expect(api.callsOf('getRun')).toHaveLength(0); // a scene with answers costs no second call

    // synthetic:s3 is held out in run-a: its questions are the benchmark, never answered by the loop.
    await scene.getState().open('synthetic:s3');
    await scene.getState().computeConfidence('run-a');
    expect(scene.getState().confidenceQuestions).toBe(0);
    expect(scene.getState().noConfidence).toEqual({ reason: 'heldout', runId: 'run-a', runName: 'closed loop', trainScenes: ['synthetic:s1', 'synthetic:s2'] });

    api.runs.get('run-b')!.detail.split = [{ sceneId: 'synthetic:s1', split: 'train' }];
    await scene.getState().computeConfidence('run-b');
    expect(scene.getState().noConfidence).toMatchObject({ reason: 'not-in-run', runName: 'no feedback', trainScenes: ['synthetic:s1'] });

    api.runs.get('run-b')!.detail.split = [{ sceneId: 'synthetic:s3', split: 'train' }];
    await scene.getState().computeConfidence('run-b');
    expect(scene.getState().noConfidence).toMatchObject({ reason: 'none-answered', trainScenes: [] });

    // Another scene clears the explanation with the confidences.
    await scene.getState().open('synthetic:s1');
    expect(scene.getState().noConfidence).toBeNull();
  });

  it('computes confidence on choosing a run only in confidence mode', async () => {
    const { scene, api } = setup();
    await scene.getState().open('synthetic:s1');
    await scene.getState().setConfidenceRun('run-a');
    expect(api.callsOf('sceneObjectConfidence')).toHaveLength(0);
    scene.getState().setColorMode('confidence');
    await flush(30);
    expect(scene.getState().objectConfidence).not.toBeNull();
  });
});
