/**
 * The renderer mounted on the in-memory FakeApi, for browser checks without an engine host
 * (`node test/renderer/harness/smoke.mjs`, test/helpers/rendererHarness.ts). `window.__fake` exposes the fake
 * to emit events. Query: `qa=N` QA rows per run, `empty` no runs, `points=N` a room-shaped cloud of N points
 * in synthetic:s1, `colour=r,g,b` every point that colour.
 */
import { mountApp } from '../../../src/renderer/src/mountApp.js';
import { FakeApi, type FakeOptions } from '../fakeApi.js';

declare global {
  interface Window {
    __fake?: FakeApi;
  }
}

const params = new URLSearchParams(window.location.search);
const opts: FakeOptions = { qaPerRun: Number(params.get('qa') ?? 3000), empty: params.has('empty'), runs: Number(params.get('runs') ?? 2) };
const points = Number(params.get('points'));
if (Number.isInteger(points) && points > 0) opts.points = points;
const colour = (params.get('colour') ?? '').split(',').map(Number);
if (colour.length === 3 && colour.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)) opts.pointColor = [colour[0]!, colour[1]!, colour[2]!];
const api = new FakeApi(opts);
window.__fake = api;
mountApp(api, document.getElementById('root')!);
