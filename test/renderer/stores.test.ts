import { describe, expect, it, vi } from 'vitest';
import { applyRoute, createStores, dispatchEvent, startStores } from '../../src/renderer/src/state/stores.js';
import { FakeApi, flush } from './fakeApi.js';

function setup(api = new FakeApi()) {
  const onNavigate = vi.fn();
  const stores = createStores(api, { onNavigate, makeImageUrl: () => 'blob:x', revokeImageUrl: () => {} });
  return { api, stores, onNavigate };
}

describe('store wiring', () => {
  it('starts: host info, runs, live events, and the newest run as the pickers’ default', async () => {
    const { api, stores } = setup();
    const stop = startStores(stores);
    await flush();
    expect(stores.app.getState().info).not.toBeNull();
    expect(api.listenerCount).toBe(1);
    expect(stores.qa.getState().filter.runId).toBe('run-b');
    expect(stores.heatmap.getState().runId).toBe('run-b');
    expect(stores.curves.getState().runIds).toEqual(['run-b', 'run-a']);
    expect(stores.scene.getState().confidenceRunId).toBe('run-b');
    // Defaults apply once: a cleared picker stays cleared.
    stores.curves.getState().setRunIds([]);
    await stores.runs.getState().refresh();
    expect(stores.curves.getState().runIds).toEqual([]);
    stop();
    expect(api.listenerCount).toBe(0);
  });

  it('works with an empty workspace', async () => {
    const { stores } = setup(new FakeApi({ empty: true }));
    const stop = startStores(stores);
    await flush();
    expect(stores.runs.getState().runs).toEqual([]);
    expect(stores.qa.getState().filter.runId).toBeNull();
    expect(stores.app.getState().errors).toEqual([]);
    stop();
  });

  it('routes events from subscribe into the stores (no reloads)', async () => {
    const { api, stores } = setup();
    const stop = startStores(stores);
    await flush();
    api.emit({ type: 'progress', runId: 'run-a', round: 3, stage: 'train', done: 10, total: 100, unit: 'steps' });
    expect(stores.runs.getState().live['run-a']!.progress?.done).toBe(10);
    const curveCalls = api.callsOf('curves').length;
    const heatCalls = api.callsOf('heatmap').length;
    api.emit({
      type: 'round',
      runId: 'run-b',
      summary: { round: 2, counts: { proposed: 1, accepted: 1, rejected: 0, easy: 1, frontier: 0, hard: 0 }, trainedSamples: 1, samplesSeen: 1, meanLoss: null, heldout: null, ms: 1 },
    });
    await flush();
    expect(api.callsOf('curves').length).toBe(curveCalls + 1);
    expect(api.callsOf('heatmap').length).toBe(heatCalls + 1);
    expect(stores.runs.getState().runs!.find((r) => r.id === 'run-b')!.roundsDone).toBe(3);
    stop();
  });

  it('loads what a route needs', async () => {
    const { api, stores } = setup();
    applyRoute(stores, { view: 'scene', sceneId: 'synthetic:s1', objects: [3] });
    await flush();
    expect(stores.scene.getState().detail?.summary.id).toBe('synthetic:s1');
    expect(stores.scene.getState().highlight).toEqual([3]);
    expect(api.callsOf('listScenes')).toHaveLength(1);
    applyRoute(stores, { view: 'runs', runId: 'run-a' });
    applyRoute(stores, { view: 'qa', qaId: 5 });
    await flush();
    expect(stores.runs.getState().detail?.run.id).toBe('run-a');
    expect(stores.qa.getState().detail?.qa.id).toBe(5);
  });

  it('follows navigation through the app store', async () => {
    const { stores, onNavigate } = setup();
    const stop = startStores(stores);
    stores.app.getState().navigate({ view: 'runs', runId: 'run-a' });
    await flush();
    expect(onNavigate).toHaveBeenCalledWith('#/runs/run-a');
    expect(stores.runs.getState().selectedId).toBe('run-a');
    stop();
  });

  it('drills from a heatmap cell into the QA explorer', async () => {
    const { stores, onNavigate } = setup();
    stores.heatmap.getState().setRunId('run-a');
    stores.heatmap.getState().setMetric('count');
    await flush();
    const cell = stores.heatmap.getState().data!.cells.find((c) => c.row === 'object_rel_distance' && c.col === '1')!;
    stores.heatmap.getState().drill(cell);
    expect(stores.qa.getState().filter).toEqual({ runId: 'run-a', family: 'object_rel_distance', round: 1 });
    expect(stores.app.getState().route).toEqual({ view: 'qa' });
    expect(onNavigate).toHaveBeenLastCalledWith('#/qa');
    await flush();
    expect(stores.qa.getState().total).toBe(cell.n);
  });

  it('drills with the bucket of a share metric; empty cells do nothing', async () => {
    const { stores } = setup();
    stores.heatmap.getState().setRunId('run-a');
    stores.heatmap.getState().setMetric('hard');
    await flush();
    const data = stores.heatmap.getState().data!;
    expect(data.query.metric).toBe('hard');
    stores.heatmap.getState().drill({ ...data.cells[0]!, n: 0 });
    expect(stores.app.getState().route).toEqual({ view: 'runs' });
    stores.heatmap.getState().drill(data.cells[0]!);
    expect(stores.qa.getState().filter.bucket).toBe('hard');
  });

  it('loads curves in the chosen order and the mix of a run', async () => {
    const { stores } = setup();
    stores.curves.getState().setRunIds(['run-a', 'run-b']);
    await flush();
    const c = stores.curves.getState();
    expect(c.series.map((s) => s.runId)).toEqual(['run-a', 'run-b']);
    expect(c.mixRunId).toBe('run-a');
    expect(c.mix!.columns.map((x) => x.round)).toEqual([0, 1, 2, 3]);
    stores.curves.getState().setMixRun('run-b');
    await flush();
    expect(stores.curves.getState().mix!.columns).toEqual([]);
    stores.curves.getState().toggleRun('run-a');
    await flush();
    expect(stores.curves.getState().series.map((s) => s.runId)).toEqual(['run-b']);
  });

  it('reports a failing heatmap with its message', async () => {
    const { api, stores } = setup();
    api.failNext('heatmap', 'heatmap(query).kind: expected one of …');
    stores.heatmap.getState().setRunId('run-a');
    await flush();
    expect(stores.app.getState().errors.at(-1)).toMatchObject({ context: 'Loading the heatmap', message: 'heatmap(query).kind: expected one of …' });
    expect(stores.heatmap.getState().loading).toBe(false);
  });

  it('dispatches run status events to the heatmap of that run', async () => {
    const { api, stores } = setup();
    stores.heatmap.getState().setRunId('run-a');
    await flush();
    const n = api.callsOf('heatmap').length;
    dispatchEvent(stores, { type: 'run', runId: 'run-a', status: 'completed' });
    dispatchEvent(stores, { type: 'run', runId: 'run-b', status: 'completed' });
    await flush();
    expect(api.callsOf('heatmap').length).toBe(n + 1);
  });
});
