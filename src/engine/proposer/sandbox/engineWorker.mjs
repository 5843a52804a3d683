// @ts-check
/**
 * The engine thread: a worker_threads Worker that owns QuickJS. Programs never run on the host thread because
 *   - QuickJS-in-wasm recurses on the *host* thread's native stack, and its own stack check only measures the
 *     wasm shadow stack; deeply nested source (`[[[[…`) overflows Node's ~1 MB main-thread stack long before
 *     QuickJS notices, which kills the whole wasm module. This thread gets a stack ≥ 64× the QuickJS limit;
 *   - some built-ins never poll the interrupt handler (`Array(2**32 - 1).includes(1)` runs for minutes), so
 *     the only reliable stop is terminating a thread, which the host's watchdog does.
 * Plain JavaScript so that Node starts it as is under vitest and tsx (a bundled build must ship it and
 * vmDriver.mjs beside the code that spawns it: CONTEXT.md › Packaging). Message shapes and the shared-memory
 * layout mirror protocol.ts.
 */
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core';
import releaseSyncVariant from '@jitl/quickjs-wasmfile-release-sync';
import { workerData } from 'node:worker_threads';
import { vmDriver } from './vmDriver.mjs';

// ---- protocol.ts, repeated --------------------------------------------------------------------------------
const REPLY = 0;
const PROGRESS = 1;
const FLOAT64_OFFSET = 8;
const DEADLINE = 0;
const STARTED = 1;

/**
 * @typedef {{ memoryLimitBytes: number, timeLimitMs: number, stackLimitBytes: number, maxResultChars: number, openTimeLimitMs: number }} EngineLimits
 * @typedef {string | { s: string, a: string }} WireProgram  source, or source and args as JSON text
 * @typedef {{ prelude: string, dataJson: string, engine: Engine | null }} ContextRecord
 * @typedef {import('quickjs-emscripten-core').QuickJSWASMModule} QuickJSWASMModule
 * @typedef {import('quickjs-emscripten-core').QuickJSHandle} QuickJSHandle
 */

/** @type {{ port: import('node:worker_threads').MessagePort, shared: SharedArrayBuffer, limits: EngineLimits }} */
const { port, shared, limits } = workerData;
const i32 = new Int32Array(shared, 0, 2);
const f64 = new Float64Array(shared, FLOAT64_OFFSET, 2);

/** Work outside programs (JSON, a fresh context) must finish within this, or the watchdog replaces the thread. */
const HOUSEKEEPING_MS = 5000;
// One VM call runs at most this many programs / characters of source, so strings crossing into QuickJS stay
// small next to its memory limit.
const CHUNK_PROGRAMS = 512;
const CHUNK_CHARS = 256 * 1024;
/** Locked-down contexts kept for the next scene: lockdown is most of the cost of a fresh context. */
const POOL_SIZE = 2;

const DRIVER_SOURCE = `(${vmDriver.toString()})`;
const VM_LIMITS = JSON.stringify({
  timeLimitMs: limits.timeLimitMs,
  memoryLimitBytes: limits.memoryLimitBytes,
  stackLimitBytes: limits.stackLimitBytes,
  maxResultChars: limits.maxResultChars,
});
const MEMORY_MESSAGE = `program exceeded its ${Math.round((limits.memoryLimitBytes / 1048576) * 10) / 10} MiB memory limit`;

// ---- deadlines ----------------------------------------------------------------------------------------------
let deadline = Infinity;
let interrupted = false;
/** Positions (in the request's list) of the programs in the VM call under way; tick n starts chunk[n]. */
/** @type {number[]} */
let chunk = [];
let ticks = 0;
const tickTimes = new Float64Array(CHUNK_PROGRAMS + 1);

