import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, SandboxError, type Sandbox, type SandboxContext } from '../../../../src/engine/proposer/sandbox/index.js';
import { sceneApiPrelude } from '../../../../src/engine/proposer/program/sceneApi.js';
import { failureOf, PRELUDE, SCENE, valueOf } from './fixtures.js';

let sandbox: Sandbox;
let ctx: SandboxContext;
beforeAll(async () => {
  sandbox = await createSandbox();
  ctx = sandbox.openContext(PRELUDE, SCENE);
});
afterAll(() => sandbox.dispose());

describe('running programs', () => {
  it('runs the body of function (scene) { … } and returns its JSON answer', () => {
    expect(valueOf(ctx.run('return 1 + 1'))).toBe(2);
    expect(valueOf(ctx.run('const c = scene.byLabel("chair"); return scene.distance(c[0], c[1]);'))).toBe(5);
    expect(valueOf(ctx.run('return scene.unique("table")'))).toEqual({ id: 3, label: 'table', center: [1, 1, 0] });
    expect(valueOf(ctx.run('return { a: [1, "x", true, null, { b: -0 }], "odd key": 2.5 }'))).toEqual({ a: [1, 'x', true, null, { b: 0 }], 'odd key': 2.5 });
    expect(valueOf(ctx.run('return scene.meta'))).toEqual({ name: 'test-room', tags: ['a', 'b'] });
    expect(valueOf(ctx.run('return Object.create(null)'))).toEqual({});
  });

  it('answers a batch in order, one outcome per program, failures isolated', () => {
    const out = ctx.runBatch(['return 1', 'throw new Error("x")', 'return 3', 'return (', 'return "five"']);
    expect(out.map((o) => o.ok)).toEqual([true, false, true, false, true]);
    expect(valueOf(out[4])).toBe('five');
    expect(ctx.runBatch([])).toEqual([]);
    for (const o of out) expect(o.ms).toBeGreaterThanOrEqual(0);
  });

  it('runs programs in strict mode with nothing but `scene` in scope', () => {
    expect(valueOf(ctx.run('return this === undefined'))).toBe(true);
    expect(valueOf(ctx.run('return typeof data + typeof api + typeof arguments[0]'))).toBe('undefinedundefinedobject');
    const f = failureOf(ctx.run('undeclared = 1; return 1'));
    expect(f.kind).toBe('runtime');
    expect(f.message).toMatch(/^ReferenceError: .*undeclared.* \(line 1\)$/);
  });

  it('reports runtime errors with the program line, and scene-API errors verbatim', () => {
    const f = failureOf(ctx.run('const a = 1;\nconst b = null;\nreturn b.x;'));
    expect(f).toMatchObject({ kind: 'runtime', line: 3 });
    expect(f.message).toBe("TypeError: cannot read property 'x' of null (line 3)");
    expect(failureOf(ctx.run('return scene.unique("chair")')).message).toMatch(/^Error: label 'chair' is not unique: 2 objects/);
  });

  it('reports syntax errors with a line, never running anything', () => {
    expect(failureOf(ctx.run('return 1;\nconst = 2;'))).toMatchObject({ kind: 'syntax', line: 2 });
    const open = failureOf(ctx.run('return (1 + '));
    expect(open.kind).toBe('syntax');
    expect(open.message).toMatch(/^syntax error: the program ends unexpectedly/);
  });

  it('refuses over-long and non-string programs without compiling them', async () => {
    const small = await createSandbox({ maxProgramChars: 100 });
    try {
      const c = small.openContext('return {}', {});
      expect(failureOf(c.run(`return ${'1+'.repeat(100)}1`))).toMatchObject({ kind: 'syntax', message: 'program is 208 characters long; the limit is 100' });
      expect(failureOf(c.runBatch([42 as unknown as string])[0])).toMatchObject({ kind: 'syntax' });
      expect(valueOf(c.run('return 1'))).toBe(1);
    } finally {
      small.dispose();
    }
  });
});

