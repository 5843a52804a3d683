import { describe, expect, it } from 'vitest';
import type { Vec2 } from '../../../../src/engine/scene/synthesis/polygon.js';
import {
  convexHull,
  convexInsidePolygon,
  convexIntersectionArea,
  convexSeparation,
  distanceToConvex,
  insideClearance,
  pointInPolygon,
  polygonArea,
  polygonCentroid,
  polygonSignedArea,
  triangulate,
} from '../../../../src/engine/scene/synthesis/polygon.js';
import { boxFootprint, rectangleFootprint } from '../../../../src/engine/scene/synthesis/footprint.js';
import { lShapePolygon, rectanglePolygon, sampleRoomShape, wallsOf } from '../../../../src/engine/scene/synthesis/roomShapes.js';
import { createRng } from '../../../../src/shared/random.js';
import { rotationZ } from '../../../../src/engine/scene/math.js';

const square = (x: number, y: number, s: number): Vec2[] => [
  [x, y],
  [x + s, y],
  [x + s, y + s],
  [x, y + s],
];

describe('planar geometry', () => {
  it('measures area and centroid of an L-shape, counter-clockwise positive', () => {
    const l = lShapePolygon(6, 4, 2, 1.5, 0);
    expect(polygonSignedArea(l)).toBeCloseTo(24 - 3, 12);
    expect(polygonSignedArea([...l].reverse())).toBeCloseTo(-21, 12);
    const c = polygonCentroid(rectanglePolygon(4, 2));
    expect(c[0]).toBeCloseTo(0, 12);
    expect(c[1]).toBeCloseTo(0, 12);
  });

  it('keeps L-shape area and orientation under quarter turns, on exact coordinates', () => {
    for (let q = 0; q < 4; q++) {
      const l = lShapePolygon(6.2, 4.1, 2.3, 1.7, q);
      expect(polygonSignedArea(l)).toBeCloseTo(6.2 * 4.1 - 2.3 * 1.7, 9);
      for (const w of wallsOf(l)) {
        // Inward normals point into the room.
        const mid: Vec2 = [(w.start[0] + w.end[0]) / 2 + 0.01 * w.normal[0], (w.start[1] + w.end[1]) / 2 + 0.01 * w.normal[1]];
        expect(pointInPolygon(mid[0], mid[1], l)).toBe(true);
      }
    }
  });

  it('triangulates non-convex polygons into triangles covering exactly their area', () => {
    for (let q = 0; q < 4; q++) {
      const l = lShapePolygon(7, 5, 3, 2, q);
      const tris = triangulate(l);
      expect(tris).toHaveLength(4);
      expect(tris.reduce((s, t) => s + polygonArea(t), 0)).toBeCloseTo(polygonArea(l), 9);
    }
  });

  it('hulls, separates and intersects convex polygons', () => {
    expect(convexHull([[0, 0], [1, 0], [1, 1], [0, 1], [0.5, 0.5], [1, 0]])).toHaveLength(4);
    const a = square(0, 0, 1);
    expect(convexSeparation(a, square(1.5, 0, 1))).toBeCloseTo(0.5, 12);
    expect(convexSeparation(a, square(0.75, 0, 1))).toBeCloseTo(-0.25, 12);
    expect(convexIntersectionArea(a, square(0.75, 0.5, 1))).toBeCloseTo(0.125, 12);
    expect(convexIntersectionArea(a, square(2, 2, 1))).toBe(0);
    // A segment counts as a degenerate polygon.
    expect(convexSeparation([[2, -1], [2, 2]], a)).toBeCloseTo(1, 12);
  });

  it('tells when a footprint pokes through the reflex corner of an L even with all its vertices inside', () => {
    const l = lShapePolygon(6, 6, 3, 3, 0); // notch at x > 0, y > 0
    const straddling: Vec2[] = [
      [-0.5, -0.5],
      [0.5, -0.5],
      [0.5, 0.5],
      [-0.5, 0.5],
    ];
    expect(convexInsidePolygon(straddling, l)).toBe(false);
    expect(convexInsidePolygon(square(-2, -2, 1), l)).toBe(true);
    // A triangle whose vertices are all in the room but whose long edge crosses the notch.
    const triangle: Vec2[] = [
      [2, -0.1],
      [-0.1, 2],
      [-0.5, -0.5],
    ];
    expect(triangle.every((v) => pointInPolygon(v[0], v[1], l))).toBe(true);
    expect(convexInsidePolygon(triangle, l)).toBe(false);
  });

  it('measures distances to convex footprints and to room walls', () => {
    const a = square(0, 0, 1);
    expect(distanceToConvex(0.5, 0.5, a)).toBe(0);
    expect(distanceToConvex(2, 0.5, a)).toBeCloseTo(1, 12);
    const room = rectanglePolygon(4, 2);
    expect(insideClearance(0, 0, room)).toBeCloseTo(1, 12);
    expect(insideClearance(3, 0, room)).toBeCloseTo(-1, 12);
  });

  it('projects yaw boxes to their rectangle and tilted boxes to their hull', () => {
    const fp = boxFootprint({ center: [1, 2, 0.5], extents: [2, 1, 1], rotation: rotationZ(Math.PI / 6) });
    expect(fp).toHaveLength(4);
    expect(polygonArea(fp)).toBeCloseTo(2, 9);
    expect(convexIntersectionArea(fp, rectangleFootprint(1, 2, 2, 1, Math.PI / 6))).toBeCloseTo(2, 9);
    const tilt = Math.PI / 8;
    const tilted = boxFootprint({ center: [0, 0, 0], extents: [1, 1, 1], rotation: [1, 0, 0, 0, Math.cos(tilt), -Math.sin(tilt), 0, Math.sin(tilt), Math.cos(tilt)] });
    expect(polygonArea(tilted)).toBeCloseTo(Math.cos(tilt) + Math.sin(tilt), 9);
  });

  it('samples room shapes of the asked area, L-shapes only for rooms big enough', () => {
    const rng = createRng(3);
    let ls = 0;
    for (let i = 0; i < 200; i++) {
      const area = rng.range(9, 60);
      const shape = sampleRoomShape(rng, area, 0.5);
      if (shape.kind === 'l-shape') {
        ls++;
        expect(area).toBeGreaterThanOrEqual(20);
        expect(shape.polygon).toHaveLength(6);
      }
      expect(polygonSignedArea(shape.polygon)).toBeGreaterThan(0);
      // Sides are rounded to the centimetre: the area moves by well under a percent.
      expect(Math.abs(polygonArea(shape.polygon) - area) / area).toBeLessThan(0.01);
    }
    expect(ls).toBeGreaterThan(40);
  });
});
