/**
 * Hostile programs: each must end with a clear verdict, and the sandbox (and the host) must keep working.
 * Every hostile program runs in a batch between two normal ones, so "keeps working afterwards" and "did not
 * disturb its neighbours" are checked every time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type FailureKind, type ProgramOutcome, type Sandbox, type SandboxContext } from '../../../../src/engine/proposer/sandbox/index.js';
import { failureOf, PRELUDE, SCENE, valueOf } from './fixtures.js';

let sandbox: Sandbox;
let ctx: SandboxContext;
let hostGlobals: string[];
let hostObjectPrototype: string[];
let hostArrayPrototype: string[];

beforeAll(async () => {
  hostGlobals = Object.getOwnPropertyNames(globalThis).sort();
  hostObjectPrototype = Object.getOwnPropertyNames(Object.prototype).sort();
  hostArrayPrototype = Object.getOwnPropertyNames(Array.prototype).sort();
  sandbox = await createSandbox();
  ctx = sandbox.openContext(PRELUDE, SCENE);
});
afterAll(() => sandbox.dispose());

const BEFORE = 'return scene.byLabel("chair").length';
const AFTER = 'return scene.distance(scene.object(1), scene.object(2))';

/** Runs [normal, hostile, normal]; checks the neighbours, returns the hostile program's outcome. */
function sandwich(program: string, on: SandboxContext = ctx): ProgramOutcome {
  const [before, hostile, after] = on.runBatch([BEFORE, program, AFTER]);
  expect(valueOf(before)).toBe(2);
  expect(valueOf(after)).toBe(5);
  // And a fresh request afterwards works too.
  expect(valueOf(on.run('return scene.unique("table").id'))).toBe(3);
  return hostile!;
}

function expectFailure(o: ProgramOutcome, kinds: FailureKind[], message?: RegExp): void {
  const f = failureOf(o);
  expect(kinds).toContain(f.kind);
  if (message) expect(f.message).toMatch(message);
}