describe('programs with arguments', () => {
  it('passes JSON args as the second parameter of one shared source', () => {
    const source = 'const found = scene.byLabel(args.label); return { label: args.label, n: found.length, scaled: found.length * args.k };';
    const out = ctx.runBatch([
      { source, args: { label: 'chair', k: 10 } },
      { source, args: { label: 'table', k: 2 } },
      { source, args: { label: 'sofa', k: 1 } },
    ]);
    expect(out.map(valueOf)).toEqual([
      { label: 'chair', n: 2, scaled: 20 },
      { label: 'table', n: 1, scaled: 2 },
      { label: 'sofa', n: 0, scaled: 0 },
    ]);
    expect(valueOf(ctx.run({ source: 'return args', args: [1, 'two', null] }))).toEqual([1, 'two', null]);
  });

  it('gives every run fresh args, and plain programs no args parameter at all', () => {
    const source = 'args.list.push(1); return args.list.length;';
    expect(ctx.runBatch([{ source, args: { list: [] } }, { source, args: { list: [] } }]).map(valueOf)).toEqual([1, 1]);
    expect(valueOf(ctx.run('const args = 3; return args * 2;'))).toBe(6);
    expect(valueOf(ctx.run('return typeof args'))).toBe('undefined');
  });

  it('refuses args that are not JSON and programs that are not source text', () => {
    expect(failureOf(ctx.run({ source: 'return 1', args: undefined as unknown as null }))).toMatchObject({ kind: 'syntax', message: 'program args must be JSON, found undefined' });
    expect(failureOf(ctx.run({ source: 5 } as unknown as string))).toMatchObject({ kind: 'syntax', message: 'program must be source text or { source, args }, found object' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(failureOf(ctx.run({ source: 'return 1', args: cyclic as never })).message).toBe('program args must be JSON, found object');
  });
});

describe('return values must be plain JSON', () => {
  const cases: [string, RegExp][] = [
    ['return undefined', /returned undefined \(is a return statement missing\?\)/],
    ['const x = 1;', /returned undefined/],
    ['return () => 1', /the returned value is a function/],
    ['return NaN', /is NaN, which JSON cannot represent/],
    ['return [1, -Infinity]', /returned value\[1\] is -Infinity/],
    ['const o = { a: {} }; o.a.back = o; return o', /returned value\.a\.back refers back to an enclosing value \(a cycle\)/],
    ['return { get x() { throw new Error("boom"); } }', /returned value\.x is a getter or setter; return plain data/],
    ['return { get x() { while (true) {} } }', /returned value\.x is a getter or setter/],
    ['return new Map([[1, 2]])', /is a Map, not a plain object or array/],
    ['return Promise.resolve(1)', /is a Promise \(programs must be synchronous\)/],
    ['class P { constructor() { this.x = 1; } } return new P()', /is an instance of P, not a plain object/],
    ['return new Error("e")', /is an Error, not a plain object/],
    ['return [1, , 3]', /returned value\[1\] is missing \(arrays must not have holes\)/],
    ['const a = [1]; a.extra = 2; return a', /has a non-index property "extra"/],
    ['return { [Symbol("s")]: 1 }', /has a symbol-keyed property/],
    ['return { a: 10n }', /returned value\.a is a BigInt/],
    ['return Object.defineProperty({}, "hidden", { value: 1 })', /returned value\.hidden is not enumerable/],
    ['let v = 0; for (let i = 0; i < 100; i++) v = [v]; return v', /is nested more than 64 levels deep/],
    ['return "x".repeat(70000)', /too large: more than 65536 characters of JSON/],
    ['return new Proxy({}, { ownKeys() { throw new Error("trap"); } })', /reading the returned value threw Error: trap/],
    ['return new Proxy({}, { ownKeys() { throw 7; } })', /reading the returned value threw a non-Error value: 7/],
  ];
  it.each(cases)('%s → bad-return', (program, message) => {
    const f = failureOf(ctx.run(program));
    expect(f.kind).toBe('bad-return');
    expect(f.message).toMatch(message);
  });

  it('a getter on the returned object is never called', () => {
    const calls = ctx.runBatch(['return scene.bump()', 'return { get x() { scene.bump(); return 1; } }', 'return scene.bump()']);
    expect(failureOf(calls[1]).kind).toBe('bad-return');
    expect(valueOf(calls[2])).toBe((valueOf(calls[0]) as number) + 1);
    const out = ctx.runBatch(['const o = {}; Object.defineProperty(o, "x", { get() { throw 42; }, enumerable: true }); return o', 'return 1']);
    expect(failureOf(out[0]).kind).toBe('bad-return');
    expect(valueOf(out[1])).toBe(1);
  });
});

describe('throwing', () => {
  it.each([
    ['throw 42', 'program threw a non-Error value: 42'],
    ['throw { x: 1 }', 'program threw a non-Error value: {"x":1}'],
    ['throw null', 'program threw a non-Error value: null'],
    ['throw undefined', 'program threw a non-Error value: undefined'],
    ['throw "oops"', 'program threw a non-Error value: "oops"'],
    ['throw Symbol("s")', 'program threw a non-Error value: a symbol'],
    ['throw () => 1', 'program threw a non-Error value: a function'],
    ['throw { get x() { throw 1; } }', 'program threw a non-Error value: an object that is not plain JSON'],
  ])('%s → non-error-throw', (program, message) => {
    expect(failureOf(ctx.run(program))).toMatchObject({ kind: 'non-error-throw', message });
  });

  it('Error subclasses and hostile Error objects still get a clear runtime verdict', () => {
    expect(failureOf(ctx.run('class E extends Error { constructor() { super("m"); this.name = "E"; } } throw new E()')).message).toBe('E: m (line 1)');
    const hostile = failureOf(ctx.run('const e = new Error("x"); Object.defineProperty(e, "message", { get() { throw 1; } }); throw e'));
    expect(hostile.kind).toBe('non-error-throw');
    expect(hostile.message).toBe('program threw a value that cannot be inspected');
    expect(failureOf(ctx.run('throw Object.create(TypeError.prototype)')).message).toBe('TypeError: ');
  });
});

describe('determinism', () => {
  it('disables Math.random and the clock, keeps explicit dates', () => {
    expect(failureOf(ctx.run('return Math.random()')).message).toMatch(/^TypeError: Math\.random\(\) is disabled in the sandbox: programs must be deterministic/);
    expect(failureOf(ctx.run('return Date.now()')).message).toMatch(/Date\.now\(\) is disabled/);
    expect(failureOf(ctx.run('return new Date().getTime()')).message).toMatch(/new Date\(\) without arguments/);
    expect(failureOf(ctx.run('return Date()')).message).toMatch(/Date\(\) \(the current time as a string\) is disabled/);
    expect(valueOf(ctx.run('return [new Date(0).toISOString(), Date.UTC(2020, 0, 1), new Date(86400000) instanceof Date]'))).toEqual(['1970-01-01T00:00:00.000Z', 1577836800000, true]);
    expect(valueOf(ctx.run('return typeof WeakRef + typeof FinalizationRegistry'))).toBe('undefinedundefined');
  });

  it('re-running a program reproduces its answer, in any batch position and context', () => {
    const program = 'const xs = scene.objects().map((o) => o.center[0] * 1.1 + o.id / 3); return xs.sort((a, b) => b - a).map((x) => Math.sin(x));';
    const first = ctx.run(program);
    const again = ctx.runBatch(['return 0', program, 'throw 1', program]);
    const other = sandbox.openContext(PRELUDE, SCENE);
    try {
      expect(valueOf(again[1])).toEqual(valueOf(first));
      expect(valueOf(again[3])).toEqual(valueOf(first));
      expect(valueOf(other.run(program))).toEqual(valueOf(first));
    } finally {
      other.dispose();
    }
  });
});

describe('contexts and preludes', () => {
  it('keeps scenes apart: each context sees only its own data', () => {
    const a = sandbox.openContext(PRELUDE, { ...SCENE, name: 'A' });
    const b = sandbox.openContext(PRELUDE, { ...SCENE, name: 'B', objects: [] });
    expect(valueOf(a.run('return [scene.meta.name, scene.objects().length]'))).toEqual(['A', 3]);
    expect(valueOf(b.run('return [scene.meta.name, scene.objects().length]'))).toEqual(['B', 0]);
    a.dispose();
    b.dispose();
    // Engines are pooled: a new scene in a recycled context must not see the old one.
    const c = sandbox.openContext(PRELUDE, { ...SCENE, name: 'C', objects: [] });
    expect(valueOf(c.run('return scene.meta.name'))).toBe('C');
    c.dispose();
    expect(() => a.run('return 1')).toThrow(SandboxError);
  });

  it('freezes the data and the scene API: programs cannot change them for the next program', () => {
    const out = ctx.runBatch([
      'scene.extra = 1',
      'scene.meta.tags.push("c")',
      'scene.objects()[0].label = "sofa"',
      'delete scene.unique',
      'return [scene.extra, scene.meta.tags, scene.objects()[0].label, typeof scene.unique]',
    ]);
    for (const o of out.slice(0, 4)) expect(failureOf(o).kind).toBe('runtime');
    expect(failureOf(out[4]).message).toMatch(/returned value\[0\] is undefined/);
    expect(valueOf(ctx.run('return [scene.extra === undefined, scene.meta.tags, scene.objects()[0].label, typeof scene.unique]'))).toEqual([true, ['a', 'b'], 'chair', 'function']);
  });

  it('accepts the prelude as a function body over `data`; reports prelude failures as SandboxError', () => {
    const arrayData = sandbox.openContext('return { n: data.length };', [1, 2, 3]);
    expect(valueOf(arrayData.run('return scene.n'))).toBe(3);
    arrayData.dispose();
    expect(() => sandbox.openContext('return {', {})).toThrow(/^the scene-API prelude does not compile: SyntaxError/);
    expect(() => sandbox.openContext('const api = {};', {})).toThrow('the scene-API prelude failed: it returned undefined, not the scene API object');
    expect(() => sandbox.openContext('\n\nthrow new TypeError("bad scene");', {})).toThrow('the scene-API prelude failed: TypeError: bad scene (line 3)');
    expect(() => sandbox.openContext('data.x = 1; return {};', {})).toThrow(/the scene-API prelude failed: TypeError/);
    expect(() => sandbox.openContext('return { cache: new Map() };', {})).toThrow(/the scene API\.cache is a Map, whose contents stay mutable when frozen/);
    expect(() => sandbox.openContext('while (true) {}', {})).toThrow(/the scene-API prelude failed: it ran past its 2000 ms limit/);
    expect(() => sandbox.openContext('return {};', { f: 1n })).toThrow(TypeError);
    expect(() => sandbox.openContext('return {};', undefined)).toThrow(/not JSON-serialisable/);
    // The sandbox is unharmed by all of the above.
    expect(valueOf(ctx.run('return 7'))).toBe(7);
  });

  it("runs the product's scene API (program/sceneApi.ts) under the lockdown", () => {
    const box = (id: number, label: string, x: number) => ({ id, label, center: [x, 0, 0.5], extents: [1, 1, 1], rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1] });
    const data = { sceneId: 's', roomArea: 20, floorZ: 0, objects: [box(1, 'sofa', 0), box(2, 'tv', 3), box(3, 'chair', 5)], frames: 0, visibility: {}, cameras: [] };
    const real = sandbox.openContext(`${sceneApiPrelude()}\nreturn createSceneApi(data);`, data);
    try {
      expect(valueOf(real.run('return scene.round(scene.distance(scene.unique("sofa"), scene.unique("tv")), 2)'))).toBe(2);
      expect(valueOf(real.run('return scene.labels()'))).toEqual(['chair', 'sofa', 'tv']);
      expect(failureOf(real.run('return scene.unique("lamp")')).kind).toBe('runtime');
    } finally {
      real.dispose();
    }
  });

  it('startBatch returns while the programs run; the sandbox takes nothing else until their outcomes are taken', () => {
    const take = ctx.startBatch(['return 1', 'let i = 0; while (i < 1e4) i++; return i', 'return scene.unique("table").id']);
    expect(() => sandbox.openContext(PRELUDE, SCENE)).toThrow(/a batch is still running in this sandbox/);
    expect(() => ctx.runBatch(['return 2'])).toThrow(/a batch is still running in this sandbox/);
    expect(take().map((o) => valueOf(o))).toEqual([1, 1e4, 3]);
    expect(() => take()).toThrow(/already taken/);
    // Free again, and a batch with nothing to send (every program refused here) holds nothing.
    expect(ctx.startBatch([42 as unknown as string])().map((o) => failureOf(o).kind)).toEqual(['syntax']);
    expect(valueOf(ctx.run('return 7'))).toBe(7);
  });

  it('startScene sends the scene and its batch together; a failing prelude fails the outcomes as it fails openContext', () => {
    expect(sandbox.startScene(PRELUDE, { ...SCENE, name: 'S' }, ['return scene.meta.name', 'return scene.objects().length'])().map((o) => valueOf(o))).toEqual(['S', 3]);
    const broken = '\n\nthrow new TypeError("bad scene");';
    const take = sandbox.startScene(broken, {}, ['return 1']);
    expect(() => take()).toThrow('the scene-API prelude failed: TypeError: bad scene (line 3)');
    // With nothing to send (every program refused here) the prelude is still checked, at once.
    expect(() => sandbox.startScene(broken, {}, [42 as unknown as string])).toThrow('the scene-API prelude failed: TypeError: bad scene (line 3)');
    expect(() => sandbox.startScene('return {};', undefined, ['return 1'])).toThrow(/startScene: the scene data is not JSON-serialisable/);
    // Nothing is left behind: the sandbox and an open context go on as before.
    expect(valueOf(ctx.run('return scene.unique("table").id'))).toBe(3);
    expect(sandbox.startScene(PRELUDE, SCENE, ['return 5'])().map((o) => valueOf(o))).toEqual([5]);
  });

  it('validates options', async () => {
    await expect(createSandbox({ timeLimitMs: 0 })).rejects.toThrow('sandbox option timeLimitMs: expected a number from 1 to 600000, found 0');
    await expect(createSandbox({ stackLimitBytes: 64 * 1024 * 1024 })).rejects.toThrow(/stackLimitBytes/);
    await expect(createSandbox({ memoryLimitBytes: Number.NaN })).rejects.toThrow(/memoryLimitBytes/);
  });

  it('refuses to run after dispose', async () => {
    const s = await createSandbox();
    const c = s.openContext('return {}', {});
    s.dispose();
    expect(() => c.run('return 1')).toThrow(/disposed/);
    expect(() => s.openContext('return {}', {})).toThrow(/disposed/);
  });
});
