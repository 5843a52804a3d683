import { describe, expect, it, vi } from 'vitest';
import { parseHash } from '../../../src/renderer/src/lib/route.js';
import { applyRoute, createStores, dispatchEvent, startStores } from '../../../src/renderer/src/state/stores.js';
import { FakeApi, flush } from '../fakeApi.js';

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

  it('plots every run by default, and a run that starts without waiting to be ticked (issue 14, item 8)', async () => {
    const api = new FakeApi({ runs: 6, qaPerRun: 12 });
    const { stores } = setup(api);
    const stop = startStores(stores);
    await flush();
    expect(stores.curves.getState().runIds).toEqual(['run-f', 'run-e', 'run-d', 'run-c', 'run-b', 'run-a']);
    stores.curves.getState().setRunIds(['run-a']);
    const { runId } = await api.startRun({ name: 'fresh' });
    api.emit({ type: 'run', runId, status: 'running' });
    await flush();
    expect(stores.curves.getState().runIds).toEqual([runId, 'run-a']);
    // A paused run that resumes is plotted again too.
    api.emit({ type: 'run', runId: 'run-b', status: 'paused' });
    api.emit({ type: 'run', runId: 'run-b', status: 'running' });
    await flush();
    expect(stores.curves.getState().runIds).toEqual(['run-b', runId, 'run-a']);
    stop();
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

  it("opens a deep-linked question beside its own run's table, whichever arrives first: the question or the run list (issue 14, item 7)", async () => {
    for (const slowRuns of [false, true]) {
      const api = new FakeApi();
      if (slowRuns) {
        // The run list (and with it the pickers' default, run-b) arrives after the question.
        const list = api.listRuns.bind(api);
        api.listRuns = async () => {
          await flush(5);
          return list();
        };
      }
      const stores = createStores(api, { initialRoute: { view: 'qa', qaId: 7 }, makeImageUrl: () => 'blob:x', revokeImageUrl: () => {} });
      const stop = startStores(stores);
      await flush(30);
      const q = stores.qa.getState();
      expect(q.selectedId, `slow runs: ${slowRuns}`).toBe(7);
      expect(q.detail?.qa.runId).toBe('run-a');
      expect(q.filter).toEqual({ runId: 'run-a' });
      expect(q.pages[0]!.every((r) => r.runId === 'run-a')).toBe(true);
      // Filters of another run's table are dropped with it.
      q.setFilter({ runId: 'run-b', family: 'object_counting' }, true);
      await q.select(300);
      expect(stores.qa.getState().filter).toEqual({ runId: 'run-b', family: 'object_counting' });
      await stores.qa.getState().select(8);
      expect(stores.qa.getState().filter).toEqual({ runId: 'run-a' });
      expect(stores.qa.getState().selectedId).toBe(8);
      stop();
    }
  });

  it('falls back to the newest run when a deep-linked question cannot be loaded', async () => {
    const api = new FakeApi();
    const stores = createStores(api, { initialRoute: { view: 'qa', qaId: 99_999 }, makeImageUrl: () => 'blob:x', revokeImageUrl: () => {} });
    const stop = startStores(stores);
    await flush(30);
    expect(stores.qa.getState().filter.runId).toBe('run-b');
    expect(stores.app.getState().errors.at(-1)?.context).toBe('Loading QA 99999');
    stop();
  });

  it('applies the view state an address carries, and writes the state back in place as it changes (issue 14, shareable state)', async () => {
    const api = new FakeApi();
    const onNavigate = vi.fn();
    const onReplace = vi.fn();
    const stores = createStores(api, {
      onNavigate,
      onReplace,
      initialRoute: parseHash('#/heatmaps?run=run-a&table=bin-round&metric=frontier&family=object_counting'),
      makeImageUrl: () => 'blob:x',
      revokeImageUrl: () => {},
    });
    const stop = startStores(stores);
    await flush();
    const h = stores.heatmap.getState();
    expect([h.runId, h.kind, h.metric, h.family]).toEqual(['run-a', 'bin-round', 'frontier', 'object_counting']);
    // One load for the whole state, not one per field; the default run did not override the address's.
    expect(api.callsOf('heatmap')).toEqual([[{ runId: 'run-a', kind: 'bin-round', metric: 'frontier', family: 'object_counting' }]]);
    h.setMetric('hard');
    expect(onReplace).toHaveBeenLastCalledWith('#/heatmaps?run=run-a&table=bin-round&metric=hard&family=object_counting');
    expect(onNavigate).not.toHaveBeenCalled();

    // A nav link (no state) keeps the view as it was and fills the address in.
    stores.app.getState().navigate({ view: 'qa' });
    expect(onNavigate).toHaveBeenLastCalledWith('#/qa');
    await flush();
    expect(onReplace).toHaveBeenLastCalledWith('#/qa?run=run-b');
    stores.qa.getState().setFilter({ family: 'object_counting' });
    await stores.qa.getState().select(250);
    expect(onReplace).toHaveBeenLastCalledWith('#/qa/250?run=run-b&family=object_counting');

    // Back to an address without a question: the one selected closes, the filters are the address's.
    stores.app.getState().setRoute(parseHash('#/qa?run=run-a&verdict=rejected'));
    await flush();
    expect(stores.qa.getState().filter).toEqual({ runId: 'run-a', verdict: 'rejected' });
    expect(stores.qa.getState().selectedId).toBeNull();
    expect(stores.qa.getState().total).toBe(api.filterQa({ runId: 'run-a', verdict: 'rejected' }).length);

    // Curves: the address's choice of runs, even none, is kept over the default (all runs).
    stores.app.getState().setRoute(parseHash('#/curves?runs=run-a&mix=run-b'));
    await flush();
    expect(stores.curves.getState().runIds).toEqual(['run-a']);
    expect(stores.curves.getState().mixRunId).toBe('run-b');
    stop();
  });

  it('keeps an address that ticks no curves run as it is', async () => {
    const api = new FakeApi();
    const stores = createStores(api, { initialRoute: parseHash('#/curves?runs='), makeImageUrl: () => 'blob:x', revokeImageUrl: () => {} });
    const stop = startStores(stores);
    await flush();
    expect(stores.curves.getState().runIds).toEqual([]);
    expect(stores.qa.getState().filter.runId).toBe('run-b');
    stop();
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
    expect(stores.qa.getState().filter).toEqual({ runId: 'run-a', verdict: 'accepted', family: 'object_rel_distance', round: 1 });
    expect(stores.app.getState().route).toEqual({ view: 'qa' });
    expect(onNavigate).toHaveBeenLastCalledWith('#/qa');
    await flush();
    expect(stores.qa.getState().total).toBe(cell.n);
  });

  it('a drill-down closes the question open in the QA explorer, even one of the same run', async () => {
    const { stores } = setup();
    stores.qa.getState().setFilter({ runId: 'run-a' });
    await stores.qa.getState().select(3);
    stores.heatmap.getState().setRunId('run-a');
    await flush();
    stores.heatmap.getState().drill(stores.heatmap.getState().data!.cells.find((c) => c.n > 0)!);
    expect(stores.qa.getState().selectedId).toBeNull();
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