describe('time', () => {
  it('an endless loop times out at the limit', () => {
    const o = sandwich('while (true) {}');
    expectFailure(o, ['timeout'], /^program exceeded its 50 ms time limit$/);
    expect(o.ms).toBeGreaterThanOrEqual(45);
    expect(o.ms).toBeLessThan(1000);
  });

  it('a timeout cannot be caught, not even by a finally that loops again', () => {
    expectFailure(sandwich('try { while (true) {} } catch (e) { return "caught"; }'), ['timeout']);
    expectFailure(sandwich('try { while (true) {} } finally { while (true) {} }'), ['timeout']);
  });

  it('several slow programs in one batch each get their own verdict, the rest their answers', () => {
    const out = ctx.runBatch(['return 1', 'for (;;) {}', 'return 2', 'let i = 0; while (true) i++;', 'return 3']);
    expect(out.map((o) => (o.ok ? o.value : o.kind))).toEqual([1, 'timeout', 2, 'timeout', 3]);
  });

  it('a built-in that never polls the interrupt handler is stopped by the watchdog', () => {
    // QuickJS walks all 2^32 − 1 indices in C without polling: minutes of CPU if nothing stops it.
    const t0 = performance.now();
    const o = sandwich('return Array(2 ** 32 - 1).includes(1)');
    expectFailure(o, ['timeout'], /time limit \(stuck in a built-in that cannot be interrupted; the engine thread was replaced\)/);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it('the watchdog stops a stuck built-in in a batch whose outcomes are taken later, while the host worked', () => {
    const take = ctx.startBatch([BEFORE, 'return Array(2 ** 32 - 1).includes(1)', AFTER]);
    // The host goes on meanwhile (the pipeline's scene checks); the stuck thread is found when it comes back.
    const until = performance.now() + 200;
    while (performance.now() < until);
    const [before, stuck, after] = take();
    expect(valueOf(before)).toBe(2);
    expectFailure(stuck!, ['timeout'], /stuck in a built-in that cannot be interrupted; the engine thread was replaced/);
    expect(valueOf(after)).toBe(5);
    expect(valueOf(ctx.run('return scene.unique("table").id'))).toBe(3);
  });

  it('a slow getter in a proxy trap still counts against the program', () => {
    expectFailure(sandwich('return new Proxy({}, { ownKeys() { for (;;) {} } })'), ['timeout']);
  });
});

describe('memory and stack', () => {
  it.each([
    ['new Array(1e9).fill(1)', 'return new Array(1e9).fill(1)'],
    ['string doubling', 'let s = "x"; for (;;) s += s;'],
    ['string doubling, forced flat', 'let s = "x"; for (;;) { s += s; s.charCodeAt(s.length - 1); }'],
    ['giant ArrayBuffer', 'return new ArrayBuffer(2 ** 31).byteLength'],
    ['many 16 MiB ArrayBuffers', 'const keep = []; for (;;) keep.push(new ArrayBuffer(16 * 1024 * 1024)); '],
    ['object churn', 'const keep = []; for (;;) keep.push({ a: [1, 2, 3], b: "xyz" + keep.length });'],
    ['huge join', 'return new Array(1e8).join("abc").length'],
  ])('%s ends with a verdict', (_name, program) => {
    const o = sandwich(program);
    expectFailure(o, ['memory', 'timeout', 'runtime']);
    const f = failureOf(o);
    if (f.kind === 'memory') expect(f.message).toMatch(/memory limit|longer than the engine allows/);
  });

  // Reaching a limit means first touching that much fresh memory, which is slow on some machines (~5 ms/MiB
  // here); a small limit keeps these two well inside the watchdog's grace, so the verdict is always 'memory'.
  it('the memory limit is reported as such, and the scene survives in a fresh context', async () => {
    const small = await createSandbox({ memoryLimitBytes: 8 * 1024 * 1024 });
    try {
      const c = small.openContext(PRELUDE, SCENE);
      expectFailure(sandwich('const keep = []; for (;;) keep.push("x".repeat(1 << 20) + keep.length);', c), ['memory'], /^program exceeded its 8 MiB memory limit$/);
      expectFailure(sandwich('const keep = []; for (;;) keep.push(new ArrayBuffer(1 << 20));', c), ['memory'], /^program exceeded its 8 MiB memory limit$/);
      // Catching it changes nothing for the next program.
      const caught = sandwich('try { const keep = []; for (;;) keep.push(new Float64Array(1 << 17)); } catch (e) { return String(e); }', c);
      expect(valueOf(caught)).toBe('InternalError: out of memory');
    } finally {
      small.dispose();
    }
  });

  it('deep recursion hits the stack limit', () => {
    expectFailure(sandwich('function f(n) { return f(n + 1) + 1; } return f(0);'), ['memory'], /^program exceeded its 256 KiB stack limit: recursion or nesting too deep$/);
    expectFailure(sandwich('const f = () => [0].map(f); return f();'), ['memory'], /stack limit/);
    expectFailure(sandwich('const o = { get x() { return o.x; } }; return o.x;'), ['memory'], /stack limit/);
    expectFailure(sandwich('const o = {}; o.toString = () => "" + o; return String(o);'), ['memory'], /stack limit/);
  });

  it('deeply nested source fails to compile without hurting the engine', () => {
    // On Node's main thread these overflow the native stack inside wasm long before QuickJS's own check.
    for (const program of [
      `return ${'['.repeat(20000)}${']'.repeat(20000)}`,
      `return ${'('.repeat(20000)}1${')'.repeat(20000)}`,
      `return ${'({a:'.repeat(8000)}1${'})'.repeat(8000)}`,
      `return ${'-'.repeat(50000)}1`,
      `return ${'1?'.repeat(20000)}1${':1'.repeat(20000)}`,
      `return ${'()=>'.repeat(20000)}1`,
    ]) {
      const o = sandwich(program);
      // Parsing never polls the interrupt handler; only a very loaded machine would reach the watchdog.
      expectFailure(o, ['memory', 'syntax', 'timeout']);
    }
  });

  // Building 20,000 levels takes a while: under load the time limit may come first, which is as good a verdict.
  it('deep data structures are refused, not crashed on', () => {
    expectFailure(sandwich('let a = []; for (let i = 0; i < 20000; i++) a = [a]; return JSON.stringify(a).length;'), ['memory', 'runtime', 'timeout']);
    expectFailure(sandwich('let o = {}; for (let i = 0; i < 20000; i++) o = new Proxy(o, {}); return Object.getPrototypeOf(o) === null;'), ['memory', 'timeout']);
    expectFailure(sandwich('let a = [1]; for (let i = 0; i < 20000; i++) a = [a]; return a.flat(Infinity).length;'), ['memory', 'runtime', 'timeout']);
  });
});

describe('no way out to the host', () => {
  it('sees no Node globals', () => {
    expect(valueOf(sandwich('return [typeof process, typeof require, typeof module, typeof exports, typeof globalThis.process, typeof Buffer, typeof setTimeout, typeof console, typeof std, typeof os]'))).toEqual(
      Array(10).fill('undefined'),
    );
  });

  it('import() reaches nothing and cannot be awaited', () => {
    expectFailure(sandwich('return import("fs")'), ['bad-return'], /is a Promise \(programs must be synchronous\)/);
    expect(valueOf(sandwich('const fs = import("fs"); return typeof fs.readFileSync;'))).toBe('undefined');
    expectFailure(sandwich('await import("fs"); return 1'), ['syntax']);
  });

  it('cannot compile code from strings by any path', () => {
    const codegen = /is disabled in the sandbox: programs cannot compile code from strings/;
    expectFailure(sandwich('return this.constructor.constructor("return process")()'), ['runtime'], /TypeError: cannot read property 'constructor' of undefined/);
    expectFailure(sandwich('return scene.constructor.constructor("return process")()'), ['runtime'], codegen);
    expectFailure(sandwich('return Function("return this")()'), ['runtime'], codegen);
    expectFailure(sandwich('return (() => {}).constructor("return globalThis")()'), ['runtime'], codegen);
    expectFailure(sandwich('return Object.getPrototypeOf(function* () {}).constructor("yield 1")().next()'), ['runtime'], codegen);
    expectFailure(sandwich('return Object.getPrototypeOf(async function () {}).constructor("return 1")()'), ['runtime'], codegen);
    expectFailure(sandwich('return eval("1 + 1")'), ['runtime'], codegen);
    expectFailure(sandwich('return (0, eval)("1 + 1")'), ['runtime'], codegen);
    expectFailure(sandwich('return new globalThis.Function("return 1")()'), ['runtime'], codegen);
  });

  it('the QuickJS global holds only ECMAScript built-ins', () => {
    const names = valueOf(sandwich('return Object.getOwnPropertyNames(globalThis).sort()')) as string[];
    for (const host of ['process', 'require', 'module', 'Buffer', 'global', 'setTimeout', 'console', 'fetch', 'WebAssembly', 'Atomics'])
      expect(names).not.toContain(host);
    expect(names).toContain('Math');
  });

  it('injection through the Function wrapper stays inside that one program', () => {
    const out = ctx.runBatch(['}); globalThis.leak = 1; (function (scene) { return 1', 'return typeof leak', '}); var leak2 = 1; (function (scene) { return 1', 'return typeof leak2']);
    // The injected code runs once while compiling (sloppy, at global level): the frozen global ignores or
    // refuses it, and the program is refused for closing its wrapper.
    expect(failureOf(out[0])).toMatchObject({ kind: 'syntax', message: 'syntax error: the program closes its function early (unbalanced braces)' });
    expect(valueOf(out[1])).toBe('undefined');
    // A global `var` on the frozen global throws while compiling.
    expect(failureOf(out[2]).message).toMatch(/^TypeError: /);
    expect(valueOf(out[3])).toBe('undefined');
  });

  it('an injected closure cannot carry state from one run of a program to the next', () => {
    const counter = '}); let n = 0; (function (scene) { return ++n;';
    const out = ctx.runBatch([counter, counter, { source: counter, args: null }]);
    for (const o of out) expect(failureOf(o).kind).toBe('syntax');
  });
});

describe('no state leaks from one program to the next', () => {
  it('prototype pollution is refused and invisible to the next program', () => {
    const attempts = [
      'Object.prototype.polluted = 1; return 1',
      'Array.prototype.map = function () { return ["pwned"]; }; return 1',
      'Object.defineProperty(Object.prototype, "polluted", { value: 1 }); return 1',
      'Object.setPrototypeOf(Array.prototype, null); return 1',
      'Function.prototype.call = () => 0; return 1',
      'JSON.stringify = () => "{}"; return 1',
      'Math.max = () => 0; return 1',
      'String.prototype.trim = () => "x"; return 1',
      'delete Object.prototype.hasOwnProperty; return 1',
      'Object.prototype.__proto__ = { polluted: 1 }; return 1',
      '({}).__proto__.polluted = 1; return 1',
      'Symbol.iterator.description; Array.prototype[Symbol.iterator] = function* () { yield 9; }; return 1',
    ];
    for (const program of attempts) expectFailure(sandwich(program), ['runtime'], /TypeError/);
    expect(
      valueOf(ctx.run('return [({}).polluted === undefined, [1, 2].map((x) => x * 2), Object.getPrototypeOf(Array.prototype) === Object.prototype, JSON.stringify({ a: 1 }), Math.max(1, 2), " y ".trim(), [...[7]], typeof Object.prototype.hasOwnProperty]')),
    ).toEqual([true, [2, 4], true, '{"a":1}', 2, 'y', [7], 'function']);
    // The prelude's code ran in the same realm and is equally unaffected.
    expect(valueOf(ctx.run('return scene.byLabel("chair").map((o) => o.id)'))).toEqual([1, 2]);
  });

  it('the host process is untouched by all of that', () => {
    expect(Object.getOwnPropertyNames(globalThis).sort()).toEqual(hostGlobals);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(hostObjectPrototype);
    expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(hostArrayPrototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect([1, 2].map((x) => x * 2)).toEqual([2, 4]);
  });

  it('globals cannot be created or changed', () => {
    const out = ctx.runBatch([
      'globalThis.x = 1; return 1',
      'Object.defineProperty(globalThis, "y", { value: 1 }); return 1',
      'globalThis.Math = null; return 1',
      'Function("x = 1")',
      'return [typeof x, typeof y, typeof Math.max]',
    ]);
    for (const o of out.slice(0, 4)) expect(failureOf(o).kind).toBe('runtime');
    expect(valueOf(out[4])).toEqual(['undefined', 'undefined', 'function']);
  });

  it('ordinary programs that assign over inherited built-ins still work (override mistake tamed)', () => {
    expect(valueOf(sandwich('const o = {}; o.toString = () => "z"; o.constructor = 1; return [String(o), o.constructor]'))).toEqual(['z', 1]);
    expect(valueOf(sandwich('class E extends Error { constructor() { super("m"); this.name = "Custom"; } } return new E().name'))).toBe('Custom');
    expectFailure(sandwich('Object.prototype.toString = () => "x"; return 1'), ['runtime'], /frozen built-in prototype/);
  });

  it('pending jobs never run: a promise callback cannot act after its program returned', () => {
    const out = ctx.runBatch(['Promise.resolve().then(() => { for (;;) {} }); return 1', 'return 2', 'Promise.resolve().then(() => scene.bump()); return scene.bump()', 'return scene.bump()']);
    expect(valueOf(out[0])).toBe(1);
    expect(valueOf(out[1])).toBe(2);
    expect(valueOf(out[3])).toBe((valueOf(out[2]) as number) + 1);
  });
});

describe('a long mixed batch', () => {
  it('answers every normal program correctly around every kind of hostile one', () => {
    const hostile = [
      'while (true) {}',
      'throw 42',
      'throw { x: 1 }',
      'throw null',
      'return () => 1',
      'return undefined',
      'return NaN',
      'const o = {}; o.self = o; return o',
      'return { get x() { throw new Error("boom"); } }',
      'return (',
      'Object.prototype.polluted = 1',
      'globalThis.leak = 1',
      'function f() { return f(); } return f();',
      'const keep = []; for (;;) keep.push("x".repeat(1 << 20) + keep.length);',
      'return process.env',
      'return Math.random()',
    ];
    const programs: string[] = [];
    const expected: number[] = [];
    for (let i = 0; i < 200; i++) {
      programs.push(`return scene.objects().length * ${i}`);
      expected.push(programs.length - 1);
      if (i % 12 === 0) programs.push(hostile[(i / 12) % hostile.length]!);
    }
    const out = ctx.runBatch(programs);
    expect(out).toHaveLength(programs.length);
    for (const [n, at] of expected.entries()) expect(valueOf(out[at])).toBe(3 * n);
    for (let i = 0; i < out.length; i++) if (!expected.includes(i)) expect(out[i]!.ok).toBe(false);
  });
});
