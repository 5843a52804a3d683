import { describe, expect, it } from 'vitest';
import type { Scene, SceneObject } from '../../../src/shared/scene.js';
import { normalizeLabel } from '../../../src/engine/scene/labels.js';
import { boxAabb } from '../../../src/engine/scene/obb.js';
import { sceneProblems } from '../../../src/engine/scene/validate.js';
import { sizeRangesForLabel } from '../../../src/engine/scene/categories.js';
import { boxFootprint } from '../../../src/engine/scene/synthesis/footprint.js';
import type { Vec2 } from '../../../src/engine/scene/synthesis/polygon.js';
import {
  convexInsidePolygon,
  convexIntersectionArea,
  convexSeparation,
  distanceToBoundary,
  polygonArea,
  polygonBounds,
} from '../../../src/engine/scene/synthesis/polygon.js';
import { ROOM_KIND_NAMES } from '../../../src/engine/scene/synthesis/roomKinds.js';
import { generateSyntheticScene, generateSyntheticScenes } from '../../../src/engine/sources/synthetic.js';

const WALL_LABELS = new Set(['window', 'door', 'radiator', 'clock', 'picture', 'mirror', 'whiteboard', 'towel']);
const EPS = 1e-6;

const scenes = generateSyntheticScenes(50, 2024);

function geometry(o: SceneObject): { fp: Vec2[]; zMin: number; zMax: number } {
  const a = boxAabb(o.box);
  return { fp: boxFootprint(o.box), zMin: a.min[2], zMax: a.max[2] };
}

function front(o: SceneObject): Vec2 {
  // Local +y is the object's front; it is the rotation's second column.
  return [o.box.rotation[1], o.box.rotation[4]];
}

/** Closest point of a convex polygon's boundary to p. */
function closestPoint(poly: Vec2[], p: Vec2): Vec2 {
  let best: Vec2 = poly[0]!;
  let bestD = Infinity;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % poly.length]!;
    const d: Vec2 = [b[0] - a[0], b[1] - a[1]];
    const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1]) / (d[0] * d[0] + d[1] * d[1])));
    const q: Vec2 = [a[0] + t * d[0], a[1] + t * d[1]];
    const dist = Math.hypot(q[0] - p[0], q[1] - p[1]);
    if (dist < bestD) {
      bestD = dist;
      best = q;
    }
  }
  return best;
}

function kindOf(s: Scene): string {
  return ROOM_KIND_NAMES.find((k) => s.provenance.conversion.notes[0]!.includes(`generated: ${k},`))!;
}

