import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SceneObject, Vec3 } from '../../../../src/shared/scene.js';
import { rotationZ } from '../../../../src/engine/scene/math.js';
import { boxAabb } from '../../../../src/engine/scene/obb.js';
import { boxFootprint } from '../../../../src/engine/scene/synthesis/footprint.js';
import { convexInsidePolygon, polygonArea, polygonSignedArea } from '../../../../src/engine/scene/synthesis/polygon.js';
import { dominantYaw, estimateFloorZ, estimateRoomBounds } from '../../../../src/engine/scene/synthesis/roomBounds.js';
import { arkitMetaFile, requireSharedData, scannetMetaFile } from '../../../helpers/shared.js';
import { vsiObjects } from './vsiObjects.js';
import type { RawVsiFile } from './vsiObjects.js';

function box(id: number, center: Vec3, extents: Vec3, yaw = 0, label = 'chair'): SceneObject {
  return { id, label, rawLabel: label, box: { center, extents, rotation: rotationZ(yaw) } };
}

function expectContainsAll(objects: SceneObject[], polygon: [number, number][]): void {
  for (const o of objects) expect(convexInsidePolygon(boxFootprint(o.box), polygon, 1e-9)).toBe(true);
}

describe('estimateRoomBounds', () => {
  const objects = [
    box(0, [1, 0.5, 0.4], [0.5, 0.5, 0.8]),
    box(1, [-1, -0.5, 0.4], [0.5, 0.5, 0.8]),
    box(2, [2, 1, 0.25], [1.2, 0.6, 0.5], 0, 'table'),
    box(3, [0, 0, 0.9], [0.3, 0.3, 0.2], 0, 'lamp'),
  ];

  it('matches the given area exactly, centred on the given centre, when the objects fit', () => {
    const est = estimateRoomBounds(objects, 30, [0.5, 0.2, 1.2]);
    expect(est.enlargement).toBeCloseTo(1, 12);
    expect(est.area).toBeCloseTo(30, 9);
    expect(polygonArea(est.floorPolygon)).toBeCloseTo(30, 9);
    expect(polygonSignedArea(est.floorPolygon)).toBeGreaterThan(0);
    expect(est.yaw).toBeCloseTo(0, 9);
    expect((est.bounds.min[0] + est.bounds.max[0]) / 2).toBeCloseTo(0.5, 9);
    expect((est.bounds.min[1] + est.bounds.max[1]) / 2).toBeCloseTo(0.2, 9);
    // Wider than deep, like the furniture's spread.
    expect(est.bounds.max[0] - est.bounds.min[0]).toBeGreaterThan(est.bounds.max[1] - est.bounds.min[1]);
    expectContainsAll(objects, est.floorPolygon);
  });

  it('shifts off the centre rather than grow when the objects sit to one side', () => {
    const est = estimateRoomBounds(objects, 20, [-3, 0, 1]);
    expect(est.enlargement).toBeCloseTo(1, 12);
    expectContainsAll(objects, est.floorPolygon);
  });

  it('grows minimally, and says so, when the area cannot hold the objects', () => {
    const est = estimateRoomBounds(objects, 2, [0, 0, 1]);
    expectContainsAll(objects, est.floorPolygon);
    expect(est.enlargement).toBeGreaterThan(1.1);
    const xs = objects.flatMap((o) => [boxAabb(o.box).min[0], boxAabb(o.box).max[0]]);
    const ys = objects.flatMap((o) => [boxAabb(o.box).min[1], boxAabb(o.box).max[1]]);
    const span = (Math.max(...xs) - Math.min(...xs) + 0.04) * (Math.max(...ys) - Math.min(...ys) + 0.04);
    // Axis-aligned, the minimal rectangle is the objects' span plus 2 cm to each wall; turned, it may be tighter.
    const axis = estimateRoomBounds(objects, 2, [0, 0, 1], { align: false });
    expectContainsAll(objects, axis.floorPolygon);
    expect(axis.area).toBeCloseTo(span, 6);
    expect(est.area).toBeLessThanOrEqual(axis.area);
  });

  it('turns the rectangle to furniture that is not axis-aligned', () => {
    const yaw = 0.6;
    const turned = objects.map((o) => {
      const [x, y, z] = o.box.center;
      return box(o.id, [Math.cos(yaw) * x - Math.sin(yaw) * y, Math.sin(yaw) * x + Math.cos(yaw) * y, z], o.box.extents, yaw, o.label);
    });
    expect(dominantYaw(turned)).toBeCloseTo(yaw, 6);
    const est = estimateRoomBounds(turned, 12, [0, 0, 1]);
    expect(est.yaw).toBeCloseTo(yaw, 6);
    expect(est.enlargement).toBeCloseTo(1, 9);
    expectContainsAll(turned, est.floorPolygon);
    const axis = estimateRoomBounds(turned, 12, [0, 0, 1], { align: false });
    expect(axis.yaw).toBe(0);
    expect(axis.enlargement).toBeGreaterThan(est.enlargement);
  });

  it('puts the floor at the lowest level several objects share, not under one stray box', () => {
    const many = [
      ...Array.from({ length: 20 }, (_, i) => box(i, [i * 0.3, 0, -0.8 + 0.4 + (i % 3) * 0.01], [0.2, 0.2, 0.8])),
      box(20, [0, 1, -1.5], [0.2, 0.2, 0.4]),
      box(21, [0, 2, 1.0], [0.2, 0.2, 0.2], 0, 'lamp'),
    ];
    expect(estimateFloorZ(many)).toBeCloseTo(-0.8, 9);
    const est = estimateRoomBounds(many, 30, [0, 0, 0.5]);
    expect(est.floorZ).toBeCloseTo(-0.8, 9);
    expect(est.height).toBeGreaterThanOrEqual(2.6);
    expect(est.bounds.min[2]).toBeCloseTo(-0.8, 9);
    expect(est.bounds.max[2]).toBeCloseTo(-0.8 + est.height, 9);
  });

  it('raises the ceiling above the tallest object', () => {
    const est = estimateRoomBounds([box(0, [0, 0, 1.75], [0.5, 0.5, 3.5], 0, 'closet')], 10, [0, 0, 1]);
    expect(est.floorZ).toBeCloseTo(0, 12);
    expect(est.height).toBeGreaterThan(3.5);
  });

  it('makes a square of the area around the centre when there are no objects', () => {
    const est = estimateRoomBounds([], 16, [1, 1, 1.4]);
    expect(est.bounds.min).toEqual([-1, -1, 0]);
    expect(est.bounds.max[0]).toBeCloseTo(3, 12);
    expect(est.floorZ).toBeCloseTo(0, 12);
  });

  it('rejects a non-positive area', () => {
    expect(() => estimateRoomBounds(objects, 0, [0, 0, 0])).toThrow(RangeError);
  });
});