/** Arms the interrupt deadline and tells the host's watchdog what we are doing and for how long. */
const beginUnit = (/** @type {number} */ ms, /** @type {number} */ position) => {
  const now = performance.now();
  deadline = now + ms;
  interrupted = false;
  Atomics.store(i32, PROGRESS, position);
  f64[STARTED] = performance.timeOrigin + now;
  f64[DEADLINE] = f64[STARTED] + ms;
  return now;
};

// The driver calls this as each program starts: one cheap host call instead of a message per program.
const onTick = () => {
  const position = chunk[ticks] ?? -1;
  tickTimes[Math.min(ticks, CHUNK_PROGRAMS)] = beginUnit(limits.timeLimitMs, position);
  ticks++;
};

const shouldInterrupt = () => {
  if (performance.now() <= deadline) return false;
  interrupted = true;
  return true;
};

// ---- QuickJS module: loaded once per thread, replaced only if it breaks ------------------------------------
/**
 * The module's whole linear memory is capped. QuickJS's own limit cannot be trusted here: built for wasm it
 * cannot measure allocation sizes (no malloc_usable_size), so it counts ~8 bytes per allocation and lets a
 * program grab 1 MiB strings or ArrayBuffers until wasm's 2 GiB ceiling. With a capped memory, malloc fails
 * and QuickJS throws a clean, catchable "out of memory" instead. The module itself needs 16 MiB (its stack
 * and data included); another 16 MiB holds the locked-down contexts (~1 MiB each) and scene data; the program
 * running gets the rest, i.e. about memoryLimitBytes.
 */
const WASM_PAGE = 65536;
const INITIAL_PAGES = 256;
const MAX_PAGES = Math.min(32768, Math.max(INITIAL_PAGES, Math.ceil((32 * 1048576 + limits.memoryLimitBytes) / WASM_PAGE)));

/** @type {Promise<QuickJSWASMModule> | null} */
let modulePromise = null;
const loadModule = () =>
  (modulePromise ??= newQuickJSWASMModuleFromVariant(
    // Reserved whole up front so it never grows (growing replaces the heap views and stalls inside a program's
    // time); pages stay unresident until first touched.
    newVariant(/** @type {import('quickjs-emscripten-core').QuickJSSyncVariant} */ (/** @type {unknown} */ (releaseSyncVariant)), { wasmMemory: new WebAssembly.Memory({ initial: MAX_PAGES, maximum: MAX_PAGES }) }),
  ));
/** @type {QuickJSWASMModule} */
let QJ;
let moduleGeneration = 0;
/** A host-level exception escaped QuickJS (native stack exhausted, wasm trap): its state can no longer be trusted. */
let poisoned = false;

/** @type {Map<number, ContextRecord>} */
const contexts = new Map();
/** @type {Engine[]} */
const pool = [];

const reloadModule = async () => {
  beginUnit(HOUSEKEEPING_MS, -1);
  moduleGeneration++;
  // Nothing from the broken module is disposed: its allocator may be corrupt, and the GC reclaims it whole.
  pool.length = 0;
  for (const rec of contexts.values()) rec.engine = null;
  modulePromise = null;
  QJ = await loadModule();
  poisoned = false;
};