describe('generateSyntheticScene', () => {
  it('is deterministic: the same seed and index give an identical scene, typed arrays included', () => {
    const a = generateSyntheticScene({ seed: 42, index: 3 });
    const b = generateSyntheticScene({ seed: 42, index: 3 });
    expect(a).toEqual(b);
    expect(a.points!.positions).toEqual(b.points!.positions);
    expect(a.points!.colors).toEqual(b.points!.colors);
    expect(a.points!.objectIds).toEqual(b.points!.objectIds);
    const c = generateSyntheticScene({ seed: 42, index: 4 });
    expect(c.objects).not.toEqual(a.objects);
    expect(generateSyntheticScene({ seed: 43, index: 3 }).objects).not.toEqual(a.objects);
  });

  it('makes the same scene alone as in a batch, each batch scene on its own sub-seed', () => {
    const batch = generateSyntheticScenes(4, 42, { points: false });
    expect(batch[2]).toEqual(generateSyntheticScene({ seed: 42, index: 2, points: false }));
    expect(new Set(batch.map((s) => s.provenance.seeds.scene)).size).toBe(4);
    expect(batch.map((s) => s.id)).toEqual([0, 1, 2, 3].map((i) => `synthetic:synthetic-42-${i}`));
  });

  it('records where everything came from', () => {
    const s = scenes[0]!;
    expect(s.dataset).toBe('synthetic');
    expect(s.provenance.source).toBe('synthetic');
    expect(s.provenance.sourceId).toBe('synthetic-2024-0');
    expect(s.provenance.files).toEqual([]);
    expect(s.provenance.synthesised).toEqual([]);
    expect(s.provenance.conversion.notes.join(' ')).toMatch(/procedurally generated/);
    expect(s.provenance.conversion.upAxis).toBe('+z');
    for (const k of ['scene', 'layout', 'pointCloud', 'trajectory']) expect(Number.isInteger(s.provenance.seeds[k])).toBe(true);
  });

  it('produces valid scenes with a room, points and a walkthrough', () => {
    for (const s of scenes) {
      expect(sceneProblems(s)).toEqual([]);
      expect(s.points!.positions.length).toBeGreaterThan(3 * 5000);
      expect(s.trajectory).toHaveLength(32);
      const poly = s.room.floorPolygon!;
      expect(s.room.area).toBe(polygonArea(poly));
      expect(s.room.floorZ).toBe(0);
      const b = polygonBounds(poly);
      expect(s.room.bounds).toEqual({ min: [b.min[0], b.min[1], 0], max: [b.max[0], b.max[1], s.room.height] });
      expect(s.room.height!).toBeGreaterThanOrEqual(2.5);
      expect(s.room.height!).toBeLessThanOrEqual(3);
    }
  });

  it('draws every room kind, realistic areas, and L-shaped floors', () => {
    const kinds = new Set(scenes.map(kindOf));
    expect(kinds.size).toBeGreaterThanOrEqual(6);
    const areas = scenes.map((s) => s.room.area);
    expect(Math.min(...areas)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...areas)).toBeLessThanOrEqual(61);
    expect(scenes.filter((s) => s.room.floorPolygon!.length === 6).length).toBeGreaterThanOrEqual(3);
  });

  it('places nothing where something else is: no two objects share volume', () => {
    for (const s of scenes) {
      const g = s.objects.map(geometry);
      for (let i = 0; i < g.length; i++) {
        for (let j = i + 1; j < g.length; j++) {
          const zOverlap = Math.min(g[i]!.zMax, g[j]!.zMax) - Math.max(g[i]!.zMin, g[j]!.zMin);
          if (zOverlap <= EPS) continue;
          const overlap = convexIntersectionArea(g[i]!.fp, g[j]!.fp);
          expect(overlap, `${s.id}: ${s.objects[i]!.label} #${i} and ${s.objects[j]!.label} #${j}`).toBeLessThanOrEqual(1e-9);
        }
      }
    }
  });

  it('keeps every object inside the floor polygon and under the ceiling, rotated about z only', () => {
    for (const s of scenes) {
      for (const o of s.objects) {
        const g = geometry(o);
        expect(convexInsidePolygon(g.fp, s.room.floorPolygon!, 1e-9), `${s.id}: ${o.label}`).toBe(true);
        expect(g.zMin).toBeGreaterThanOrEqual(-EPS);
        expect(g.zMax).toBeLessThanOrEqual(s.room.height! + EPS);
        const r = o.box.rotation;
        expect([r[2], r[5], r[6], r[7], r[8]]).toEqual([0, 0, 0, 0, 1]);
      }
    }
  });

  it('stands objects on the floor, hangs them flush on a wall, or rests them entirely on another top', () => {
    let supported = 0;
    for (const s of scenes) {
      const g = s.objects.map(geometry);
      s.objects.forEach((o, i) => {
        const gi = g[i]!;
        const onWall = gi.fp.filter((v) => distanceToBoundary(v[0], v[1], s.room.floorPolygon!) < 0.005).length >= 2;
        if (WALL_LABELS.has(o.label)) {
          expect(onWall, `${s.id}: ${o.label} off the wall`).toBe(true);
          return;
        }
        if (gi.zMin < EPS) return;
        if (o.label === 'tv' && onWall) return;
        const support = g.findIndex((h, j) => j !== i && Math.abs(h.zMax - gi.zMin) < EPS && convexInsidePolygon(gi.fp, h.fp, 1e-9));
        expect(support, `${s.id}: ${o.label} #${i} floats`).toBeGreaterThanOrEqual(0);
        supported++;
      });
    }
    expect(supported).toBeGreaterThan(50);
  });

  it('respects the size priors of every label', () => {
    for (const s of scenes) {
      for (const o of s.objects) {
        const kinds = sizeRangesForLabel(o.label);
        expect(kinds.length, o.label).toBeGreaterThan(0);
        const [w, d, h] = o.box.extents;
        const fits = kinds.some((k) => w >= k.width[0] - EPS && w <= k.width[1] + EPS && d >= k.depth[0] - EPS && d <= k.depth[1] + EPS && h >= k.height[0] - EPS && h <= k.height[1] + EPS);
        expect(fits, `${o.label} ${o.box.extents.join('×')}`).toBe(true);
      }
    }
  });

  it('uses more than twenty normalised categories across fifty scenes', () => {
    const labels = new Set(scenes.flatMap((s) => s.objects.map((o) => o.label)));
    expect(labels.size).toBeGreaterThanOrEqual(25);
    for (const s of scenes) for (const o of s.objects) expect(normalizeLabel(o.rawLabel)).toBe(o.label);
  });

  it('repeats instances so counting questions are meaningful', () => {
    const counts = scenes.map((s) => {
      const m = new Map<string, number>();
      for (const o of s.objects) m.set(o.label, (m.get(o.label) ?? 0) + 1);
      return m;
    });
    expect(counts.filter((m) => [...m.values()].some((n) => n >= 2)).length).toBeGreaterThanOrEqual(45);
    expect(counts.filter((m) => (m.get('chair') ?? 0) >= 3).length).toBeGreaterThanOrEqual(10);
    expect(counts.filter((m) => (m.get('plant') ?? 0) >= 2 || (m.get('lamp') ?? 0) >= 2).length).toBeGreaterThanOrEqual(5);
  });

  it('groups furniture: chairs face the table they stand at, nightstands stand beside beds', () => {
    let chairs = 0;
    let nightstands = 0;
    for (const s of scenes) {
      const tables = s.objects.filter((o) => ['table', 'desk'].includes(o.label));
      for (const c of s.objects.filter((o) => o.label === 'chair')) {
        const cf = boxFootprint(c.box);
        const near = tables
          .map((t) => ({ fp: boxFootprint(t.box), gap: convexSeparation(cf, boxFootprint(t.box)) }))
          .filter((t) => t.gap < 0.3)
          .sort((a, b) => a.gap - b.gap);
        if (near.length === 0) continue;
        const q = closestPoint(near[0]!.fp, [c.box.center[0], c.box.center[1]]);
        const to: Vec2 = [q[0] - c.box.center[0], q[1] - c.box.center[1]];
        const f = front(c);
        expect((f[0] * to[0] + f[1] * to[1]) / Math.hypot(...to), `${s.id}: chair ${c.id}`).toBeGreaterThan(0.5);
        chairs++;
      }
      const beds = s.objects.filter((o) => o.label === 'bed');
      for (const n of s.objects.filter((o) => o.label === 'nightstand')) {
        const gap = Math.min(...beds.map((b) => convexSeparation(boxFootprint(n.box), boxFootprint(b.box))));
        expect(gap).toBeLessThan(0.15);
        nightstands++;
      }
    }
    expect(chairs).toBeGreaterThan(40);
    expect(nightstands).toBeGreaterThan(3);
  });

  it('honours forced kind, area and switches', () => {
    const s = generateSyntheticScene({ seed: 1, kind: 'bedroom', area: 14, points: false, trajectory: false });
    expect(kindOf(s)).toBe('bedroom');
    expect(Math.abs(s.room.area - 14)).toBeLessThan(0.1);
    expect(s.objects.filter((o) => o.label === 'bed')).toHaveLength(1);
    expect(s.points).toBeUndefined();
    expect(s.trajectory).toBeUndefined();
    expect(s.provenance.seeds.pointCloud).toBeUndefined();
    const l = generateSyntheticScene({ seed: 1, kind: 'living room', area: 40, lShapeProbability: 1, points: false, trajectory: false });
    expect(l.room.floorPolygon).toHaveLength(6);
    const sparse = generateSyntheticScene({ seed: 1, pointsPerSquareMetre: 50, trajectory: false });
    expect(sparse.points!.positions.length).toBeLessThan(s.room.area * 10 * 3 * 50);
    expect(() => generateSyntheticScene({ seed: 1, index: -1 })).toThrow(RangeError);
    expect(() => generateSyntheticScenes(-1, 1)).toThrow(RangeError);
    expect(generateSyntheticScenes(0, 1)).toEqual([]);
  });
});
