import { describe, expect, it } from 'vitest';
import type { Room, SceneObject, Vec3 } from '../../../../src/shared/scene.js';
import { rotationZ } from '../../../../src/engine/scene/math.js';
import { boxContains } from '../../../../src/engine/scene/obb.js';
import { synthesizePointCloud, visibleSurfaceAreas } from '../../../../src/engine/scene/synthesis/pointCloud.js';
import { labelColor } from '../../../../src/engine/scene/synthesis/palette.js';
import { pointInPolygon } from '../../../../src/engine/scene/synthesis/polygon.js';
import { generateSyntheticScene } from '../../../../src/engine/sources/synthetic.js';

function box(id: number, label: string, center: Vec3, extents: Vec3, yaw = 0): SceneObject {
  return { id, label, rawLabel: label, box: { center, extents, rotation: rotationZ(yaw) } };
}

const room: Room = {
  area: 12,
  center: [0, 0, 1.25],
  bounds: { min: [-2, -1.5, 0], max: [2, 1.5, 2.5] },
  floorPolygon: [
    [-2, -1.5],
    [2, -1.5],
    [2, 1.5],
    [-2, 1.5],
  ],
  floorZ: 0,
  height: 2.5,
};

const objects = [
  box(10, 'table', [0, 0, 0.4], [1, 0.5, 0.8]), // on the floor: bottom hidden
  box(11, 'lamp', [1, 1, 2.0], [0.4, 0.4, 0.4]), // hanging: all six faces
  box(12, 'laptop', [0, 0, 0.85], [0.2, 0.2, 0.1]), // on the table: bottom hidden
  box(13, 'window', [1, -1.5 + 0.05, 1.5], [1, 0.1, 1]), // flush with the wall y = -1.5: back hidden
];
const expectedArea = new Map([
  [10, 2 * (0.5 + 0.8 + 0.4) - 0.5],
  [11, 6 * 0.16],
  [12, 2 * (0.04 + 0.02 + 0.02) - 0.04],
  [13, 2 * (0.1 + 1 + 0.1) - 1],
]);

function countsById(ids: Int32Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
}

describe('synthesizePointCloud', () => {
  it('spreads points by visible area: faces on the floor, on a support or against a wall get none', () => {
    const areas = visibleSurfaceAreas({ objects, room });
    for (const [id, a] of expectedArea) expect(areas.get(id)).toBeCloseTo(a, 9);
    const density = 2000;
    const pc = synthesizePointCloud({ objects, room }, { seed: 1, pointsPerSquareMetre: density });
    const counts = countsById(pc.objectIds!);
    for (const [id, a] of expectedArea) {
      // Cumulative rounding: each face gets floor or ceil of its exact share.
      expect(Math.abs(counts.get(id)! - a * density)).toBeLessThanOrEqual(6);
    }
  });

  it('puts every object point on its box surface and every room point on the floor or a wall', () => {
    const pc = synthesizePointCloud({ objects, room }, { seed: 2 });
    const byId = new Map(objects.map((o) => [o.id, o]));
    const n = pc.positions.length / 3;
    expect(pc.colors).toHaveLength(3 * n);
    expect(pc.objectIds).toHaveLength(n);
    let floor = 0;
    for (let i = 0; i < n; i++) {
      const p: Vec3 = [pc.positions[3 * i]!, pc.positions[3 * i + 1]!, pc.positions[3 * i + 2]!];
      const id = pc.objectIds![i]!;
      if (id >= 0) {
        const o = byId.get(id)!;
        expect(boxContains(o.box, p, 1e-5)).toBe(true);
        expect(boxContains(o.box, p, -1e-3)).toBe(false);
        continue;
      }
      const onWall = Math.abs(Math.abs(p[0]) - 2) < 1e-5 || Math.abs(Math.abs(p[1]) - 1.5) < 1e-5;
      const onFloor = Math.abs(p[2]) < 1e-6;
      expect(onWall || onFloor).toBe(true);
      expect(p[2]).toBeLessThanOrEqual(2.5 + 1e-5);
      if (onFloor && !onWall) {
        floor++;
        expect(pointInPolygon(p[0], p[1], room.floorPolygon!)).toBe(true);
        // No floor under the table: a scan never sees there.
        expect(Math.abs(p[0]) < 0.5 && Math.abs(p[1]) < 0.25).toBe(false);
      }
    }
    expect(floor).toBeGreaterThan(0.9 * (12 - 0.5) * 300);
  });

  it('leaves the ceiling out unless asked', () => {
    const top = (pc: { positions: Float32Array }): number => {
      let k = 0;
      for (let i = 2; i < pc.positions.length; i += 3) if (Math.abs(pc.positions[i]! - 2.5) < 1e-6) k++;
      return k;
    };
    expect(top(synthesizePointCloud({ objects, room }, { seed: 3 }))).toBeLessThan(50);
    expect(top(synthesizePointCloud({ objects, room }, { seed: 3, ceiling: true }))).toBeGreaterThan(0.9 * 12 * 300);
  });

  it('is deterministic per seed', () => {
    const a = synthesizePointCloud({ objects, room }, { seed: 5 });
    const b = synthesizePointCloud({ objects, room }, { seed: 5 });
    const c = synthesizePointCloud({ objects, room }, { seed: 6 });
    expect(a).toEqual(b);
    expect(a.positions).not.toEqual(c.positions);
  });

  it('lowers the density uniformly to respect maxPoints', () => {
    const pc = synthesizePointCloud({ objects, room }, { seed: 7, pointsPerSquareMetre: 5000, maxPoints: 20_000 });
    const n = pc.positions.length / 3;
    expect(n).toBeLessThanOrEqual(20_000);
    const counts = countsById(pc.objectIds!);
    expect(counts.get(10)! / counts.get(11)!).toBeCloseTo(expectedArea.get(10)! / expectedArea.get(11)!, 1);
  });

  it('colours objects by label, with some variation', () => {
    const pc = synthesizePointCloud({ objects, room }, { seed: 8 });
    const sum = [0, 0, 0];
    let n = 0;
    const seen = new Set<string>();
    pc.objectIds!.forEach((id, i) => {
      if (id !== 10) return;
      for (let k = 0; k < 3; k++) sum[k]! += pc.colors[3 * i + k]!;
      seen.add(`${pc.colors[3 * i]},${pc.colors[3 * i + 1]},${pc.colors[3 * i + 2]}`);
      n++;
    });
    const base = labelColor('table');
    for (let k = 0; k < 3; k++) expect(Math.abs(sum[k]! / n - base[k]!)).toBeLessThan(0.35 * base[k]! + 10);
    expect(seen.size).toBeGreaterThan(10);
    expect(labelColor('some unheard-of label')).toEqual(labelColor('some unheard-of label'));
  });

  it('works from floor area and centre alone', () => {
    const bare: Room = { area: 12, center: [0, 0, 1.2] };
    const pc = synthesizePointCloud({ objects: [objects[0]!], room: bare }, { seed: 9 });
    expect(pc.positions.length).toBeGreaterThan(3 * 300 * 12);
  });

  it('keeps proportionality on generated scenes', () => {
    const scene = generateSyntheticScene({ seed: 3, index: 1, trajectory: false, pointsPerSquareMetre: 1000 });
    const areas = visibleSurfaceAreas(scene);
    const counts = countsById(scene.points!.objectIds!);
    let checked = 0;
    for (const [id, a] of areas) {
      if (a < 0.3) continue;
      expect(Math.abs(counts.get(id)! - 1000 * a)).toBeLessThanOrEqual(6);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });
});
