/**
 * The thread that reads and synthesises a run's scenes ahead (scenesAhead.ts): `loadRunScenes` for the settings
 * it is given, its answer posted once, the point clouds' buffers moved rather than copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError, InputError } from '../../shared/errors.js';
import { loadRunScenes, type SceneSources } from './runScenes.js';
import type { ScenesReply } from './scenesAhead.js';

const { sources } = workerData as { entry: string; sources: SceneSources };
let reply: ScenesReply;
let transfer: ArrayBuffer[] = [];
try {
  const t0 = performance.now();
  const { scenes, split } = loadRunScenes(sources);
  reply = { ok: true, scenes, split, ms: performance.now() - t0 };
  transfer = [...new Set(scenes.flatMap((s) => (s.points ? Object.values(s.points).filter((v): v is Float32Array | Uint8Array => ArrayBuffer.isView(v)).map((v) => v.buffer as ArrayBuffer) : [])))];
} catch (e) {
  reply = e instanceof InputError ? { ok: false, problems: e.problems } : { ok: false, message: describeError(e) };
}
parentPort!.postMessage(reply, transfer);
