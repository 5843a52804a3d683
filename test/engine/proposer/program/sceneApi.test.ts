import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createSceneApi, sceneApiPrelude } from '../../../../src/engine/proposer/program/sceneApi.js';
import type { ProgramSceneData, SceneApi, Triple } from '../../../../src/engine/proposer/program/types.js';
import { closestPointOnBox } from '../../../../src/engine/scene/obb.js';
import type { Mat3, OrientedBox, Vec3 } from '../../../../src/shared/scene.js';
import { createRng } from '../../../../src/shared/random.js';
import { apply3, I3, mul3, obj, randomRotation, randomScene, rotX, rotY, rotZ, sceneData } from './sceneData.js';

const SQRT2 = Math.SQRT2;

describe('scene API: objects and labels', () => {
  const api = createSceneApi(
    sceneData([
      obj(7, 'chair', [0, 0, 0]),
      obj(2, 'table', [3, 0, 0]),
      obj(5, 'chair', [0, 3, 0]),
      obj(3, 'chair', [0, -3, 0]),
      obj(9, 'Lamp', [1, 1, 1]),
    ]),
  );

  it('lists objects by id, labels in code-unit order, instances of a label by id', () => {
    expect(api.objects().map((o) => o.id)).toEqual([2, 3, 5, 7, 9]);
    expect(api.labels()).toEqual(['Lamp', 'chair', 'table']);
    expect(api.byLabel('chair').map((o) => o.id)).toEqual([3, 5, 7]);
    expect(api.byLabel('sofa')).toEqual([]);
    expect(api.count('chair')).toBe(3);
    expect(api.count('sofa')).toBe(0);
    expect(api.object(2).label).toBe('table');
    expect(api.unique('table').id).toBe(2);
  });

  it('unique() and object() throw with the reason', () => {
    expect(() => api.unique('chair')).toThrow(new Error("label 'chair' is not unique: 3 objects"));
    expect(() => api.unique('sofa')).toThrow(new Error("label 'sofa' not found: 0 objects"));
    expect(() => api.object(4)).toThrow(/no object with id 4/);
    expect(() => api.distance('chair' as unknown as number, 2)).toThrow(TypeError);
  });

  it('takes a view or an id everywhere', () => {
    const table = api.unique('table');
    expect(api.distance(table, 7)).toBe(api.distance(2, api.object(7)));
    expect(api.volume(2)).toBe(api.volume(table));
  });

  it('returns frozen views and lists, and is frozen itself', () => {
    const v = api.object(2);
    expect(Object.isFrozen(v) && Object.isFrozen(v.center) && Object.isFrozen(v.extents) && Object.isFrozen(v.rotation)).toBe(true);
    expect(Object.isFrozen(api.objects()) && Object.isFrozen(api.byLabel('chair')) && Object.isFrozen(api.labels())).toBe(true);
    expect(Object.isFrozen(api)).toBe(true);
    expect(() => ((v as { id: number }).id = 1)).toThrow(TypeError);
    expect(() => (api.objects() as unknown as ObjectViewList).push(v)).toThrow(TypeError);
  });

  it('does not keep references to the caller’s arrays', () => {
    const data = sceneData([obj(1, 'a', [0, 0, 0])]);
    const a = createSceneApi(data);
    data.objects[0]!.center[0] = 5;
    expect(a.object(1).center[0]).toBe(0);
  });

  it('rejects malformed data with the field named', () => {
    expect(() => createSceneApi(sceneData([obj(1, 'a', [0, 0, 0]), obj(1, 'b', [1, 0, 0])]))).toThrow(/duplicate object id 1/);
    expect(() => createSceneApi(sceneData([{ ...obj(1, 'a', [0, 0, 0]), rotation: [1, 0, 0] }]))).toThrow(/object 1 rotation/);
    expect(() => createSceneApi(sceneData([obj(1, 'a', [0, 0, NaN])]))).toThrow(/object 1 center\[2\]/);
    expect(() => createSceneApi(sceneData([], { frames: 2 }))).toThrow(/expected 2 cameras/);
  });
});

type ObjectViewList = { push(v: unknown): void };