/** @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : String(e));

// ---- one QuickJS runtime + context with the driver installed ------------------------------------------------
class Engine {
  /** @param {QuickJSWASMModule} qj */
  constructor(qj) {
    this.generation = moduleGeneration;
    this.rt = qj.newRuntime();
    this.rt.setMemoryLimit(limits.memoryLimitBytes);
    this.rt.setMaxStackSize(limits.stackLimitBytes);
    this.rt.setInterruptHandler(shouldInterrupt);
    this.ctx = this.rt.newContext();
    /** @type {QuickJSHandle | null} */
    this.preludeFn = null;
    /** @type {string | null} */
    this.preludeSource = null;
    const ctx = this.ctx;
    beginUnit(limits.openTimeLimitMs, -1);
    /** @type {QuickJSHandle[]} */
    const temporary = [];
    try {
      const factory = ctx.unwrapResult(ctx.evalCode(DRIVER_SOURCE, 'sandbox-driver.js', { type: 'global', strict: true }));
      temporary.push(factory);
      const tick = ctx.newFunction('tick', onTick);
      temporary.push(tick);
      fastTick(ctx);
      const vmLimits = ctx.newString(VM_LIMITS);
      temporary.push(vmLimits);
      const driver = ctx.unwrapResult(ctx.callFunction(factory, ctx.undefined, tick, vmLimits));
      temporary.push(driver);
      this.loadFn = ctx.getProp(driver, 'load');
      this.unloadFn = ctx.getProp(driver, 'unload');
      this.batchFn = ctx.getProp(driver, 'batch');
    } catch (e) {
      for (const h of temporary) h.dispose();
      this.ctx.dispose();
      this.rt.dispose();
      throw new Error(`the sandbox could not lock down a QuickJS context: ${messageOf(e)}`);
    }
    for (const h of temporary) h.dispose();
  }

  /**
   * @param {QuickJSHandle} handle
   * @returns {string}
   */
  errorText(handle) {
    try {
      const e = this.ctx.dump(handle);
      if (e && typeof e === 'object' && typeof e.message === 'string') {
        const line = typeof e.stack === 'string' ? /scene-api\.js:(\d+)/.exec(e.stack) : null;
        return `${typeof e.name === 'string' ? e.name : 'Error'}: ${e.message}${line ? ` (line ${Number(line[1]) - 1})` : ''}`;
      }
      return String(e);
    } catch {
      return 'an error that cannot be read';
    }
  }

  /**
   * Installs a scene. `discard` says the context may be damaged (interrupted, out of memory).
   * @param {string} prelude @param {string} dataJson
   * @returns {{ message: string, discard: boolean }}
   */
  load(prelude, dataJson) {
    const ctx = this.ctx;
    beginUnit(limits.openTimeLimitMs, -1);
    if (this.preludeSource !== prelude) {
      this.preludeFn?.dispose();
      this.preludeFn = null;
      this.preludeSource = null;
      // The prelude is trusted, so compiling it by concatenation is fine; its own file name tells its stack
      // frames apart from a program's.
      const r = ctx.evalCode(`(function (data) {"use strict";\n${prelude}\n})`, 'scene-api.js', { type: 'global' });
      if (r.error) {
        const text = this.errorText(r.error);
        r.error.dispose();
        return { message: `the scene-API prelude does not compile: ${text}`, discard: false };
      }
      this.preludeFn = r.value;
      this.preludeSource = prelude;
    }
    const data = ctx.newString(dataJson);
    const r = ctx.callFunction(/** @type {QuickJSHandle} */ (this.loadFn), ctx.undefined, /** @type {QuickJSHandle} */ (this.preludeFn), data);
    data.dispose();
    if (r.error) {
      const text = interrupted ? `it ran past its ${limits.openTimeLimitMs} ms limit` : this.errorText(r.error);
      r.error.dispose();
      return { message: `the scene-API prelude failed: ${text}`, discard: true };
    }
    const message = ctx.getString(r.value);
    r.value.dispose();
    return { message: message === '' ? '' : `the scene-API prelude failed: ${message}`, discard: message.includes('memory limit') };
  }

  /** Drops the scene so the context can serve another one. False when the context should be discarded instead. */
  unload() {
    if (this.generation !== moduleGeneration || this.rt.hasPendingJob()) return false;
    const saved = deadline;
    deadline = performance.now() + HOUSEKEEPING_MS;
    const r = this.ctx.callFunction(/** @type {QuickJSHandle} */ (this.unloadFn), this.ctx.undefined);
    deadline = saved;
    const ok = !r.error;
    (r.error ?? r.value).dispose();
    return ok;
  }

  /**
   * @param {{ blob: string, meta: string }} payload  see chunkPayload
   * @returns {{ text: string } | { aborted: { interrupted: boolean, message: string } }}
   */
  runChunk(payload) {
    const ctx = this.ctx;
    const blob = ctx.newString(payload.blob);
    const meta = ctx.newString(payload.meta);
    const r = ctx.callFunction(/** @type {QuickJSHandle} */ (this.batchFn), ctx.undefined, blob, meta);
    blob.dispose();
    meta.dispose();
    if (r.error) {
      const aborted = { interrupted, message: this.errorText(r.error) };
      r.error.dispose();
      return { aborted };
    }
    const text = ctx.getString(r.value);
    r.value.dispose();
    return { text };
  }

  dispose() {
    if (this.generation !== moduleGeneration) return;
    try {
      for (const h of [this.preludeFn, this.loadFn, this.unloadFn, this.batchFn]) h?.dispose();
      this.ctx.dispose();
      this.rt.dispose();
    } catch {
      poisoned = true;
    }
  }
}

