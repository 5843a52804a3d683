/**
 * Server-side rendering of views against the fake API, as the view tests do it: stores over a FakeApi, started
 * and settled, then rendered with their current state.
 */
import type { ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { App } from '../../src/renderer/src/App.js';
import { StoresContext } from '../../src/renderer/src/context.js';
import { createStores, startStores, type Stores } from '../../src/renderer/src/state/stores.js';
import { FakeApi, flush } from './fakeApi.js';

/** Stores over `api`, started, once their first loads have settled. */
export async function startedStores(api = new FakeApi()): Promise<{ api: FakeApi; stores: Stores; stop(): void }> {
  const stores = createStores(api, { makeImageUrl: () => 'blob:frame', revokeImageUrl: () => {} });
  const stop = startStores(stores);
  await flush(20);
  return { api, stores, stop };
}

/** zustand renders a store's initial state on the server; show the current state instead. */
function live<T extends { getState(): unknown; getInitialState(): unknown }>(store: T): T {
  return { ...store, getInitialState: () => store.getState() };
}

/** `node` (the whole app by default) rendered to HTML with every store's current state. */
export function renderLive(stores: Stores, node: ReactNode = <App />): string {
  const now: Stores = { ...stores, app: live(stores.app), runs: live(stores.runs), qa: live(stores.qa), scene: live(stores.scene), heatmap: live(stores.heatmap), curves: live(stores.curves) };
  return renderToString(<StoresContext.Provider value={now}>{node}</StoresContext.Provider>);
}
