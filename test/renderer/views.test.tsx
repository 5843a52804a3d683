/**
 * Server-side renders of every view against the fake API's data: no DOM and no WebGL here, so this checks
 * that each view renders its data and empty states without throwing or warning (React key warnings count as
 * failures, as they do in the browser tests), and that the test ids browser tests rely on are present.
 */
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { App } from '../../src/renderer/src/App.js';
import { StoresContext } from '../../src/renderer/src/context.js';
import type { Route } from '../../src/renderer/src/lib/route.js';
import { createStores, startStores, type Stores } from '../../src/renderer/src/state/stores.js';
import { ViewerBench } from '../../src/renderer/src/views/bench/ViewerBench.js';
import { SceneView } from '../../src/renderer/src/views/scene/SceneView.js';
import { FakeApi, flush } from './fakeApi.js';

let errors: MockInstance;
let warns: MockInstance;

beforeEach(() => {
  errors = vi.spyOn(console, 'error');
  warns = vi.spyOn(console, 'warn');
});

afterEach(() => {
  const calls = [...errors.mock.calls, ...warns.mock.calls];
  errors.mockRestore();
  warns.mockRestore();
  expect(calls.map((c) => c.map(String).join(' '))).toEqual([]);
});

async function started(api = new FakeApi()): Promise<{ stores: Stores; stop(): void }> {
  const stores = createStores(api, { makeImageUrl: () => 'blob:frame', revokeImageUrl: () => {} });
  const stop = startStores(stores);
  await flush(20);
  return { stores, stop };
}

/** zustand renders a store's initial state on the server; show the current state instead. */
function live<T extends { getState(): unknown; getInitialState(): unknown }>(store: T): T {
  return { ...store, getInitialState: () => store.getState() };
}

function render(stores: Stores, node: React.ReactNode = <App />): string {
  const now: Stores = {
    ...stores,
    app: live(stores.app),
    runs: live(stores.runs),
    qa: live(stores.qa),
    scene: live(stores.scene),
    heatmap: live(stores.heatmap),
    curves: live(stores.curves),
  };
  return renderToString(<StoresContext.Provider value={now}>{node}</StoresContext.Provider>);
}

async function at(stores: Stores, route: Route): Promise<void> {
  stores.app.getState().navigate(route);
  await flush(20);
}

describe('views render their data', () => {
  it('runs: list, start form, selected run with iterations, comparison', async () => {
    const { stores, stop } = await started();
    await at(stores, { view: 'runs', runId: 'run-a' });
    await stores.runs.getState().toggleCompare('run-a');
    await stores.runs.getState().toggleCompare('run-b');
    stores.runs.getState().handleEvent({ type: 'run', runId: 'run-a', status: 'running' });
    stores.runs.getState().handleEvent({ type: 'progress', runId: 'run-a', iteration: 3, stage: 'solve', done: 3, total: 9, unit: 'QA' });
    const html = render(stores);
    expect(html).toContain('data-testid="runs-view"');
    expect(html.match(/data-testid="run-row"/g)).toHaveLength(2);
    expect(html).toContain('data-testid="start-run"');
    expect(html).toContain('data-testid="iterations-table"');
    expect(html.match(/data-testid="iteration-row"/g)).toHaveLength(3);
    expect(html).toContain('data-testid="compare-table"');
    expect(html).toContain('data-testid="progress"');
    expect(html).toContain('data-testid="live-stages"');
    expect(html).toContain('/tmp/ws');
    stop();
  });

  it('runs: empty workspace and a run without iterations', async () => {
    const api = new FakeApi({ empty: true });
    const { stores, stop } = await started(api);
    let html = render(stores);
    expect(html).toContain('data-testid="runs-empty"');
    api.addRun('fresh', 'fresh', 'closed-loop', 0, 1, 0);
    await stores.runs.getState().refresh();
    await at(stores, { view: 'runs', runId: 'fresh' });
    html = render(stores);
    expect(html).toContain('data-testid="iterations-empty"');
    await at(stores, { view: 'qa' });
    expect(render(stores)).toContain('data-testid="qa-empty"');
    await at(stores, { view: 'heatmaps' });
    expect(render(stores)).toContain('data-testid="heatmap-empty"');
    await at(stores, { view: 'curves' });
    expect(render(stores)).toContain('data-testid="mix-empty"');
    stop();
  });

  it('QA explorer: rows, detail, grouping', async () => {
    const { stores, stop } = await started();
    await at(stores, { view: 'qa', qaId: 3 });
    let html = render(stores);
    expect(html.match(/data-testid="qa-row"/g)!.length).toBeGreaterThan(10);
    expect(html.match(/data-testid="qa-row"/g)!.length).toBeLessThan(60); // windowed, not all 240
    expect(html).toContain('data-testid="qa-detail"');
    expect(html).toContain('data-testid="qa-program"');
    await stores.qa.getState().rerun();
    expect(render(stores)).toContain('Matches the stored result');
    stores.qa.getState().setGrouping(true);
    await flush(20);
    html = render(stores);
    expect(html).toContain('data-testid="qa-group"');
    stop();
  });

  it('heatmaps: cells and legend for every kind and metric', async () => {
    const { stores, stop } = await started();
    await at(stores, { view: 'heatmaps' });
    for (const kind of ['family-iteration', 'scene-family', 'bin-iteration'] as const) {
      stores.heatmap.getState().setKind(kind);
      for (const metric of ['confidence', 'count', 'frontier'] as const) {
        stores.heatmap.getState().setMetric(metric);
        await flush(10);
        const html = render(stores);
        expect(html, `${kind} ${metric}`).toContain('data-testid="heatmap-cell"');
        expect(html).toContain('data-testid="heatmap-legend"');
      }
    }
    stop();
  });

  it('curves: main chart, small multiples, generation mix', async () => {
    const { stores, stop } = await started();
    await at(stores, { view: 'curves' });
    stores.curves.getState().setMixRun('run-a');
    await flush(20);
    const html = render(stores);
    expect(html).toContain('data-testid="curves-chart"');
    expect(html.match(/data-testid="curve-series"/g)!.length).toBeGreaterThanOrEqual(2);
    expect(html).toContain('data-testid="curves-families"');
    expect(html).toContain('data-testid="mix-segment"');
    stop();
  });

  it('scene: controls, object list and frame panel around the canvas', async () => {
    const { stores, stop } = await started();
    await at(stores, { view: 'scene', sceneId: 'synthetic:s1', objects: [2] });
    const html = render(stores, <SceneView />);
    expect(html).toContain('data-testid="scene-canvas"');
    expect(html).toContain('data-testid="frame-image"');
    expect(html).toContain('data-testid="budget-slider"');
    expect(html).toContain('chair');
    stores.scene.getState().setColorMode('confidence');
    await flush(30);
    expect(render(stores, <SceneView />)).toContain('answered questions name objects');
    stop();
  });

  it('scene: empty state before a scene is chosen; bench page', async () => {
    const { stores, stop } = await started();
    await at(stores, { view: 'scene' });
    expect(render(stores, <SceneView />)).toContain('Choose a scene');
    await at(stores, { view: 'bench', params: {} });
    const html = render(stores, <ViewerBench />);
    expect(html).toContain('data-testid="bench-results"');
    expect(html).toContain('data-status="idle"');
    stop();
  });

  it('shows API rejections as banners', async () => {
    const api = new FakeApi();
    api.failNext('listRuns', 'the workspace database is locked');
    const { stores, stop } = await started(api);
    const html = render(stores);
    expect(html).toContain('data-testid="error-banner"');
    expect(html).toContain('the workspace database is locked');
    stop();
  });
});