describe('scene API: distance between oriented boxes', () => {
  const pair = (b: ReturnType<typeof obj>, a = obj(1, 'a', [0, 0, 0])): number => createSceneApi(sceneData([a, { ...b, id: 2 }])).distance(1, 2);

  it('axis-aligned boxes separated along x: the gap', () => {
    // a spans x ∈ [−0.5, 0.5]; b spans [0.8, 1.8] and overlaps a in y and z.
    expect(pair(obj(2, 'b', [1.3, 0.2, 0.1]))).toBeCloseTo(0.3, 12);
  });

  it('axis-aligned boxes apart diagonally: corner-edge distance √(0.3² + 0.4²) = 0.5', () => {
    expect(pair(obj(2, 'b', [1.3, 1.4, 0]))).toBeCloseTo(0.5, 12);
    // Apart on all three axes: corner to corner √(0.2² + 0.3² + 0.6²) = 0.7.
    expect(pair(obj(2, 'b', [1.2, -1.3, 1.6]))).toBeCloseTo(0.7, 12);
  });

  it('a box turned 45° about z reaches √2·h with its vertical edge', () => {
    const h = 0.4;
    const turned = obj(1, 'a', [0, 0, 0], [2 * h, 2 * h, 2 * h], rotZ(45));
    // b's face is at x = 1.
    expect(pair(obj(2, 'b', [1.5, 0, 0]), turned)).toBeCloseTo(1 - SQRT2 * h, 12);
  });

  it('crossed edges: vertical edge of one box against a horizontal edge of the other (edge–edge case)', () => {
    // a (turned about z) has its edge x = √2/2, y = 0, z ∈ [−½, ½]; b (turned about y, centred at x = 2) has
    // its edge x = 2 − √2/2, z = 0, y ∈ [−½, ½]. The edges cross at right angles: gap 2 − √2.
    const a = obj(1, 'a', [0, 0, 0], [1, 1, 1], rotZ(45));
    expect(pair(obj(2, 'b', [2, 0, 0], [1, 1, 1], rotY(45)), a)).toBeCloseTo(2 - SQRT2, 12);
  });

  it('touching, overlapping, nested and crossing boxes are at distance 0', () => {
    expect(pair(obj(2, 'b', [1, 0.3, 0]))).toBe(0); // faces touch
    expect(pair(obj(2, 'b', [1, 1, 1]))).toBe(0); // corners touch
    expect(pair(obj(2, 'b', [0.7, 0.2, 0]))).toBe(0); // overlap
    expect(pair(obj(2, 'b', [0.1, 0, 0], [0.2, 0.2, 0.2]))).toBe(0); // nested
    // A plus sign: no vertex or edge of either box is near the other's boundary, yet they intersect.
    const bar = obj(1, 'a', [0, 0, 0], [4, 0.2, 2]);
    expect(pair(obj(2, 'b', [0, 0, 0], [0.2, 4, 1]), bar)).toBe(0);
  });

  it('is symmetric, 0 to itself, and memoised per pair', () => {
    const api = createSceneApi(sceneData([obj(1, 'a', [0, 0, 0], [1, 1, 1], rotZ(30)), obj(2, 'b', [2, 1, 0.5], [0.5, 1, 2], rotX(20))]));
    expect(api.distance(1, 2)).toBe(api.distance(2, 1));
    expect(api.distance(1, 1)).toBe(0);
  });

  it('matches alternating projections (1e-6 relative) and dense surface sampling (within its grid bound) on random rotated boxes', () => {
    const rng = createRng(20240611);
    let checked = 0;
    for (let trial = 0; trial < 150; trial++) {
      const a: OrientedBox = { center: [0, 0, 0], extents: [rng.range(0.1, 2), rng.range(0.1, 2), rng.range(0.1, 2)], rotation: randomRotation(rng) as Mat3 };
      const dir = apply3(randomRotation(rng), [1, 0, 0]);
      const r = rng.range(0.3, 3);
      const b: OrientedBox = { center: [dir[0] * r, dir[1] * r, dir[2] * r], extents: [rng.range(0.1, 2), rng.range(0.1, 2), rng.range(0.1, 2)], rotation: randomRotation(rng) as Mat3 };
      const api = createSceneApi(sceneData([obj(1, 'a', a.center, a.extents, a.rotation), obj(2, 'b', b.center, b.extents, b.rotation)]));
      const d = api.distance(1, 2);
      const projected = alternatingProjections(a, b);
      if (projected < 1e-9) {
        expect(d).toBe(0);
        continue;
      }
      checked++;
      expect(d).toBeLessThanOrEqual(projected + 1e-12);
      expect((projected - d) / projected).toBeLessThan(1e-6);
      if (trial % 5 === 0) {
        const { best, slack } = sampledDistance(a, b, 24);
        expect(d).toBeLessThanOrEqual(best + 1e-12);
        expect(best - d).toBeLessThanOrEqual(slack);
      }
    }
    expect(checked).toBeGreaterThan(60);
  });
});

