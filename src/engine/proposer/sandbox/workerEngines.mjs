// @ts-check
/**
 * The engine thread's QuickJS: the wasm module (loaded once, replaced only when it breaks), engines (one
 * runtime + context each, locked down by the driver), the pool that keeps locked-down engines for the next
 * scene, and the open sandbox contexts, each a scene that holds an engine while it has one.
 */
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core';
import releaseSyncVariant from '@jitl/quickjs-wasmfile-release-sync';
import { vmDriver } from './vmDriver.mjs';
import { HOUSEKEEPING_MS, beginUnit, onTick, shouldInterrupt, wasInterrupted, withHousekeepingDeadline } from './workerDeadlines.mjs';
import { limits, messageOf } from './workerProtocol.mjs';

/**
 * @typedef {{ prelude: string, dataJson: string, engine: Engine | null }} ContextRecord
 * @typedef {import('quickjs-emscripten-core').QuickJSWASMModule} QuickJSWASMModule
 * @typedef {import('quickjs-emscripten-core').QuickJSHandle} QuickJSHandle
 */

/** Locked-down contexts kept for the next scene: lockdown is most of the cost of a fresh context. */
const POOL_SIZE = 2;

const DRIVER_SOURCE = `(${vmDriver.toString()})`;
const VM_LIMITS = JSON.stringify({
  timeLimitMs: limits.timeLimitMs,
  memoryLimitBytes: limits.memoryLimitBytes,
  stackLimitBytes: limits.stackLimitBytes,
  maxResultChars: limits.maxResultChars,
});

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

/**
 * The WebAssembly global, which the Node typings in use (@types/node 20) do not declare.
 * @type {{ Memory: new (descriptor: { initial: number, maximum: number }) => object }}
 */
const WebAssemblyGlobal = /** @type {any} */ (globalThis).WebAssembly;

/** @type {Promise<QuickJSWASMModule> | null} */
let modulePromise = null;
const loadModule = () =>
  (modulePromise ??= newQuickJSWASMModuleFromVariant(
    // Reserved whole up front so it never grows (growing replaces the heap views and stalls inside a program's
    // time); pages stay unresident until first touched.
    newVariant(/** @type {import('quickjs-emscripten-core').QuickJSSyncVariant} */ (/** @type {unknown} */ (releaseSyncVariant)), { wasmMemory: new WebAssemblyGlobal.Memory({ initial: MAX_PAGES, maximum: MAX_PAGES }) }),
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

/** Loads the module when the thread starts. */
export const startModule = async () => {
  QJ = await loadModule();
};

export const reloadModule = async () => {
  beginUnit(HOUSEKEEPING_MS, -1);
  moduleGeneration++;
  // Nothing from the broken module is disposed: its allocator may be corrupt, and the GC reclaims it whole.
  pool.length = 0;
  for (const rec of contexts.values()) rec.engine = null;
  modulePromise = null;
  QJ = await loadModule();
  poisoned = false;
};

/** The module can no longer be trusted: the request under way ends with a reload. */
export const markPoisoned = () => {
  poisoned = true;
};

export const isPoisoned = () => poisoned;

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
      const text = wasInterrupted() ? `it ran past its ${limits.openTimeLimitMs} ms limit` : this.errorText(r.error);
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
    const r = withHousekeepingDeadline(() => this.ctx.callFunction(/** @type {QuickJSHandle} */ (this.unloadFn), this.ctx.undefined));
    const ok = !r.error;
    (r.error ?? r.value).dispose();
    return ok;
  }

  /**
   * @param {{ blob: string, meta: string }} payload  see workerBatch.mjs › chunkPayload
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
      const aborted = { interrupted: wasInterrupted(), message: this.errorText(r.error) };
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

// ---- engines: pooled across scenes --------------------------------------------------------------------------
/** A locked-down engine of the current module, from the pool when it has one. */
const acquire = () => {
  while (pool.length > 0) {
    const e = /** @type {Engine} */ (pool.pop());
    if (e.generation === moduleGeneration) return e;
  }
  return new Engine(QJ);
};

/** @param {Engine} engine */
export const release = (engine) => {
  if (pool.length < POOL_SIZE && engine.unload()) pool.push(engine);
  else engine.dispose();
};

/** A fresh engine, bypassing the pool. */
export const newEngine = () => new Engine(QJ);

/** Keeps one engine ready off the host's critical path; throws what building it throws. */
export const fillPool = () => {
  if (pool.length === 0) pool.push(new Engine(QJ));
};

// ---- sandbox contexts: a scene each, with its engine while it has one --------------------------------------
/** @param {ContextRecord} rec */
export const recycle = (rec) => {
  rec.engine?.dispose();
  rec.engine = null;
};

/** @param {ContextRecord} rec */
export const ensureEngine = (rec) => {
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

/**
 * Opens a context and installs its scene at once, so a broken prelude fails the open request.
 * @param {number} id @param {string} prelude @param {string} dataJson
 */
export const openContext = (id, prelude, dataJson) => {
  /** @type {ContextRecord} */
  const rec = { prelude, dataJson, engine: null };
  contexts.set(id, rec);
  try {
    ensureEngine(rec);
  } catch (e) {
    contexts.delete(id);
    throw e;
  }
};

/** @param {number} id */
export const openedContext = (id) => {
  const rec = contexts.get(id);
  if (rec === undefined) throw new Error(`sandbox context ${id} is not open`);
  return rec;
};

/** @param {number} id */
export const closeContext = (id) => {
  const rec = contexts.get(id);
  contexts.delete(id);
  if (rec?.engine) release(rec.engine);
};