/**
 * quickjs-emscripten routes every host-function call through a generator-based wrapper that costs ~18 µs; the
 * tick is the only host function in our contexts, so it is dispatched directly (~0.3 µs). This reaches into a
 * private field of quickjs-emscripten-core (pinned at 0.32.0) and checks itself: if the shape differs or the
 * shortcut does not reach `onTick`, the original path stays and only speed is lost.
 * @param {import('quickjs-emscripten-core').QuickJSContext} ctx
 */
const fastTick = (ctx) => {
  const callbacks = /** @type {{ cToHostCallbacks?: { callFunction?: Function } }} */ (/** @type {unknown} */ (ctx)).cToHostCallbacks;
  const original = callbacks?.callFunction;
  if (!callbacks || typeof original !== 'function') return;
  let calls = 0;
  callbacks.callFunction = () => {
    calls++;
    return 0;
  };
  const probe = ctx.evalCode('(t) => { t(); return 1; }', 'sandbox-probe.js', { type: 'global', strict: true });
  if (!probe.error) {
    const fn = ctx.newFunction('probe', () => undefined);
    const r = ctx.callFunction(probe.value, ctx.undefined, fn);
    (r.error ?? r.value).dispose();
    fn.dispose();
  }
  (probe.error ?? probe.value).dispose();
  callbacks.callFunction =
    calls === 1
      ? () => {
          onTick();
          return 0;
        }
      : original;
};

const acquire = () => {
  while (pool.length > 0) {
    const e = /** @type {Engine} */ (pool.pop());
    if (e.generation === moduleGeneration) return e;
  }
  return new Engine(QJ);
};

/** @param {Engine} engine */
const release = (engine) => {
  if (pool.length < POOL_SIZE && engine.unload()) pool.push(engine);
  else engine.dispose();
};

/** @param {ContextRecord} rec */
const recycle = (rec) => {
  rec.engine?.dispose();
  rec.engine = null;
};

/** @param {ContextRecord} rec */
const ensureEngine = (rec) => {
  if (rec.engine !== null && rec.engine.generation === moduleGeneration) return rec.engine;
  const engine = acquire();
  /** @type {{ message: string, discard: boolean }} */
  let loaded;
  try {
    loaded = engine.load(rec.prelude, rec.dataJson);
  } catch (e) {
    poisoned = true;
    throw new Error(`the QuickJS engine crashed while loading the scene API: ${messageOf(e)}`);
  }
  if (loaded.message !== '') {
    if (loaded.discard) engine.dispose();
    else release(engine);
    throw new Error(loaded.message);
  }
  rec.engine = engine;
  return engine;
};

// ---- running a list of programs, surviving whatever they do ---------------------------------------------
/** A row as the driver writes it (vmDriver.mjs › batch), for failures decided here. */
const failureRow = (/** @type {string} */ kind, /** @type {string} */ message) => JSON.stringify([0, kind, message, null]);

/**
 * The chunk as the driver reads it (vmDriver.mjs › batch): distinct sources back to back, and a small JSON
 * with their lengths and, per program, its source's index and its args (JSON text, spliced in as is).
 * @param {WireProgram[]} programs @param {number[]} positions
 */