/** Closest points by alternating projection (Cheney–Goldstein): converges to the distance for convex sets. */
function alternatingProjections(a: OrientedBox, b: OrientedBox): number {
  let p: Vec3 = a.center;
  let q: Vec3 = closestPointOnBox(b, p);
  let d = Infinity;
  for (let i = 0; i < 200_000; i++) {
    p = closestPointOnBox(a, q);
    q = closestPointOnBox(b, p);
    const next = Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
    if (d - next < 1e-16 && i > 10) return next;
    d = next;
  }
  return d;
}

/** min over an m×m grid per face of a of the exact point–box distance to b; `slack` bounds its excess. */
function sampledDistance(a: OrientedBox, b: OrientedBox, m: number): { best: number; slack: number } {
  let best = Infinity;
  let slack = 0;
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    const e = from.extents;
    for (let n = 0; n < 3; n++)
      for (const sign of [-1, 1]) {
        const [u, v] = [(n + 1) % 3, (n + 2) % 3];
        slack = Math.max(slack, Math.hypot(e[u]! / m, e[v]! / m) / 2);
        for (let i = 0; i < m; i++)
          for (let j = 0; j < m; j++) {
            const local = [0, 0, 0];
            local[n] = (sign * e[n]!) / 2;
            local[u] = ((i + 0.5) / m - 0.5) * e[u]!;
            local[v] = ((j + 0.5) / m - 0.5) * e[v]!;
            const w = apply3(from.rotation, local);
            const p: Vec3 = [from.center[0] + w[0], from.center[1] + w[1], from.center[2] + w[2]];
            const c = closestPointOnBox(to, p);
            best = Math.min(best, Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2]));
          }
      }
  }
  return { best, slack };
}

describe('scene API: sizes and heights', () => {
  it('measures extents, volume and world-Z range, also for tilted boxes', () => {
    const api = createSceneApi(
      sceneData([
        obj(1, 'upright', [0, 0, 1], [1, 0.5, 2]),
        // Turned 90° about x: local y becomes world z, so it stands 0.5 tall.
        obj(2, 'lying', [0, 0, 1], [1, 0.5, 2], rotX(90)),
        // A unit cube tilted 45° about y: its height is the face diagonal √2.
        obj(3, 'tilted', [0, 0, 2], [1, 1, 1], rotY(45)),
      ]),
    );
    expect(api.longestDimension(1)).toBe(2);
    expect(api.volume(1)).toBeCloseTo(1, 12);
    expect(api.height(1)).toBeCloseTo(2, 12);
    expect(api.bottom(1)).toBeCloseTo(0, 12);
    expect(api.top(1)).toBeCloseTo(2, 12);
    expect(api.height(2)).toBeCloseTo(0.5, 12);
    expect(api.bottom(2)).toBeCloseTo(0.75, 12);
    expect(api.height(3)).toBeCloseTo(SQRT2, 12);
    expect(api.top(3)).toBeCloseTo(2 + SQRT2 / 2, 12);
    expect(api.centerDistance(1, 3)).toBeCloseTo(1, 12);
  });
});

describe('scene API: floorAngle', () => {
  const at = (id: number, x: number, y: number, z = 0): ReturnType<typeof obj> => obj(id, `o${id}`, [x, y, z], [0.2, 0.2, 0.2]);
  const api = createSceneApi(sceneData([at(1, 0, 0), at(2, 1, 0, 3), at(3, 0, 1), at(4, 0, -1), at(5, -1, 0), at(6, 1, 1, -2), at(7, 0, 0, 2)]));

  it('is positive to the left (counter-clockwise from above), in degrees', () => {
    expect(api.floorAngle(1, 2, 3)).toBeCloseTo(90, 12);
    expect(api.floorAngle(1, 2, 4)).toBeCloseTo(-90, 12);
    expect(api.floorAngle(1, 2, 5)).toBe(180);
    expect(api.floorAngle(1, 2, 6)).toBeCloseTo(45, 12); // heights are ignored
    expect(api.floorAngle(1, 2, 2)).toBe(0);
  });

  it('throws when the direction is undefined (same floor position)', () => {
    expect(() => api.floorAngle(1, 7, 3)).toThrow(/facing is undefined/);
    expect(() => api.floorAngle(1, 2, 7)).toThrow(/direction is undefined/);
  });
});