describe('estimateRoomBounds on the published VSI-Bench scenes', () => {
  beforeAll(requireSharedData);

  for (const [name, file] of [
    ['ScanNet', scannetMetaFile],
    ['ARKitScenes', arkitMetaFile],
  ] as const) {
    it(`contains every ${name} object and never grows more than the best rectangle needs`, () => {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as RawVsiFile;
      let aligned = 0;
      let axis = 0;
      for (const scene of Object.values(raw)) {
        const objects = vsiObjects(scene);
        const est = estimateRoomBounds(objects, scene.room_size, scene.room_center);
        expectContainsAll(objects, est.floorPolygon);
        expect(est.enlargement).toBeGreaterThanOrEqual(1 - 1e-9);
        const plain = estimateRoomBounds(objects, scene.room_size, scene.room_center, { align: false });
        expect(est.area).toBeLessThanOrEqual(plain.area * (1 + 1e-9));
        if (est.enlargement > 1.1) aligned++;
        if (plain.enlargement > 1.1) axis++;
        const lowest = Math.min(...objects.map((o) => boxAabb(o.box).min[2]));
        expect(est.floorZ).toBeGreaterThanOrEqual(lowest);
        expect(est.floorZ).toBeLessThan(scene.room_center[2]);
      }
      // Turning the rectangle to the furniture is what makes the published areas fit at all.
      expect(aligned).toBeLessThan(axis);
    });
  }
});