const chunkPayload = (programs, positions) => {
  /** @type {Map<string, number>} */
  const index = new Map();
  /** @type {string[]} */
  const sources = [];
  let entries = '';
  for (let j = 0; j < positions.length; j++) {
    const p = /** @type {WireProgram} */ (programs[/** @type {number} */ (positions[j])]);
    const source = typeof p === 'string' ? p : p.s;
    let k = index.get(source);
    if (k === undefined) {
      k = sources.length;
      index.set(source, k);
      sources.push(source);
    }
    entries += `${j > 0 ? ',' : ''}[${k}${typeof p === 'string' ? '' : `,${p.a}`}]`;
  }
  return { blob: sources.join(''), meta: `[[${sources.map((s) => s.length).join(',')}],[${entries}]]` };
};

/**
 * Rows and times come back unparsed: the host parses the joined rows once, with V8's JSON.parse.
 * @param {ContextRecord} rec @param {WireProgram[]} programs
 * @returns {Promise<{ text: string, ms: Float64Array }>}
 */
const runBatch = async (rec, programs) => {
  /** @type {(string | null)[]} */
  const rows = programs.map(() => null);
  const ms = new Float64Array(programs.length);
  let todo = programs.map((_, i) => i);
  while (todo.length > 0) {
    const engine = ensureEngine(rec);
    /** @type {number[]} */
    const positions = [];
    let chars = 0;
    for (const p of todo) {
      const program = /** @type {WireProgram} */ (programs[p]);
      const size = typeof program === 'string' ? program.length : program.s.length + program.a.length;
      if (positions.length === CHUNK_PROGRAMS || (positions.length > 0 && chars + size > CHUNK_CHARS)) break;
      positions.push(p);
      chars += size;
    }
    chunk = positions;
    ticks = 0;
    beginUnit(HOUSEKEEPING_MS, -1);
    /** @type {{ text: string } | { aborted: { interrupted: boolean, message: string } }} */
    let result;
    try {
      result = engine.runChunk(chunkPayload(programs, positions));
    } catch (e) {
      // Not a JS exception inside QuickJS but one that unwound through the wasm (host stack exhausted, trap).
      const at = ticks - 1;
      if (at < 0) {
        poisoned = true;
        throw new Error(`the QuickJS engine failed outside any program: ${messageOf(e)}`);
      }
      const culprit = /** @type {number} */ (positions[at]);
      rows[culprit] = failureRow('memory', "program exhausted the engine's native stack (recursion or nesting too deep); the engine was restarted");
      ms[culprit] = performance.now() - /** @type {number} */ (tickTimes[at]);
      await reloadModule();
      todo = todo.filter((p) => rows[p] === null);
      continue;
    }
    const end = performance.now();
    if ('text' in result) {
      const got = result.text.split('\n');
      if (result.text === '' || got.length > positions.length) throw new Error('the sandbox driver answered a malformed batch');
      for (let j = 0; j < got.length; j++) {
        const p = /** @type {number} */ (positions[j]);
        rows[p] = /** @type {string} */ (got[j]);
        ms[p] = (j + 1 < ticks ? /** @type {number} */ (tickTimes[j + 1]) : end) - /** @type {number} */ (tickTimes[j]);
      }
      // Out of memory or stack: the context may be left half-updated; the driver stopped here for a fresh one.
      if (/** @type {string} */ (got[got.length - 1]).startsWith('[0,"memory"')) recycle(rec);
    } else {
      const at = ticks - 1;
      if (at < 0) {
        recycle(rec);
        throw new Error(`the sandbox driver failed before running a program: ${result.aborted.message}`);
      }
      const culprit = /** @type {number} */ (positions[at]);
      const { interrupted: late, message } = result.aborted;
      rows[culprit] = late
        ? failureRow('timeout', `program exceeded its ${limits.timeLimitMs} ms time limit`)
        : message.includes('out of memory')
          ? failureRow('memory', MEMORY_MESSAGE)
          : failureRow('runtime', `the sandbox stopped the program: ${message}`);
      ms[culprit] = end - /** @type {number} */ (tickTimes[at]);
      // An interrupted prelude call may have left the scene API's private state half-updated.
      recycle(rec);
    }
    todo = todo.filter((p) => rows[p] === null);
  }
  return { text: `[${rows.join(',')}]`, ms };
};