describe('scene API: invariances (seeded random scenes)', () => {
  const allPairs = (api: SceneApi): number[] => {
    const ids = api.objects().map((o) => o.id);
    return ids.flatMap((a, i) => ids.slice(i + 1).map((b) => api.distance(a, b)));
  };
  const triples = (api: SceneApi): number[] => {
    const ids = api.objects().map((o) => o.id);
    const out: number[] = [];
    for (const a of ids) for (const b of ids) for (const c of ids) if (a !== b && a !== c && b !== c) out.push(api.floorAngle(a, b, c));
    return out;
  };
  const angleGap = (x: number, y: number): number => Math.abs(((x - y + 540) % 360) - 180);
  const transform = (data: ProgramSceneData, rot: number[], t: Triple, mirror = false): ProgramSceneData => {
    const M = mirror ? [-1, 0, 0, 0, 1, 0, 0, 0, 1] : I3;
    return {
      ...data,
      objects: data.objects.map((o) => {
        const c = apply3(M, apply3(rot, o.center));
        // M·R·M is the mirror image's rotation: proper again, and a box is symmetric under flipping an axis.
        return { ...o, center: [c[0] + t[0], c[1] + t[1], c[2] + t[2]] as Triple, rotation: mul3(M, mul3(mul3(rot, o.rotation), M)) };
      }),
    };
  };

  for (const seed of [1, 2, 3]) {
    const rng = createRng(seed);
    const data = randomScene(rng, 9);
    const api = createSceneApi(data);
    const d0 = allPairs(api);
    const a0 = triples(api);

    it(`seed ${seed}: rotating about Z and translating leaves distances and floor angles unchanged`, () => {
      const moved = createSceneApi(transform(data, rotZ(rng.range(-180, 180)), [rng.range(-10, 10), rng.range(-10, 10), rng.range(-1, 1)]));
      allPairs(moved).forEach((d, i) => expect(d).toBeCloseTo(d0[i]!, 9));
      triples(moved).forEach((a, i) => expect(angleGap(a, a0[i]!)).toBeLessThan(1e-9));
    });

    it(`seed ${seed}: relabelling leaves distances unchanged`, () => {
      const relabelled = createSceneApi({ ...data, objects: data.objects.map((o, i) => ({ ...o, label: `thing${i % 3}` })) });
      expect(allPairs(relabelled)).toEqual(d0);
    });

    it(`seed ${seed}: mirroring x → −x keeps distances and negates floor angles`, () => {
      const mirrored = createSceneApi(transform(data, I3, [0, 0, 0], true));
      allPairs(mirrored).forEach((d, i) => expect(d).toBeCloseTo(d0[i]!, 9));
      triples(mirrored).forEach((a, i) => expect(angleGap(a, -a0[i]!)).toBeLessThan(1e-9));
      expect(a0.some((a) => a > 10) && a0.some((a) => a < -10)).toBe(true);
    });
  }
});

describe('scene API: frames, cameras and rounding', () => {
  const data = sceneData([obj(1, 'box', [0, 0, 0.5]), obj(2, 'ball', [2, 2, 0.5], [0.3, 0.3, 0.3])], {
    frames: 3,
    fps: 1,
    visibility: { '1': { firstFrame: 1, frames: [1, 2], maxFraction: 0.8 } },
    cameras: [
      { position: [3, 0, 0.5], forward: [-1, 0, 0] },
      { position: [0, 0, 0.7], forward: [1, 0, 0] },
      { position: [3, 4, 1], forward: [-1, 0, 0] },
    ],
  });
  const api = createSceneApi(data);

  it('reports visibility from the data; objects without an entry were never seen', () => {
    expect(api.frameCount()).toBe(3);
    expect(api.firstVisibleFrame(1)).toBe(1);
    expect(api.visibleFrames(1)).toEqual([1, 2]);
    expect(Object.isFrozen(api.visibleFrames(1))).toBe(true);
    expect(api.firstVisibleFrame(2)).toBeNull();
    expect(api.visibleFrames(2)).toEqual([]);
    expect(api.roomArea()).toBe(20);
    expect(api.floorZ()).toBe(0);
  });

  it('cameraDistance is camera centre to the closest point of the box (0 inside)', () => {
    expect(api.cameraDistance(1, 0)).toBeCloseTo(2.5, 12);
    expect(api.cameraDistance(1, 1)).toBe(0);
    // From (3, 4, 1) to the box's corner edge (0.5, 0.5, z ∈ [0, 1]): √(2.5² + 3.5²).
    expect(api.cameraDistance(1, 2)).toBeCloseTo(Math.hypot(2.5, 3.5), 12);
    expect(() => api.cameraDistance(1, 3)).toThrow(new RangeError('frame 3 out of range: frames are 0 to 2'));
    expect(() => api.cameraDistance(1, 0.5)).toThrow(RangeError);
    expect(() => createSceneApi(sceneData([obj(1, 'a', [0, 0, 0])])).cameraDistance(1, 0)).toThrow(/no video frames/);
  });

  it('round() rounds the decimal as written, halves away from zero', () => {
    expect(api.round(1.005, 2)).toBe(1.01);
    expect(api.round(2.5)).toBe(3);
    expect(api.round(-2.5)).toBe(-3);
    expect(api.round(0.1 + 0.2, 2)).toBe(0.3);
    expect(api.round(1.2345, 3)).toBe(1.235);
    expect(api.round(-0.0004, 2)).toBe(0);
    expect(Object.is(api.round(-0.0004, 2), -0)).toBe(false);
    expect(api.round(123.456, 0)).toBe(123);
    expect(() => api.round(1, 13)).toThrow(RangeError);
    expect(() => api.round(1, 1.5)).toThrow(RangeError);
    expect(() => api.round(NaN, 1)).toThrow(TypeError);
  });
});

