// @ts-check
/**
 * Trusted code that runs INSIDE QuickJS, never in Node: the engine thread evaluates `vmDriver.toString()` once
 * per QuickJS context. That is why this function must stay self-contained (no imports, no outer variables)
 * and why it is plain JavaScript: bundlers and test transformers never touch what QuickJS parses.
 *
 * What it does, in order:
 *   1. captures the intrinsics it needs, before anything untrusted can run;
 *   2. tames what would make programs nondeterministic or able to compile code (Math.random, Date, eval,
 *      the Function constructors, WeakRef, FinalizationRegistry);
 *   3. freezes every intrinsic and the global object (an SES-style lockdown), so a program can neither
 *      pollute prototypes for the next program nor leave globals behind;
 *   4. returns the driver the engine thread calls: `load` a scene (prelude + data), `batch` run programs.
 *
 * Contracts (CONTEXT.md beside this file has the full text):
 *   - the prelude is the body of `function (data) { …; return api; }`, compiled by the engine thread;
 *   - a program is the body of `function (scene) { 'use strict'; …; return answer; }` — or of
 *     `function (scene, args)` when it comes with JSON args — `scene` being the prelude's frozen return value;
 *   - `batch` answers one row of JSON per program run, rows separated by "\n" (JSON text never contains a raw
 *     newline, so the engine thread can split rows without parsing them):
 *       [1, value]                        the program returned a JSON value
 *       [0, kind, message, line|null]     it failed; kind is a FailureKind
 *     It may stop early (after a 'memory' failure, which asks the host for a fresh context, or when the
 *     answers already exceed the per-call budget); the host resubmits the rest.
 *
 * @param {() => void} tick  host callback: "a program starts now" — restarts the per-program deadline
 * @param {string} limitsJson  {timeLimitMs, memoryLimitBytes, stackLimitBytes, maxResultChars}
 */
