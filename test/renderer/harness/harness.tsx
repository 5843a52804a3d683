/**
 * The renderer mounted on the in-memory FakeApi, for browser checks without an engine host
 * (`node test/renderer/harness/smoke.mjs`). `window.__fake` exposes the fake to emit events.
 */
import { mountApp } from '../../../src/renderer/src/mountApp.js';
import { FakeApi } from '../fakeApi.js';

declare global {
  interface Window {
    __fake?: FakeApi;
  }
}

const params = new URLSearchParams(window.location.search);
const api = new FakeApi({ qaPerRun: Number(params.get('qa') ?? 3000), empty: params.has('empty'), runs: Number(params.get('runs') ?? 2) });
window.__fake = api;
mountApp(api, document.getElementById('root')!);
