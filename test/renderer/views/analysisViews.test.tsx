/**
 * Server-side renders of the training dynamics, comparison and experiment views against the fake API (no DOM):
 * each renders its data and its empty state without React warnings, carries the test ids the browser test uses,
 * and colours a paired difference only when its interval excludes 0.
 */
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { App } from '../../../src/renderer/src/App.js';
import { StoresContext } from '../../../src/renderer/src/context.js';
import type { Route } from '../../../src/renderer/src/lib/route.js';
import { createStores, startStores, type Stores } from '../../../src/renderer/src/state/stores.js';
import { FakeApi, FAKE_STEPS_PER_ROUND, flush } from '../fakeApi.js';
import { failOnConsoleErrors } from '../../helpers/consoleGuard.js';

failOnConsoleErrors();

async function at(route: Route, api = new FakeApi({ experiment: true })): Promise<{ stores: Stores; html: () => string; stop(): void }> {
  const stores = createStores(api, { makeImageUrl: () => 'blob:x', revokeImageUrl: () => {} });
  const stop = startStores(stores);
  stores.app.getState().navigate(route);
  await flush(30);
  // zustand renders a store's initial state on the server; show the current state instead.
  const live = <T extends { getState(): unknown; getInitialState(): unknown }>(s: T): T => ({ ...s, getInitialState: () => s.getState() });
  const html = (): string => {
    const now = Object.fromEntries(Object.entries(stores).map(([k, v]) => [k, k === 'api' ? v : live(v as never)])) as unknown as Stores;
    return renderToString(
      <StoresContext.Provider value={now}>
        <App />
      </StoresContext.Provider>,
    );
  };
  return { stores, html, stop };
}

const count = (html: string, testId: string): number => html.match(new RegExp(`data-testid="${testId}"`, 'g'))?.length ?? 0;

describe('training dynamics view', () => {
  it('overlays the chosen runs on three charts with raw and smoothed lines, and a readout row per run', async () => {
    const { stores, html, stop } = await at({ view: 'training' });
    const ids = stores.training.getState().runIds;
    expect(ids.length).toBeGreaterThan(1);
    const h = html();
    expect(h).toContain('data-testid="training-view"');
    expect(h).toContain('href="#/training"');
    for (const m of ['loss', 'lr', 'gradNorm']) expect(h).toContain(`data-testid="dynamics-${m}"`);
    expect(count(h, 'dynamics-series')).toBe(3 * ids.length);
    expect(count(h, 'dynamics-smooth')).toBe(3 * ids.length);
    expect(count(h, 'readout-row')).toBe(ids.length);
    expect(h).toContain(`${2 * FAKE_STEPS_PER_ROUND} steps`);
    // Smoothing off: only the raw lines, drawn at full strength.
    stores.training.getState().setSmoothing(0);
    stores.training.getState().setLayout('per-run');
    const raw = html();
    expect(count(raw, 'dynamics-smooth')).toBe(0);
    expect(count(raw, 'dynamics-run-row')).toBe(ids.length);
    stop();
  });

  it('says when no run is chosen, and when none has trained yet', async () => {
    const { stores, html, stop } = await at({ view: 'training' });
    stores.training.getState().setRunIds([]);
    await flush();
    expect(html()).toContain('No runs chosen');
    const api = new FakeApi({ empty: true });
    api.addRun('fresh', 'fresh', 'closed-loop', 0, 1, 0);
    const empty = await at({ view: 'training' }, api);
    expect(empty.html()).toContain('data-testid="training-empty"');
    empty.stop();
    stop();
  });
});

describe('comparison view', () => {
  it('tables every group per round with mean ± CI and n, and states the paired difference in neutral or verdict colour', async () => {
    const { stores, html, stop } = await at({ view: 'compare' });
    const { data, a, b } = stores.compare.getState();
    const h = html();
    expect(count(h, 'group-row')).toBe(data!.groups.length);
    expect(h).toMatch(/\d+\.\d ± \d+\.\d \(n = 3\)/);
    expect(h).toContain('data-testid="compare-chart"');
    expect(h).toContain('data-testid="pair-sentence"');
    // The experiment's reference arm against its no-feedback arm: +1.0 [0.5, 1.5] better, the only coloured verdict.
    const ref = data!.groups.find((g) => g.title === 'experiment quick: closed loop: reference')!;
    const nf = data!.groups.find((g) => g.title === 'experiment quick: no feedback')!;
    stores.compare.getState().setPair(ref.key, nf.key);
    await flush();
    const better = html();
    expect(better).toMatch(/class="verdict verdict-better" data-testid="verdict" data-verdict="better">\+1\.0 \[0\.5, 1\.5\] better</);
    // Static against no feedback: the interval holds 0, so it is "no difference", in the neutral class.
    const st = data!.groups.find((g) => g.title === 'experiment quick: static')!;
    stores.compare.getState().setPair(st.key, nf.key);
    await flush();
    const none = html();
    expect(none).toContain('class="pair-sentence verdict verdict-none"');
    expect(none).toMatch(/data-verdict="no difference">\+0\.7 \[−\d+\.\d, \d+\.\d\] no difference</);
    expect(none).not.toContain('verdict-better');
    expect([a, b].every((k) => typeof k === 'string')).toBe(true);
    stop();
  });

  it('names each run it did not count, and why, under a count', async () => {
    const api = new FakeApi({ experiment: true });
    api.addRun('run-z', 'still empty', 'closed-loop', 0, 9000, 0);
    const { html, stop } = await at({ view: 'compare' }, api);
    const h = html();
    expect(count(h, 'compare-excluded')).toBe(1);
    const text = h.replaceAll('<!-- -->', '');
    expect(text).toContain('<summary class="muted">1 run not counted</summary>');
    expect(text).toContain('<li>still empty <span class="muted">(run-z)</span>: no held-out score</li>');
    stop();
  });

  it('says so when there is nothing to group', async () => {
    const { html, stop } = await at({ view: 'compare' }, new FakeApi({ empty: true }));
    expect(html()).toContain('data-testid="compare-empty"');
    stop();
  });
});

describe('experiment view', () => {
  it("shows the report's verdicts, the arms summary, the arms × seeds table and the curves", async () => {
    const { html, stop } = await at({ view: 'experiment' });
    const h = html();
    expect(h).toContain('data-testid="experiment-view"');
    expect(h).toContain('Rule that beats no feedback beyond the noise: closed loop: reference (+1.0 [0.5, 1.5] better).');
    expect(count(h, 'arm-row')).toBe(3);
    expect(count(h, 'arm-seed-cell')).toBe(9);
    expect(count(h, 'interval-series')).toBe(3);
    // Static vs no feedback holds 0: neutral, not a win.
    expect(h).toMatch(/class="verdict verdict-none" data-testid="verdict" data-verdict="no difference">\+0\.7 \[/);
    stop();
  });

  it('explains how experiments are found when there is none', async () => {
    const { html, stop } = await at({ view: 'experiment' }, new FakeApi());
    expect(html()).toContain('data-testid="experiment-empty"');
    stop();
  });
});
