/**
 * Loading a run's scenes ahead: `loadRunScenes` (reading the sources, synthesising point clouds and walkthroughs)
 * on a worker thread while this thread does something else first — the CLI's main job imports or checks the base
 * model meanwhile (cli/loop.ts), which keeps one core busy and leaves the other free. `startLoop` takes the result
 * (`LoopOptions.scenesAhead`) when it was loaded for the run's own sources, else loads them itself; what it saves
 * is the same either way (each scene derives its seeds from the data seed and its name).
 */
import { Worker } from 'node:worker_threads';
import { InputError, type InputProblem } from '../../shared/errors.js';
import type { RunSceneEntry } from '../../shared/records.js';
import type { Scene } from '../../shared/scene.js';
import type { SceneSources } from './runScenes.js';
import { workerEntry } from './workers.js';

/** What the scenes worker posts back. */
export type ScenesReply = { ok: true; scenes: Scene[]; split: RunSceneEntry[]; ms: number } | { ok: false; problems: InputProblem[] } | { ok: false; message: string };

export interface ScenesAhead {
  sources: SceneSources;
  /**
   * The scenes, the split and the worker's time for them (ms); rejects with the InputError `loadRunScenes` would have thrown (a bad source), or with
   * why the worker could not load them (then `startLoop` loads them itself, and says so).
   */
  result: Promise<{ scenes: Scene[]; split: RunSceneEntry[]; ms: number }>;
}

export const sourcesOf = (c: SceneSources): SceneSources => ({ scenes: [...c.scenes], heldoutScenes: [...c.heldoutScenes], heldoutFraction: c.heldoutFraction, dataSeed: c.dataSeed });

export const sameSources = (a: SceneSources, b: SceneSources): boolean => JSON.stringify(sourcesOf(a)) === JSON.stringify(sourcesOf(b));

/** Starts loading the scenes `config` names on a worker thread. */
export function loadRunScenesAhead(config: SceneSources): ScenesAhead {
  const sources = sourcesOf(config);
  const result = new Promise<{ scenes: Scene[]; split: RunSceneEntry[]; ms: number }>((resolve, reject) => {
    const at = workerEntry(new URL('./scenesWorker.ts', import.meta.url), new URL('./scenesWorker.js', import.meta.url));
    if (!at) {
      reject(new Error('the scenes worker is not beside the loop in this build'));
      return;
    }
    const worker = new Worker(at.url, { workerData: { entry: at.entry, sources } });
    let settled = false;
    worker.once('message', (m: ScenesReply) => {
      settled = true;
      if (m.ok) resolve({ scenes: m.scenes, split: m.split, ms: m.ms });
      else reject('problems' in m ? new InputError(m.problems) : new Error(`the scenes worker failed: ${m.message}`));
      void worker.terminate();
    });
    worker.once('error', (e) => {
      if (!settled) reject(new Error(`the scenes worker failed: ${e.message}`));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the scenes worker exited (code ${code}) before it answered`));
    });
  });
  // Taken by startLoop, or dropped by a caller that stopped first: never an unhandled rejection.
  result.catch(() => undefined);
  return { sources, result };
}