// ---- requests -----------------------------------------------------------------------------------------------
/** @param {any} msg */
const handle = async (msg) => {
  const t0 = performance.now();
  switch (msg.op) {
    case 'open': {
      /** @type {ContextRecord} */
      const rec = { prelude: msg.prelude, dataJson: msg.dataJson, engine: null };
      contexts.set(msg.id, rec);
      try {
        ensureEngine(rec);
      } catch (e) {
        contexts.delete(msg.id);
        throw e;
      }
      return { ok: true, ms: performance.now() - t0 };
    }
    case 'batch': {
      const rec = contexts.get(msg.id);
      if (rec === undefined) throw new Error(`sandbox context ${msg.id} is not open`);
      const { text, ms } = await runBatch(rec, msg.programs);
      return { ok: true, ms: performance.now() - t0, rows: text, times: ms };
    }
    case 'close': {
      const rec = contexts.get(msg.id);
      contexts.delete(msg.id);
      if (rec?.engine) release(rec.engine);
      return { ok: true, ms: performance.now() - t0 };
    }
    case 'ping':
      return { ok: true, ms: 0 };
    default:
      throw new Error(`unknown sandbox request ${String(msg.op)}`);
  }
};

const signal = () => {
  Atomics.store(i32, REPLY, 1);
  Atomics.notify(i32, REPLY);
};

/** @param {any} msg */
const serve = async (msg) => {
  let reply;
  try {
    reply = await handle(msg);
  } catch (e) {
    reply = { ok: false, error: messageOf(e) };
  }
  if (poisoned) {
    try {
      await reloadModule();
    } catch (e) {
      reply = { ok: false, error: `the QuickJS engine could not be restarted: ${messageOf(e)}` };
    }
  }
  if (msg.reply) {
    port.postMessage(reply);
    signal();
  }
  // Off the host's critical path: the next scene (or the next context after a timeout) finds one ready.
  if (pool.length === 0) {
    try {
      pool.push(new Engine(QJ));
    } catch {
      // The next request builds its own and reports what fails.
    }
  }
};

/**
 * V8 compiles wasm functions lazily: the first scene and the first programs would pay ~200 ms for it. Doing it
 * here moves that cost into `createSandbox`.
 */
const warmUp = () => {
  const engine = new Engine(QJ);
  const loaded = engine.load('return { n: data.n, get(k) { return data.items[k]; } };', '{"n":2,"items":[{"a":[1,2]},{"b":"x"}]}');
  if (loaded.message !== '') throw new Error(loaded.message);
  const samples = ['return scene.get(0)', 'return [scene.n, scene.get(1).b, 1.5]', 'null.x', 'throw 1', 'return (', 'return () => 1', 'return new Map()'];
  for (let round = 0; round < 20; round++) {
    chunk = samples.map((_, i) => i);
    ticks = 0;
    engine.runChunk(chunkPayload(samples, chunk));
  }
  release(engine);
};

try {
  QJ = await loadModule();
  warmUp();
  if (pool.length === 0) pool.push(new Engine(QJ));
  port.postMessage({ type: 'ready' });
} catch (e) {
  port.postMessage({ type: 'failed', message: messageOf(e) });
}
signal();

// Requests are served strictly in order, even across the awaits of a module reload.
let queue = Promise.resolve();
port.on('message', (msg) => {
  queue = queue.then(() => serve(msg));
});
