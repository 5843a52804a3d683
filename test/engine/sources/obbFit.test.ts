import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/shared/random.js';
import type { Vec3 } from '../../../src/shared/scene.js';
import { rotationZ } from '../../../src/engine/scene/math.js';
import { boxContains } from '../../../src/engine/scene/obb.js';
import type { Point2 } from '../../../src/engine/scene/obbFit.js';
import { MIN_BOX_EXTENT, convexHullXY, fitUprightBox, minAreaRectangle, polygonArea } from '../../../src/engine/scene/obbFit.js';

/** Corners plus random interior and surface points of an upright box. */
function boxPoints(center: Vec3, size: Vec3, yaw: number, extra: number, seed: number): number[] {
  const rng = createRng(seed);
  const r = rotationZ(yaw);
  const out: number[] = [];
  const push = (l: Vec3): void => {
    out.push(center[0] + r[0] * l[0] + r[1] * l[1], center[1] + r[3] * l[0] + r[4] * l[1], center[2] + l[2]);
  };
  for (let k = 0; k < 8; k++) push([((k & 1 ? 1 : -1) * size[0]) / 2, ((k & 2 ? 1 : -1) * size[1]) / 2, ((k & 4 ? 1 : -1) * size[2]) / 2]);
  for (let i = 0; i < extra; i++) {
    const l: Vec3 = [rng.range(-0.5, 0.5) * size[0], rng.range(-0.5, 0.5) * size[1], rng.range(-0.5, 0.5) * size[2]];
    if (i % 2) {
      const k = rng.int(2); // some on the side faces
      l[k] = (rng.chance(0.5) ? 0.5 : -0.5) * size[k]!;
    }
    push(l);
  }
  return out;
}

/** Angle difference modulo π (a rectangle's axis has no sign). */
function angleDiff(a: number, b: number): number {
  const d = (((a - b) % Math.PI) + Math.PI) % Math.PI;
  return Math.min(d, Math.PI - d);
}

function bruteMinArea(hull: Point2[]): number {
  let best = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const u = [(b[0] - a[0]) / len, (b[1] - a[1]) / len];
    let [u0, u1, n0, n1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const p of hull) {
      const du = u[0]! * p[0] + u[1]! * p[1];
      const dn = -u[1]! * p[0] + u[0]! * p[1];
      [u0, u1, n0, n1] = [Math.min(u0, du), Math.max(u1, du), Math.min(n0, dn), Math.max(n1, dn)];
    }
    best = Math.min(best, (u1 - u0) * (n1 - n0));
  }
  return best;
}

describe('fitUprightBox', () => {
  const cases: { center: Vec3; size: Vec3; yaw: number }[] = [
    { center: [5, -3, 0.55], size: [2, 0.8, 1.1], yaw: 0.3 },
    { center: [0, 0, 0.4], size: [1.2, 0.8, 0.75], yaw: 0 },
    { center: [-1, 2, 1], size: [0.5, 1.5, 2], yaw: -1.2 },
    { center: [1000, -2000, 10], size: [0.6, 0.6001, 0.9], yaw: (75 * Math.PI) / 180 },
    { center: [3, 3, 0], size: [4, 0.05, 2.5], yaw: Math.PI / 2 },
  ];
  for (const c of cases) {
    it(`recovers a ${c.size.join('×')} box rotated ${c.yaw.toFixed(2)} rad`, () => {
      const pts = boxPoints(c.center, c.size, c.yaw, 2000, 11);
      const box = fitUprightBox(new Float32Array(pts));
      const long = Math.max(c.size[0], c.size[1]);
      const short = Math.min(c.size[0], c.size[1]);
      const tol = 1e-4 * Math.max(1, Math.abs(c.center[0]), Math.abs(c.center[1]));
      expect(box.extents[0]).toBeCloseTo(long, 3);
      expect(box.extents[1]).toBeCloseTo(short, 3);
      expect(box.extents[2]).toBeCloseTo(c.size[2], 5);
      box.center.forEach((v, k) => expect(Math.abs(v - c.center[k]!)).toBeLessThan(tol));
      // Local x runs along the longer side.
      const expectedAngle = c.size[0] >= c.size[1] ? c.yaw : c.yaw + Math.PI / 2;
      expect(angleDiff(Math.atan2(box.rotation[3], box.rotation[0]), expectedAngle)).toBeLessThan(1e-3);
      // Gravity-aligned: the local z axis is world z.
      expect([box.rotation[2], box.rotation[5], box.rotation[8]]).toEqual([0, 0, 1]);
      for (let i = 0; i < pts.length; i += 3) expect(boxContains(box, [pts[i]!, pts[i + 1]!, pts[i + 2]!], 1e-4 * Math.max(1, Math.abs(c.center[0])))).toBe(true);
    });
  }

  it('uses only the indexed points, from a number[]', () => {
    const a = boxPoints([0, 0, 0.5], [1, 1, 1], 0, 10, 1);
    const b = boxPoints([10, 0, 0.5], [3, 2, 1], 0.5, 10, 2);
    const all = [...a, ...b];
    const idx = Array.from({ length: b.length / 3 }, (_, i) => a.length / 3 + i);
    const box = fitUprightBox(all, idx);
    expect(box.extents[0]).toBeCloseTo(3, 6);
    expect(box.extents[1]).toBeCloseTo(2, 6);
    expect(box.center[0]).toBeCloseTo(10, 6);
  });

  it('degenerate inputs give the minimum extent', () => {
    const one = fitUprightBox([1, 2, 3]);
    expect(one.center).toEqual([1, 2, 3]);
    expect(one.extents).toEqual([MIN_BOX_EXTENT, MIN_BOX_EXTENT, MIN_BOX_EXTENT]);
    const line = fitUprightBox([0, 0, 0, 1, 1, 0, 2, 2, 0, 0.5, 0.5, 1]);
    expect(line.extents[0]).toBeCloseTo(2 * Math.SQRT2, 9);
    expect(line.extents[1]).toBe(MIN_BOX_EXTENT);
    expect(line.extents[2]).toBe(1);
    expect(() => fitUprightBox([])).toThrow(RangeError);
  });
});