describe('sceneApiPrelude: the same function as source text', () => {
  const rng = createRng(99);
  const data = randomScene(rng, 10);
  data.frames = 2;
  data.cameras = [
    { position: [-5, 0, 1.5], forward: [1, 0, 0] },
    { position: [5, 1, 1.5], forward: [-1, 0, 0] },
  ];
  data.visibility = Object.fromEntries(data.objects.map((o, i) => [String(o.id), { firstFrame: i % 3 === 0 ? null : i % 2, frames: i % 3 === 0 ? [] : [i % 2, 1].filter((f, k, l) => l.indexOf(f) === k), maxFraction: 0.5 }]));

  /** Every API function over every object (and pair / triple), as plain JSON. */
  const everything = (api: SceneApi): unknown => {
    const ids = api.objects().map((o) => o.id);
    const out: Record<string, unknown> = {
      objects: api.objects(),
      labels: api.labels(),
      byLabel: api.labels().map((l) => [api.byLabel(l), api.count(l)]),
      unique: api.labels().map((l) => {
        try {
          return api.unique(l).id;
        } catch (e) {
          return (e as Error).message;
        }
      }),
      misc: [api.roomArea(), api.floorZ(), api.frameCount(), api.round(Math.PI, 4)],
    };
    out.perObject = ids.map((id) => [
      api.object(id).label,
      api.longestDimension(id),
      api.height(id),
      api.bottom(id),
      api.top(id),
      api.volume(id),
      api.firstVisibleFrame(id),
      api.visibleFrames(id),
      api.cameraDistance(id, 0),
      api.cameraDistance(id, 1),
    ]);
    out.pairs = ids.flatMap((a) => ids.map((b) => [api.distance(a, b), api.centerDistance(a, b)]));
    out.angles = ids.flatMap((a) => ids.flatMap((b) => ids.filter((c) => c !== a && b !== a).map((c) => api.floorAngle(a, b, c))));
    return JSON.parse(JSON.stringify(out));
  };

  it('defines __name and createSceneApi, nothing else leaks from the module', () => {
    const src = sceneApiPrelude();
    expect(src.startsWith('const __name = (f, _n) => f;\nconst createSceneApi = ')).toBe(true);
    expect(src).not.toMatch(/\bimport\b|\brequire\(|__vi_import|__vite_ssr/);
  });

  it('gives identical answers when evaluated with new Function', () => {
    const make = new Function(`${sceneApiPrelude()}\nreturn createSceneApi;`)() as typeof createSceneApi;
    expect(everything(make(data))).toEqual(everything(createSceneApi(data)));
  });

  it('runs in a fresh realm with only the ECMAScript built-ins', () => {
    const context = { DATA: JSON.stringify(data) };
    const result = runInNewContext(`${sceneApiPrelude()}\nconst scene = createSceneApi(JSON.parse(DATA));\n(${everything.toString()})(scene);`, context) as unknown;
    expect(JSON.parse(JSON.stringify(result))).toEqual(everything(createSceneApi(data)));
  });
});
