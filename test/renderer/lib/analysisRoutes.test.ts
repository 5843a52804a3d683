/** Training and Compare in the address (issue 14): their runs / groups and drawing survive a copied link and Back. */
import { describe, expect, it } from 'vitest';
import { formatRoute, parseHash, type Route } from '../../../src/renderer/src/lib/route.js';
import { createStores, startStores } from '../../../src/renderer/src/state/stores.js';
import { FakeApi, flush } from '../fakeApi.js';

describe('training and compare routes', () => {
  it('parse and format their state, defaults left out, bad values dropped', () => {
    expect(parseHash('#/training?runs=a,b%2Cc&x=round&log=1&smooth=0.8&layout=per-run')).toEqual({
      view: 'training',
      state: { runIds: ['a', 'b,c'], axis: 'round', logX: true, smoothing: 0.8, layout: 'per-run' },
    });
    expect(parseHash('#/training?runs=a&x=weeks&smooth=7&layout=grid')).toEqual({ view: 'training', state: { runIds: ['a'], axis: 'step', logX: false, smoothing: 0.99, layout: 'overlay' } });
    expect(parseHash('#/training')).toEqual({ view: 'training' });
    expect(formatRoute({ view: 'training', state: { runIds: ['a', 'b'], axis: 'step', logX: false, smoothing: 0.6, layout: 'overlay' } })).toBe('#/training?runs=a,b');
    expect(formatRoute({ view: 'training', state: { runIds: [], axis: 'time', logX: true, smoothing: 0, layout: 'per-run' } })).toBe('#/training?runs=&x=time&log=1&smooth=0&layout=per-run');
    expect(parseHash('#/compare?groups=k1,k2&a=k1&b=k2&x=samples')).toEqual({ view: 'compare', state: { shown: ['k1', 'k2'], a: 'k1', b: 'k2', axis: 'samples' } });
    // A pair of one group with itself is no pair.
    expect(parseHash('#/compare?groups=k1&a=k1&b=k1')).toEqual({ view: 'compare', state: { shown: ['k1'], a: null, b: null, axis: 'round' } });
    expect(formatRoute({ view: 'compare', state: { shown: ['k1'], a: 'k1', b: 'k2', axis: 'round' } })).toBe('#/compare?groups=k1&a=k1&b=k2');
    for (const hash of ['#/training?runs=a,b&x=round', '#/compare?groups=k1,k2&a=k2&b=k1&x=samples']) expect(formatRoute(parseHash(hash))).toBe(hash);
  });

  it('an address with training runs opens exactly them (not the default newest four), and the address follows changes', async () => {
    const api = new FakeApi({ runs: 6, qaPerRun: 12 });
    const initialRoute = parseHash('#/training?runs=run-a&layout=per-run');
    const stores = createStores(api, { initialRoute, makeImageUrl: () => 'blob:x', revokeImageUrl: () => {} });
    const stop = startStores(stores);
    await flush(20);
    expect(stores.training.getState().runIds).toEqual(['run-a']);
    expect(stores.training.getState().layout).toBe('per-run');
    expect(api.callsOf('trainingSeries').at(-1)![0]).toMatchObject({ runIds: ['run-a'] });
    stores.training.getState().toggleRun('run-c');
    stores.training.getState().setLogX(true);
    expect(formatRoute(stores.app.getState().route)).toBe('#/training?runs=run-a,run-c&log=1&layout=per-run');
    stop();
  });

  it('compare: the address names the shown groups and the pair once the groups are in', async () => {
    const api = new FakeApi({ experiment: true });
    const stores = createStores(api, { makeImageUrl: () => 'blob:x', revokeImageUrl: () => {} });
    const stop = startStores(stores);
    stores.app.getState().navigate({ view: 'compare' });
    await flush(30);
    const { data, shown, a, b } = stores.compare.getState();
    expect(data!.groups.length).toBeGreaterThan(1);
    const route = stores.app.getState().route as Extract<Route, { view: 'compare' }>;
    expect(route.state).toEqual({ shown, a, b, axis: 'round' });
    // A link naming one group and the reversed pair opens that.
    const [k1, k2] = data!.groups.map((g) => g.key) as [string, string];
    const e = encodeURIComponent;
    stores.app.getState().navigate(parseHash(`#/compare?groups=${e(k2)}&a=${e(k2)}&b=${e(k1)}&x=samples`));
    await flush(30);
    expect(stores.compare.getState()).toMatchObject({ shown: [k2], a: k2, b: k1, axis: 'samples' });
    expect(api.callsOf('compareRuns').at(-1)![0]).toEqual({ a: k2, b: k1 });
    stop();
  });
});