describe('convex hull and minimum-area rectangle', () => {
  it('hull is counter-clockwise, made of input points, and contains every point', () => {
    const rng = createRng(4);
    const pts: number[] = [];
    for (let i = 0; i < 5000; i++) pts.push(rng.normal() * 3, rng.normal(), rng.next());
    const hull = convexHullXY(pts);
    let signed = 0;
    for (let i = 0; i < hull.length; i++) {
      const a = hull[i]!;
      const b = hull[(i + 1) % hull.length]!;
      signed += a[0] * b[1] - a[1] * b[0];
    }
    expect(signed).toBeGreaterThan(0);
    for (const [x, y] of hull) expect(pts.some((_, i) => i % 3 === 0 && Math.abs(pts[i]! - x) < 1e-12 && Math.abs(pts[i + 1]! - y) < 1e-12)).toBe(true);
    for (let i = 0; i < pts.length; i += 3) {
      for (let e = 0; e < hull.length; e++) {
        const a = hull[e]!;
        const b = hull[(e + 1) % hull.length]!;
        expect((b[0] - a[0]) * (pts[i + 1]! - a[1]) - (b[1] - a[1]) * (pts[i]! - a[0])).toBeGreaterThanOrEqual(-1e-9);
      }
    }
  });

  it('polygon area of a known square and of the hull of a grid', () => {
    expect(polygonArea([[0, 0], [2, 0], [2, 3], [0, 3]])).toBe(6);
    const grid: number[] = [];
    for (let x = 0; x <= 10; x++) for (let y = 0; y <= 4; y++) grid.push(x * 0.5, y * 0.5, 0);
    expect(polygonArea(convexHullXY(grid))).toBeCloseTo(10, 12);
    expect(convexHullXY(grid)).toHaveLength(4);
  });

  it('rotating calipers match a brute-force search on random sets and many-sided hulls', () => {
    const rng = createRng(8);
    for (let trial = 0; trial < 40; trial++) {
      const pts: number[] = [];
      const n = 5 + rng.int(300);
      const circle = trial % 4 === 0;
      for (let i = 0; i < n; i++) {
        if (circle) {
          const a = rng.range(0, 2 * Math.PI);
          pts.push(Math.cos(a) * 2, Math.sin(a), 0);
        } else pts.push(rng.range(-1, 1) * (1 + trial), rng.range(-1, 1), 0);
      }
      const hull = convexHullXY(pts);
      const rect = minAreaRectangle(hull);
      expect(rect.size[0] * rect.size[1]).toBeCloseTo(bruteMinArea(hull), 9);
      expect(rect.size[0]).toBeGreaterThanOrEqual(rect.size[1]);
      expect(rect.angle).toBeGreaterThan(-Math.PI / 2);
      expect(rect.angle).toBeLessThanOrEqual(Math.PI / 2);
    }
  });
});
