/**
 * Server-side renders of every view against the fake API's data: no DOM and no WebGL here, so this checks
 * that each view renders its data and empty states without throwing or warning (React key warnings count as
 * failures, as they do in the browser tests), and that the test ids browser tests rely on are present.
 */
import { describe, expect, it } from 'vitest';
import type { Route } from '../../../src/renderer/src/lib/route.js';
import { type Stores } from '../../../src/renderer/src/state/stores.js';
import { ViewerBench } from '../../../src/renderer/src/views/bench/ViewerBench.js';
import { HEATMAP_KINDS, HEATMAP_METRICS } from '../../../src/renderer/src/views/heatmaps/heatmapLayout.js';
import { SceneView } from '../../../src/renderer/src/views/scene/SceneView.js';
import { FakeApi, flush } from '../fakeApi.js';
import { failOnConsoleErrors } from '../../helpers/consoleGuard.js';
import { renderLive, startedStores } from '../viewHarness.js';

failOnConsoleErrors();

const started = startedStores;
const render = renderLive;

/** Each element carrying data-testid="<testId>", as a map of its attributes (values as React escaped them). */
function elements(html: string, testId: string): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<[a-z]+ [^>]*data-testid="${testId}"[^>]*>`, 'g'))].map((m) => Object.fromEntries([...m[0].matchAll(/([a-zA-Z-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])));
}

async function at(stores: Stores, route: Route): Promise<void> {
  stores.app.getState().navigate(route);
  await flush(20);
}

describe('views render their data', () => {
  it('runs: list, start form, selected run with rounds, comparison', async () => {
    const { stores, stop } = await started();
    await at(stores, { view: 'runs', runId: 'run-a' });
    await stores.runs.getState().toggleCompare('run-a');
    await stores.runs.getState().toggleCompare('run-b');
    stores.runs.getState().handleEvent({ type: 'run', runId: 'run-a', status: 'running' });
    stores.runs.getState().handleEvent({ type: 'progress', runId: 'run-a', round: 3, stage: 'solve', done: 3, total: 9, unit: 'QA' });
    const html = render(stores);
    expect(html).toContain('data-testid="runs-view"');
    expect(html.match(/data-testid="run-row"/g)).toHaveLength(2);
    expect(html).toContain('data-testid="start-run"');
    expect(html).toContain('data-testid="rounds-table"');
    // The three stored rounds, and round 3 under way (its row appears as it starts).
    expect(html.match(/data-testid="round-row"/g)).toHaveLength(4);
    expect(html).toContain('data-testid="compare-table"');
    expect(html).toContain('data-testid="progress"');
    expect(html).toContain('data-testid="live-stages"');
    expect(html).toContain('/tmp/ws');
    stop();
  });

  it('runs: empty workspace and a run without rounds', async () => {
    const api = new FakeApi({ empty: true });
    const { stores, stop } = await started(api);
    let html = render(stores);
    expect(html).toContain('data-testid="runs-empty"');
    api.addRun('fresh', 'fresh', 'closed-loop', 0, 1, 0);
    await stores.runs.getState().refresh();
    await at(stores, { view: 'runs', runId: 'fresh' });
    html = render(stores);
    expect(html).toContain('data-testid="rounds-empty"');
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

  it('heatmaps: for every kind and metric, one cell per loaded cell with its value and n, under a legend naming the metric', async () => {
    const { stores, stop } = await started();
    await at(stores, { view: 'heatmaps' });
    for (const { kind } of HEATMAP_KINDS) {
      stores.heatmap.getState().setKind(kind);
      for (const { metric, label } of HEATMAP_METRICS) {
        stores.heatmap.getState().setMetric(metric);
        await flush(10);
        const data = stores.heatmap.getState().data!;
        // The view must show the table for this choice, not the one loaded before it.
        expect(data.query, `${kind} ${metric}`).toMatchObject({ kind, metric });
        expect(data.cells.length, `${kind} ${metric}: the fake API has data for it`).toBeGreaterThan(0);
        const html = render(stores);
        const shown = elements(html, 'heatmap-cell').map((c) => `${c['data-row']}|${c['data-col']}|${c['data-value']}|${c['data-n']}`);
        expect(shown.sort(), `${kind} ${metric}`).toEqual(data.cells.map((c) => `${c.row}|${c.col}|${c.value ?? ''}|${c.n}`).sort());
        expect(elements(html, 'heatmap-legend').map((l) => l['aria-label'])).toEqual([`Colour scale for ${label.replace(/'/g, '&#x27;')}`]);
      }
    }
    stop();
  });

  it("heatmaps: accuracy says it is scored on the round's own questions, not held-out ones (issue 14, item 13)", async () => {
    const { stores, stop } = await started();
    await at(stores, { view: 'heatmaps' });
    stores.heatmap.getState().setMetric('accuracy');
    await flush(10);
    const html = render(stores);
    expect(html).toContain('data-testid="heatmap-own-questions"');
    expect(html).toContain('not held-out scenes');
    expect(elements(html, 'heatmap-legend').map((l) => l['aria-label'])).toEqual(["Colour scale for Accuracy on the round&#x27;s own questions"]);
    expect(html).toMatch(/<option value="accuracy"[^>]*>Accuracy on the round&#x27;s own questions<\/option>/);
    stores.heatmap.getState().setMetric('confidence');
    await flush(10);
    expect(render(stores)).not.toContain('heatmap-own-questions');
    stop();
  });

  it('curves: main chart, small multiples, generation mix', async () => {
    const { stores, stop } = await started();
    await at(stores, { view: 'curves' });
    stores.curves.getState().setMixRun('run-a');
    await flush(20);
    const html = render(stores);
    const { runIds, series, mix } = stores.curves.getState();
    expect(runIds.length).toBeGreaterThanOrEqual(2);
    // The main chart comes first; its series keep the order the runs were chosen in (the fake answers reversed).
    const main = html.slice(html.indexOf('data-testid="curves-chart"'), html.indexOf('data-testid="curves-families"'));
    expect(elements(main, 'curve-series').map((g) => g['data-run-id'])).toEqual(runIds);
    expect(series.map((s) => s.runId)).toEqual(runIds);
    expect(html).toContain('data-testid="curves-families"');
    // Each round's stacked bar is the whole mix: its segments' shares (in their titles) add up to 100%.
    const segments = [...html.matchAll(/data-testid="mix-segment"[^>]*><title>round (\d+) · \S+ ([\d.]+)%/g)].map((m) => ({ round: Number(m[1]), share: Number(m[2]) }));
    expect(segments.length).toBe(elements(html, 'mix-segment').length);
    expect([...new Set(segments.map((s) => s.round))]).toEqual(mix!.columns.map((c) => c.round));
    for (const c of mix!.columns) {
      const shares = segments.filter((s) => s.round === c.round);
      // Titles round each share to 0.1%.
      expect(Math.abs(shares.reduce((a, s) => a + s.share, 0) - 100), `round ${c.round}`).toBeLessThanOrEqual(0.05 * shares.length + 1e-9);
    }
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

  it('scene: frame labels that would cover one another are left out, the highlighted one kept (issue 14)', async () => {
    const { stores, stop } = await started();
    await at(stores, { view: 'scene', sceneId: 'synthetic:s1', objects: [3] });
    const frame = stores.scene.getState().frameImage!;
    const boxes = [1, 2, 3, 4].map((id) => ({ objectId: id, label: 'chair', box: [10 + id, 10, 50, 50] as [number, number, number, number], visibleFraction: 1 }));
    stores.scene.setState({ frameImage: { ...frame, boxes } });
    const html = render(stores, <SceneView />);
    // Four boxes drawn; of four labels on one corner three fit (at it, above, below), the highlighted one at it.
    expect(html.match(/<rect /g)).toHaveLength(4);
    expect(elements(html, 'frame-label')).toHaveLength(3);
    expect(html).toContain('<text x="15" y="16" fill="#ff9f1c"');
    stop();
  });

  it('scene: a held-out scene in confidence mode says why nothing is coloured and what to do (issue 14)', async () => {
    const { stores, stop } = await started();
    await at(stores, { view: 'scene', sceneId: 'synthetic:s3' });
    await stores.scene.getState().setConfidenceRun('run-a');
    stores.scene.getState().setColorMode('confidence');
    await flush(30);
    const html = render(stores, <SceneView />);
    expect(html).not.toContain('0 answered questions');
    expect(elements(html, 'confidence-empty')).toEqual([expect.objectContaining({ 'data-reason': 'heldout' })]);
    expect(html).toContain('This scene is held out in run “closed loop”.');
    expect(html).toContain('benchmark questions, scored each round in');
    expect(html).toContain('Pick a training scene or another run.');
    expect(elements(html, 'confidence-train-scene')).toHaveLength(2);
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
