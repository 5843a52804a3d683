// @ts-check
/**
 * The engine thread: a worker_threads Worker that owns QuickJS. Programs never run on the host thread because
 *   - QuickJS-in-wasm recurses on the *host* thread's native stack, and its own stack check only measures the
 *     wasm shadow stack; deeply nested source (`[[[[…`) overflows Node's ~1 MB main-thread stack long before
 *     QuickJS notices, which kills the whole wasm module. This thread gets a stack ≥ 64× the QuickJS limit;
 *   - some built-ins never poll the interrupt handler (`Array(2**32 - 1).includes(1)` runs for minutes), so
 *     the only reliable stop is terminating a thread, which the host's watchdog does.
 * Plain JavaScript so that Node starts it as is under vitest and tsx (a bundled build must ship every .mjs
 * file of this folder beside the code that spawns it: CONTEXT.md › Packaging).
 *
 * This file starts the thread and serves the host's requests, one at a time; the rest is split by job:
 * workerProtocol.mjs (protocol.ts's side here), workerDeadlines.mjs (deadlines and the watchdog's shared
 * memory), workerEngines.mjs (the QuickJS module, engines, pool, contexts), workerBatch.mjs (running programs).
 */
import { chunkPayload, runBatch } from './workerBatch.mjs';
import { startChunk } from './workerDeadlines.mjs';
import { closeContext, fillPool, isPoisoned, newEngine, openContext, openedContext, release, reloadModule, startModule } from './workerEngines.mjs';
import { answer, messageOf, port } from './workerProtocol.mjs';

/**
 * @typedef {import('./protocol.js').EngineRequest} EngineRequest
 * @typedef {import('./protocol.js').EngineReply} EngineReply
 */

/**
 * Why an open sent without a reply failed, by context id: the batch the host sent right behind it answers with
 * this, as the open itself would have.
 * @type {Map<number, string>}
 */
const failedOpens = new Map();

/**
 * @param {EngineRequest} msg
 * @returns {Promise<EngineReply>}
 */
const handle = async (msg) => {
  const t0 = performance.now();
  switch (msg.op) {
    case 'open':
      try {
        openContext(msg.id, msg.prelude, msg.dataJson);
      } catch (e) {
        if (msg.reply) throw e;
        failedOpens.set(msg.id, messageOf(e));
      }
      return { ok: true, ms: performance.now() - t0 };
    case 'batch': {
      const failed = failedOpens.get(msg.id);
      if (failed !== undefined) {
        failedOpens.delete(msg.id);
        throw new Error(failed);
      }
      const rec = openedContext(msg.id);
      const { text, ms } = await runBatch(rec, msg.programs);
      return { ok: true, ms: performance.now() - t0, rows: text, times: ms };
    }
    case 'close':
      failedOpens.delete(msg.id);
      closeContext(msg.id);
      return { ok: true, ms: performance.now() - t0 };
    case 'ping':
      return { ok: true, ms: 0 };
    default:
      throw new Error(`unknown sandbox request ${String(/** @type {{ op?: unknown }} */ (msg).op)}`);
  }
};

/** @param {EngineRequest} msg */
const serve = async (msg) => {
  /** @type {EngineReply} */
  let reply;
  try {
    reply = await handle(msg);
  } catch (e) {
    reply = { ok: false, error: messageOf(e) };
  }
  if (isPoisoned()) {
    try {
      await reloadModule();
    } catch (e) {
      reply = { ok: false, error: `the QuickJS engine could not be restarted: ${messageOf(e)}` };
    }
  }
  if (msg.reply) answer(reply);
  // Off the host's critical path: the next scene (or the next context after a timeout) finds one ready.
  try {
    fillPool();
  } catch {
    // The next request builds its own and reports what fails.
  }
};

/**
 * V8 compiles wasm functions lazily: the first scene and the first programs would pay ~200 ms for it. Doing it
 * here moves that cost into `createSandbox`.
 */
const warmUp = () => {
  const engine = newEngine();
  const loaded = engine.load('return { n: data.n, get(k) { return data.items[k]; } };', '{"n":2,"items":[{"a":[1,2]},{"b":"x"}]}');
  if (loaded.message !== '') throw new Error(loaded.message);
  const samples = ['return scene.get(0)', 'return [scene.n, scene.get(1).b, 1.5]', 'null.x', 'throw 1', 'return (', 'return () => 1', 'return new Map()'];
  for (let round = 0; round < 20; round++) {
    const positions = samples.map((_, i) => i);
    startChunk(positions);
    engine.runChunk(chunkPayload(samples, positions));
  }
  release(engine);
};

try {
  await startModule();
  warmUp();
  fillPool();
  answer({ type: 'ready' });
} catch (e) {
  answer({ type: 'failed', message: messageOf(e) });
}

// Requests are served strictly in order, even across the awaits of a module reload.
let queue = Promise.resolve();
port.on('message', (/** @type {EngineRequest} */ msg) => {
  queue = queue.then(() => serve(msg));
});