export function vmDriver(tick, limitsJson) {
  'use strict';

  // ---- 1. intrinsics the driver relies on, captured before any untrusted code runs -------------------------
  const G = /** @type {Record<string, any>} */ (/** @type {unknown} */ (globalThis));
  const { freeze, getPrototypeOf, getOwnPropertyDescriptor, getOwnPropertyDescriptors, defineProperty } = Object;
  const { ownKeys, construct, apply } = Reflect;
  const { isArray } = Array;
  const { stringify, parse } = JSON;
  const FunctionCtor = Function;
  const functionToString = FunctionCtor.prototype.toString;
  const ObjectPrototype = Object.prototype;
  const ArrayPrototype = Array.prototype;
  const ErrorPrototype = Error.prototype;
  const limits = parse(limitsJson);
  const MAX_RESULT_CHARS = limits.maxResultChars;
  // Answers above this many characters in one call make `batch` stop early so the reply string stays small.
  const CALL_BUDGET_CHARS = Math.max(1 << 20, 4 * MAX_RESULT_CHARS);
  const MAX_DEPTH = 64;
  const MAX_MESSAGE = 500;
  const mib = (/** @type {number} */ b) => `${Math.round((b / 1048576) * 10) / 10} MiB`;
  const kib = (/** @type {number} */ b) => `${Math.round(b / 1024)} KiB`;

  // ---- 2. taming ------------------------------------------------------------------------------------------
  const NONDETERMINISTIC = 'programs must be deterministic';
  const NO_CODEGEN = 'programs cannot compile code from strings';
  const thrower = (/** @type {string} */ what, /** @type {string} */ why) =>
    function () {
      throw new TypeError(`${what} is disabled in the sandbox: ${why}`);
    };

  defineProperty(Math, 'random', { value: thrower('Math.random()', NONDETERMINISTIC) });

  // Date keeps working on explicit timestamps; only "now" is gone.
  const RealDate = Date;
  const TamedDate = function Date(/** @type {unknown[]} */ ...args) {
    if (new.target === undefined) throw new TypeError(`Date() (the current time as a string) is disabled in the sandbox: ${NONDETERMINISTIC}`);
    if (args.length === 0) throw new TypeError(`new Date() without arguments (the current time) is disabled in the sandbox: ${NONDETERMINISTIC}`);
    return construct(RealDate, args, new.target);
  };
  defineProperty(TamedDate, 'prototype', { value: RealDate.prototype, writable: false, enumerable: false, configurable: false });
  defineProperty(TamedDate, 'length', { value: 7 });
  defineProperty(TamedDate, 'now', { value: thrower('Date.now()', NONDETERMINISTIC), writable: true, enumerable: false, configurable: true });
  defineProperty(TamedDate, 'UTC', { value: RealDate.UTC, writable: true, enumerable: false, configurable: true });
  defineProperty(TamedDate, 'parse', { value: RealDate.parse, writable: true, enumerable: false, configurable: true });
  defineProperty(RealDate.prototype, 'constructor', { value: TamedDate });
  defineProperty(G, 'Date', { value: TamedDate });

  // Every path to the compiler: the global eval and Function, and the constructors reachable from function
  // instances ((() => {}).constructor, generators, async functions). The driver keeps the real Function.
  const functionPrototypes = [
    [FunctionCtor.prototype, 'Function'],
    [getPrototypeOf(function* () {}), 'GeneratorFunction'],
    [getPrototypeOf(async function () {}), 'AsyncFunction'],
    [getPrototypeOf(async function* () {}), 'AsyncGeneratorFunction'],
  ];
  for (const [proto, name] of functionPrototypes) {
    const tamed = thrower(`the ${name} constructor`, NO_CODEGEN);
    defineProperty(tamed, 'name', { value: name });
    defineProperty(tamed, 'prototype', { value: proto, writable: false, enumerable: false, configurable: false });
    defineProperty(proto, 'constructor', { value: tamed });
    if (name === 'Function') defineProperty(G, 'Function', { value: tamed });
  }
  defineProperty(G, 'eval', { value: thrower('eval', NO_CODEGEN) });
  // Annex B RegExp.prototype.compile mutates a (possibly frozen, shared) regexp's pattern in place.
  delete /** @type {{compile?: unknown}} */ (RegExp.prototype).compile;
  // Garbage-collection timing would leak into answers.
  delete /** @type {{WeakRef?: unknown}} */ (G).WeakRef;
  delete /** @type {{FinalizationRegistry?: unknown}} */ (G).FinalizationRegistry;

  // Frozen prototypes break `obj.toString = …` / `this.name = …` on ordinary objects (the "override mistake").
  // These accessors keep such assignments working by defining an own property on the receiver instead.
  /** @param {object} obj @param {string} prop */
  const enableOverride = (obj, prop) => {
    const desc = getOwnPropertyDescriptor(obj, prop);
    if (!desc || !('value' in desc)) return;
    const value = desc.value;
    defineProperty(obj, prop, {
      get: function () {
        return value;
      },
      set: function (/** @type {unknown} */ v) {
        if (this === obj) throw new TypeError(`cannot assign to '${prop}' of a frozen built-in prototype`);
        defineProperty(this, prop, { value: v, writable: true, enumerable: true, configurable: true });
      },
      enumerable: desc.enumerable,
      configurable: false,
    });
  };
  for (const prop of ['constructor', 'toString', 'valueOf', 'toLocaleString', 'hasOwnProperty']) enableOverride(ObjectPrototype, prop);
  for (const E of [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError, AggregateError, G.InternalError]) {
    if (typeof E !== 'function') continue;
    for (const prop of ['constructor', 'name', 'message', 'toString']) enableOverride(E.prototype, prop);
  }
  enableOverride(FunctionCtor.prototype, 'toString');

  // ---- 3. lockdown ----------------------------------------------------------------------------------------
  /**
   * Freezes `root` and everything reachable from it through properties (values, getters, setters) and
   * prototypes. Objects in `skip` are already frozen. With `exposed`, objects whose mutable state lives in
   * internal slots (a frozen Map can still be `set`) are refused, naming where they were found.
   * @param {unknown} root @param {Set<unknown>} skip @param {string | null} exposed
   */
  const harden = (root, skip, exposed) => {
    /** @type {Set<unknown>} */
    const seen = new Set();
    /** @type {unknown[]} */
    const todo = [root];
    /** @type {string[]} */
    const paths = [exposed ?? ''];
    while (todo.length > 0) {
      const o = todo.pop();
      const path = /** @type {string} */ (paths.pop());
      if ((typeof o !== 'object' || o === null) && typeof o !== 'function') continue;
      if (skip.has(o) || seen.has(o)) continue;
      seen.add(o);
      const proto = getPrototypeOf(o);
      if (exposed !== null && slotted.has(proto)) throw new TypeError(`${path} is ${slotted.get(proto)}, whose contents stay mutable when frozen; expose plain objects and arrays instead`);
      freeze(o);
      todo.push(proto);
      paths.push(`the prototype of ${path}`);
      for (const key of ownKeys(/** @type {object} */ (o))) {
        const desc = /** @type {PropertyDescriptor} */ (getOwnPropertyDescriptor(o, key));
        const at = exposed === null ? '' : `${path}.${String(key)}`;
        if ('value' in desc) {
          todo.push(desc.value);
          paths.push(at);
        } else {
          todo.push(desc.get, desc.set);
          paths.push(at, at);
        }
      }
    }
    return seen;
  };

  const TypedArray = getPrototypeOf(Int8Array);
  /** @type {Map<unknown, string>} */
  const slotted = new Map([
    [Map.prototype, 'a Map'],
    [Set.prototype, 'a Set'],
    [WeakMap.prototype, 'a WeakMap'],
    [WeakSet.prototype, 'a WeakSet'],
    [RealDate.prototype, 'a Date'],
    [ArrayBuffer.prototype, 'an ArrayBuffer'],
    [G.SharedArrayBuffer?.prototype, 'a SharedArrayBuffer'],
    [DataView.prototype, 'a DataView'],
    [TypedArray.prototype, 'a typed array'],
  ]);
  for (const T of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, G.BigInt64Array, G.BigUint64Array, G.Float16Array])
    if (typeof T === 'function') slotted.set(T.prototype, 'a typed array');

  // Intrinsics that no global property leads to.
  const generatorFunctionPrototype = getPrototypeOf(function* () {});
  const asyncGeneratorFunctionPrototype = getPrototypeOf(async function* () {});
  const hiddenRoots = [
    generatorFunctionPrototype,
    generatorFunctionPrototype.prototype,
    getPrototypeOf(async function () {}),
    asyncGeneratorFunctionPrototype,
    asyncGeneratorFunctionPrototype.prototype,
    getPrototypeOf([][Symbol.iterator]()),
    getPrototypeOf(new Map()[Symbol.iterator]()),
    getPrototypeOf(new Set()[Symbol.iterator]()),
    getPrototypeOf(''[Symbol.iterator]()),
    getPrototypeOf(/a/[Symbol.matchAll](''))
  ];
  if (typeof G.Iterator === 'function') {
    const helpers = /** @type {{map?: Function}} */ ([][Symbol.iterator]());
    if (typeof helpers.map === 'function') hiddenRoots.push(getPrototypeOf(helpers.map((/** @type {unknown} */ x) => x)));
    const from = /** @type {{from?: Function}} */ (G.Iterator).from;
    if (typeof from === 'function') hiddenRoots.push(getPrototypeOf(from({ next() {} })));
  }
  const intrinsics = harden([G, ...hiddenRoots], new Set(), null);

  // ---- 4. the driver --------------------------------------------------------------------------------------
  /** @type {unknown} */
  let api;
  let hasApi = false;

  // Returns '' or a message: the host turns it into one clear error about the prelude.
  /** @param {(data: unknown) => unknown} prelude @param {string} dataJson */
  const load = (prelude, dataJson) => {
    api = undefined;
    hasApi = false;
    try {
      const data = parse(dataJson);
      freezeJson(data);
      const result = prelude(data);
      if ((typeof result !== 'object' || result === null) && typeof result !== 'function') return `it returned ${describeValue(result)}, not the scene API object`;
      harden(result, intrinsics, 'the scene API');
      api = result;
      hasApi = true;
      return '';
    } catch (e) {
      return describeThrow(e, /scene-api\.js:(\d+)/, 1);
    }
  };

  // Parsed JSON is a tree of plain objects and arrays over frozen prototypes: no descriptors to inspect.
  /** @param {unknown} v */
  const freezeJson = (v) => {
    if (typeof v !== 'object' || v === null) return;
    freeze(v);
    if (isArray(v)) for (let i = 0; i < v.length; i++) freezeJson(v[i]);
    else for (const k in v) freezeJson(/** @type {Record<string, unknown>} */ (v)[k]);
  };

  const unload = () => {
    api = undefined;
    hasApi = false;
  };

  /**
   * Sources arrive concatenated in `blob`, cut by the lengths in `metaJson`; only the small rest is JSON.
   * (QuickJS's JSON.parse reads ~60 MB/s here: parsing every source out of JSON cost ~13 µs per program.)
   * @param {string} blob  the distinct sources of this call, back to back
   * @param {string} metaJson  [lengths of the sources in blob, [[source index] or [source index, args], …]]
   */
  const batch = (blob, metaJson) => {
    const [lengths, entries] = parse(metaJson);
    /** @type {string[]} */
    const sources = [];
    for (let i = 0, at = 0; i < lengths.length; at += lengths[i], i++) sources.push(blob.slice(at, at + lengths[i]));
    /** @type {string[]} */
    const out = [];
    // Each source's compiled function for this call, by source index and mode, once found: the compile cache's
    // lookup hashes the whole source text, ~3 ns a character in the interpreter, for every program.
    /** @type {[(Function | undefined)[], (Function | undefined)[]]} */
    const found = [[], []];
    let spent = 0;
    for (let i = 0; i < entries.length; i++) {
      tick();
      const entry = entries[i];
      const mode = entry.length > 1 ? 1 : 0;
      const r = hasApi ? runOne(/** @type {string} */ (sources[entry[0]]), mode, entry[1], found[mode], entry[0]) : failure('runtime', 'no scene is loaded in this context', null);
      out.push(r);
      spent += r.length;
      if (r.startsWith('[0,"memory"') || spent > CALL_BUDGET_CHARS) break;
    }
    return out.join('\n');
  };

  // ---- running one program --------------------------------------------------------------------------------
  // "use strict" on the first line keeps the program's line numbers: Function() puts the body on line 3.
  const PROGRAM_LINE_OFFSET = 2;
  const PROGRAM_FRAME = /<input>:(\d+)/;

  /** @param {string} kind @param {string} message @param {number | null} line */
  const failure = (kind, message, line) => `[0,${stringify(kind)},${stringify(clip(message))},${line === null ? 'null' : line}]`;
  /** @param {string} s */
  const clip = (s) => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s);

  // Compiling dominates a realistic program's cost (~60 µs, running it ~17 µs), so a source seen again — one
  // source with many `args` above all — is not compiled again. Sharing the function object is safe: a strict,
  // anonymous function has no reference to itself (no arguments.callee, no caller), so nothing can be stored
  // on it — provided it really is the wrapper Function() built, which `compile` checks (see INJECTED). Kept
  // small: every cached function is live heap that each garbage collection walks.
  const CACHE_ENTRIES = 64;
  const CACHE_CHARS = 256 * 1024;
  /** @type {[Map<string, Function>, Map<string, Function>]} */
  const compiled = [new Map(), new Map()];
  let cachedChars = 0;
  const PARAMS = /** @type {const} */ ([['scene'], ['scene', 'args']]);
  // How Function() prints what it built, around the body, e.g. "function anonymous(scene\n) {\n" … "\n}".
  const WRAPPERS = PARAMS.map((params) => {
    const marker = '"use strict";0';
    const text = /** @type {string} */ (apply(functionToString, new FunctionCtor(...params, marker), []));
    const at = text.indexOf(marker);
    return [text.slice(0, at), text.slice(at + marker.length)];
  });
  // Function() compiles "(function anonymous(scene\n) {\n" + body + "\n})": a body such as
  // "}); let n = 0; (function (scene) { return ++n;" would close the wrapper early and hand back a closure
  // with state of its own. The function whose text is the whole wrapper can only be the wrapper itself.
  const INJECTED = 'syntax error: the program closes its function early (unbalanced braces)';

  /** @param {string} source @param {0 | 1} mode  1 when the program takes args */
  const compile = (source, mode) => {
    const cache = compiled[mode];
    let fn = cache.get(source);
    if (fn !== undefined) return fn;
    fn = new FunctionCtor(...PARAMS[mode], `"use strict";${source}`);
    const [head, tail] = /** @type {string[]} */ (WRAPPERS[mode]);
    if (apply(functionToString, fn, []) !== `${head}"use strict";${source}${tail}`) throw BAD_WRAPPER;
    if (cache.size >= CACHE_ENTRIES || cachedChars + source.length > CACHE_CHARS) {
      compiled[0].clear();
      compiled[1].clear();
      cachedChars = 0;
    }
    cache.set(source, fn);
    cachedChars += source.length;
    return fn;
  };
  const BAD_WRAPPER = freeze({});

  /**
   * @param {string} source @param {0 | 1} mode  1 when the program takes args @param {unknown} args
   * @param {(Function | undefined)[]} found  this call's compiled functions by source index @param {number} at
   */
  const runOne = (source, mode, args, found, at) => {
    let fn = found[at];
    if (fn === undefined) {
      try {
        fn = found[at] = compile(source, mode);
      } catch (e) {
        return e === BAD_WRAPPER ? failure('syntax', INJECTED, null) : failed(e, source);
      }
    }
    let value;
    try {
      value = mode === 1 ? fn(api, args) : fn(api);
    } catch (e) {
      return failed(e, null);
    }
    try {
      budget = MAX_RESULT_CHARS;
      tooLarge = TOO_LARGE;
      return `[1,${toJson(value, 0)}]`;
    } catch (e) {
      return e === BAD ? failure('bad-return', badReason, null) : failedReading(e);
    } finally {
      keyPath.length = 0;
      ancestors.length = 0;
    }
  };

  /** @param {unknown} e @param {string | null} compiling  the source, when the error came from compiling it */
  const failed = (e, compiling) => {
    try {
      const engine = engineFailure(e);
      if (engine !== null) return failure('memory', engine, null);
      if (!isError(e)) return failure('non-error-throw', `program threw a non-Error value: ${describeValue(e)}`, null);
      const name = textOf(/** @type {{name?: unknown}} */ (e).name, 'Error');
      const line = lineOf(e, PROGRAM_FRAME, PROGRAM_LINE_OFFSET);
      const message = textOf(/** @type {{message?: unknown}} */ (e).message, '');
      if (compiling !== null && name === 'SyntaxError') {
        // Past the last line means the parser hit the wrapper's closing brace: the program ended too early.
        const lines = compiling.split('\n').length;
        if (line !== null && line > lines) return failure('syntax', `syntax error: the program ends unexpectedly (${message})`, lines);
        return failure('syntax', `syntax error${line === null ? '' : ` on line ${line}`}: ${message}`, line);
      }
      return failure('runtime', `${name}: ${message}${line === null ? '' : ` (line ${line})`}`, line);
    } catch {
      return failure('non-error-throw', 'program threw a value that cannot be inspected', null);
    }
  };

  // A proxy trap or the engine itself threw while the returned value was being read.
  /** @param {unknown} e */
  const failedReading = (e) => {
    try {
      const engine = engineFailure(e);
      if (engine !== null) return failure('memory', engine, null);
      return failure('bad-return', `reading the returned value threw ${describeThrow(e, PROGRAM_FRAME, PROGRAM_LINE_OFFSET)}`, null);
    } catch {
      return failure('bad-return', 'reading the returned value threw a value that cannot be inspected', null);
    }
  };

  // The engine's own resource errors. Only the message identifies them; a program faking one only fails
  // itself (and costs a fresh context).
  /** @param {unknown} e */
  const engineFailure = (e) => {
    if (typeof e !== 'object' || e === null) return null;
    const proto = getPrototypeOf(e);
    if (proto !== G.InternalError?.prototype && proto !== SyntaxError.prototype) return null;
    const d = getOwnPropertyDescriptor(e, 'message');
    const m = d && 'value' in d ? d.value : undefined;
    if (m === 'out of memory') return `program exceeded its ${mib(limits.memoryLimitBytes)} memory limit`;
    if (m === 'stack overflow') return `program exceeded its ${kib(limits.stackLimitBytes)} stack limit: recursion or nesting too deep`;
    if (m === 'string too long') return 'program built a string longer than the engine allows';
    return null;
  };

  /** @param {unknown} e */
  const isError = (e) => {
    if (typeof e !== 'object' || e === null) return false;
    /** @type {object | null} */
    let p = e;
    for (let i = 0; i < 100 && p !== null; i++) {
      p = getPrototypeOf(p);
      if (p === ErrorPrototype) return true;
    }
    return false;
  };

  /** @param {unknown} v @param {string} fallback */
  const textOf = (v, fallback) => (typeof v === 'string' ? v : v === undefined ? fallback : describeValue(v));

  /** @param {unknown} e @param {RegExp} frame @param {number} offset */
  const lineOf = (e, frame, offset) => {
    const d = getOwnPropertyDescriptor(/** @type {object} */ (e), 'stack');
    const stack = d && 'value' in d ? d.value : undefined;
    if (typeof stack !== 'string') return null;
    const m = frame.exec(stack);
    const line = m ? Number(m[1]) - offset : NaN;
    return line >= 1 ? line : null;
  };

  /** @param {unknown} e @param {RegExp} frame @param {number} offset */
  const describeThrow = (e, frame, offset) => {
    try {
      const engine = engineFailure(e);
      if (engine !== null) return engine.replace('program', 'it');
      if (!isError(e)) return `a non-Error value: ${describeValue(e)}`;
      const line = lineOf(e, frame, offset);
      const name = textOf(/** @type {{name?: unknown}} */ (e).name, 'Error');
      const message = textOf(/** @type {{message?: unknown}} */ (e).message, '');
      return `${name}: ${message}${line === null ? '' : ` (line ${line})`}`;
    } catch {
      return 'a value that cannot be inspected';
    }
  };

  /** @param {unknown} v */
  const describeValue = (v) => {
    switch (typeof v) {
      case 'string':
        return clip(stringify(v));
      case 'bigint':
        return `${v}n`;
      case 'symbol':
        return 'a symbol';
      case 'function':
        return 'a function';
      case 'object':
        if (v === null) return 'null';
        try {
          budget = 200;
          tooLarge = '';
          return toJson(v, 0);
        } catch (e) {
          if (e === BAD && tooLarge === '' && budget < 0) return 'a large object';
          return 'an object that is not plain JSON';
        } finally {
          keyPath.length = 0;
          ancestors.length = 0;
        }
      default:
        return String(v);
    }
  };

  // ---- the returned value → JSON text, refusing anything JSON would change or that runs code -------------
  // Own data properties only, read through descriptors: a getter is refused rather than called.
  const BAD = freeze({});
  let badReason = '';
  let budget = 0;
  let tooLarge = '';
  const TOO_LARGE = `the returned value is too large: more than ${MAX_RESULT_CHARS} characters of JSON`;
  /** @type {(string | number)[]} */
  const keyPath = [];
  /** @type {unknown[]} */
  const ancestors = [];

  /** @param {string} reason @returns {never} */
  const bad = (reason) => {
    badReason = reason;
    throw BAD;
  };
  const where = () => {
    if (keyPath.length === 0) return 'the returned value';
    let s = 'returned value';
    for (const k of keyPath) s += typeof k === 'number' ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${stringify(k)}]`;
    return s;
  };
  /** @param {object} proto */
  const kindOf = (proto) => {
    if (proto === G.Promise?.prototype) return 'a Promise (programs must be synchronous)';
    const s = slotted.get(proto);
    if (s !== undefined) return s;
    if (proto === RegExp.prototype) return 'a RegExp';
    for (let p = proto, i = 0; p !== null && i < 100; p = getPrototypeOf(p), i++) if (p === ErrorPrototype) return 'an Error';
    const d = getOwnPropertyDescriptor(proto, 'constructor');
    const ctor = d && 'value' in d ? d.value : undefined;
    const n = typeof ctor === 'function' ? getOwnPropertyDescriptor(ctor, 'name') : undefined;
    const name = n && typeof n.value === 'string' && n.value !== '' ? n.value : '';
    return name === '' ? 'an object with a custom prototype' : `an instance of ${name}`;
  };

  // Budget checks are inlined below: in QuickJS a call costs more than the check.
  /** @param {unknown} v @param {number} depth @returns {string} */
  const toJson = (v, depth) => {
    let t;
    switch (typeof v) {
      case 'string':
        t = stringify(v);
        if ((budget -= t.length) < 0) bad(tooLarge);
        return t;
      case 'number':
        if (v !== v || v === Infinity || v === -Infinity) return bad(`${where()} is ${v}, which JSON cannot represent`);
        t = v === 0 ? '0' : `${v}`;
        if ((budget -= t.length) < 0) bad(tooLarge);
        return t;
      case 'boolean':
        if ((budget -= 5) < 0) bad(tooLarge);
        return v ? 'true' : 'false';
      case 'undefined':
        return bad(keyPath.length === 0 ? 'the program returned undefined (is a return statement missing?)' : `${where()} is undefined`);
      case 'function':
        return bad(`${where()} is a function`);
      case 'symbol':
        return bad(`${where()} is a symbol`);
      case 'bigint':
        return bad(`${where()} is a BigInt`);
    }
    if (v === null) {
      if ((budget -= 4) < 0) bad(tooLarge);
      return 'null';
    }
    const o = /** @type {object} */ (v);
    if (depth >= MAX_DEPTH) return bad(`${where()} is nested more than ${MAX_DEPTH} levels deep`);
    if (ancestors.includes(o)) return bad(`${where()} refers back to an enclosing value (a cycle)`);
    if ((budget -= 2) < 0) bad(tooLarge);
    const proto = getPrototypeOf(o);
    ancestors.push(o);
    let s;
    if (isArray(o)) {
      if (proto !== ArrayPrototype) bad(`${where()} is an array with a custom prototype`);
      s = arrayJson(o, depth);
    } else if (proto === ObjectPrototype || proto === null) {
      s = objectJson(o, depth);
    } else {
      s = bad(`${where()} is ${kindOf(proto)}, not a plain object or array`);
    }
    ancestors.pop();
    return s;
  };

  /** @param {unknown[]} a @param {number} depth */
  const arrayJson = (a, depth) => {
    const lengthDesc = getOwnPropertyDescriptor(a, 'length');
    const length = lengthDesc && 'value' in lengthDesc ? lengthDesc.value : -1;
    if (typeof length !== 'number' || length < 0) return bad(`${where()} is an array without a length`);
    const keys = ownKeys(a);
    if (keys.length !== length + 1) {
      for (const k of keys) {
        if (typeof k === 'symbol') return bad(`${where()} has a symbol-keyed property`);
        if (k !== 'length' && !(String(Number(k)) === k && Number(k) < length)) return bad(`${where()} has a non-index property ${stringify(k)}`);
      }
    }
    if ((budget -= length) < 0) bad(tooLarge);
    let s = '[';
    for (let i = 0; i < length; i++) {
      keyPath.push(i);
      const d = getOwnPropertyDescriptor(a, i);
      if (d === undefined) return bad(`${where()} is missing (arrays must not have holes)`);
      if (!('value' in d)) return bad(`${where()} is a getter or setter; return plain data`);
      s += i === 0 ? toJson(d.value, depth + 1) : `,${toJson(d.value, depth + 1)}`;
      keyPath.pop();
    }
    return `${s}]`;
  };

  /** @param {object} o @param {number} depth */
  const objectJson = (o, depth) => {
    // One call for all descriptors: fewer crossings into C than one per key.
    const descriptors = getOwnPropertyDescriptors(o);
    let s = '{';
    let first = true;
    for (const k of ownKeys(descriptors)) {
      if (typeof k === 'symbol') return bad(`${where()} has a symbol-keyed property`);
      keyPath.push(k);
      const d = /** @type {PropertyDescriptor} */ (descriptors[k]);
      if (!('value' in d)) return bad(`${where()} is a getter or setter; return plain data`);
      if (!d.enumerable) return bad(`${where()} is not enumerable; JSON would drop it`);
      const key = stringify(k);
      if ((budget -= key.length + 2) < 0) bad(tooLarge);
      s += `${first ? '' : ','}${key}:${toJson(d.value, depth + 1)}`;
      first = false;
      keyPath.pop();
    }
    return `${s}}`;
  };

  return freeze({ load, unload, batch });
}
