/** The training, comparison and experiment stores against the fake API, and their wiring to events and routes. */
import { describe, expect, it, vi } from 'vitest';
import { createCompareStore, defaultPair } from '../../../src/renderer/src/state/compareStore.js';
import { createExperimentStore } from '../../../src/renderer/src/state/experimentStore.js';
import { applyRoute, createStores, dispatchEvent, startStores } from '../../../src/renderer/src/state/stores.js';
import { createTrainingStore, TRAINING_POINTS } from '../../../src/renderer/src/state/trainingStore.js';
import { FakeApi, FAKE_STEPS_PER_ROUND, flush } from '../fakeApi.js';

describe('training store', () => {
  it('loads the chosen runs in the order they were ticked, asking for a chart-wide number of points', async () => {
    const api = new FakeApi();
    const store = createTrainingStore(api, { reportError: vi.fn() });
    store.getState().setRunIds(['run-b', 'run-a']);
    await flush();
    expect(api.callsOf('trainingSeries')).toEqual([[{ runIds: ['run-b', 'run-a'], maxPoints: TRAINING_POINTS }]]);
    expect(store.getState().series.map((s) => [s.runId, s.total])).toEqual([
      ['run-b', 2 * FAKE_STEPS_PER_ROUND],
      ['run-a', 3 * FAKE_STEPS_PER_ROUND],
    ]);
    store.getState().toggleRun('run-b');
    await flush();
    expect(store.getState().series.map((s) => s.runId)).toEqual(['run-a']);
    store.getState().setRunIds([]);
    await flush();
    expect(store.getState().series).toEqual([]);
  });

  it('keeps smoothing in [0, 0.99] and reports a failed load', async () => {
    const api = new FakeApi();
    const reportError = vi.fn();
    const store = createTrainingStore(api, { reportError });
    store.getState().setSmoothing(2);
    expect(store.getState().smoothing).toBe(0.99);
    store.getState().setSmoothing(-1);
    expect(store.getState().smoothing).toBe(0);
    api.failNext('trainingSeries', 'disk on fire');
    store.getState().setRunIds(['run-a']);
    await flush();
    expect(store.getState().loading).toBe(false);
    expect(reportError).toHaveBeenCalledWith('Loading the training statistics', expect.objectContaining({ message: 'disk on fire' }));
  });
});

describe('compare store', () => {
  it('groups on load and pairs the first group against no feedback by default', async () => {
    const api = new FakeApi({ experiment: true });
    const store = createCompareStore(api, { reportError: vi.fn() });
    await store.getState().load();
    const { data, a, b, shown } = store.getState();
    expect(data!.groups.length).toBe(5);
    const nf = data!.groups.find((g) => g.settings.mode === 'no-feedback')!;
    expect(b).toBe(nf.key);
    expect(a).toBe(data!.groups[0]!.key);
    expect(shown).toEqual(data!.groups.map((g) => g.key));
    // The first call had no pair; the second asked for the default one.
    expect(api.callsOf('compareRuns')).toEqual([[], [{ a, b }]]);
    expect(data!.difference).toMatchObject({ a, b });
  });

  it('asks again when the pair changes, and starts afresh when a chosen group is gone', async () => {
    const api = new FakeApi({ experiment: true });
    const reportError = vi.fn();
    const store = createCompareStore(api, { reportError });
    await store.getState().load();
    const keys = store.getState().data!.groups.map((g) => g.key);
    store.getState().setPair(keys[2]!, keys[3]!);
    await flush();
    expect(api.callsOf('compareRuns').at(-1)).toEqual([{ a: keys[2], b: keys[3] }]);
    expect(store.getState().data!.difference).toMatchObject({ a: keys[2], b: keys[3] });
    store.setState({ a: 'gone', b: keys[3]! });
    await store.getState().load();
    expect(reportError).not.toHaveBeenCalled();
    expect(store.getState().a).not.toBe('gone');
    store.getState().toggleGroup(keys[0]!);
    expect(store.getState().shown).not.toContain(keys[0]);
  });

  it('has no default pair with fewer than two groups', () => {
    expect(defaultPair({ groups: [], differing: [], difference: null, excluded: [] }, null, null)).toEqual({ a: null, b: null });
  });
});

describe('experiment store', () => {
  it('loads the experiments, shows the biggest, and keeps a choice across reloads', async () => {
    const api = new FakeApi({ experiment: true });
    const store = createExperimentStore(api, { reportError: vi.fn() });
    await store.getState().load();
    expect(store.getState().list!.map((e) => e.preset)).toEqual(['quick']);
    expect(store.getState().selected).toBe('fake-quick');
    await store.getState().load();
    expect(store.getState().selected).toBe('fake-quick');
  });
});

describe('wiring', () => {
  it('defaults the training charts to the newest runs and reloads them when a shown run finishes training', async () => {
    const api = new FakeApi();
    const stores = createStores(api, { makeImageUrl: () => 'blob:x', revokeImageUrl: () => {} });
    const stop = startStores(stores);
    await flush();
    expect(stores.training.getState().runIds).toEqual(['run-b', 'run-a']);
    const before = api.callsOf('trainingSeries').length;
    dispatchEvent(stores, { type: 'stage', runId: 'run-a', round: 3, stage: 'train', phase: 'end' });
    dispatchEvent(stores, { type: 'stage', runId: 'run-a', round: 3, stage: 'train', phase: 'start' });
    dispatchEvent(stores, { type: 'stage', runId: 'other', round: 0, stage: 'train', phase: 'end' });
    await flush();
    expect(api.callsOf('trainingSeries').length).toBe(before + 1);
    stop();
  });

  it('loads comparison and experiments when their views open, and again when a run changes status', async () => {
    const api = new FakeApi({ experiment: true });
    const stores = createStores(api, { makeImageUrl: () => 'blob:x', revokeImageUrl: () => {} });
    applyRoute(stores, { view: 'compare' });
    applyRoute(stores, { view: 'experiment' });
    await flush();
    expect(stores.compare.getState().data).not.toBeNull();
    expect(stores.experiment.getState().list).not.toBeNull();
    const [c, e] = [api.callsOf('compareRuns').length, api.callsOf('experiments').length];
    applyRoute(stores, { view: 'compare' });
    await flush();
    expect(api.callsOf('compareRuns').length).toBe(c);
    dispatchEvent(stores, { type: 'run', runId: 'exp-static-0', status: 'completed' });
    await flush();
    expect(api.callsOf('compareRuns').length).toBeGreaterThan(c);
    expect(api.callsOf('experiments').length).toBe(e + 1);
  });
});
