import { describe, expect, it } from 'vitest';
import type { OrientedBox } from '../../../../src/shared/scene.js';
import {
  boxCorners,
  boxEdgePositions,
  boxMatrix,
  cameraCenters,
  floorLevel,
  frustumGeometryPositions,
  frustumMatrix,
  labelAnchor,
  overviewCamera,
  pickLabels,
  polylineSegments,
  roomOutline,
  sceneBounds,
} from '../../../../src/renderer/src/views/scene/geometry.js';
import { makeFrame, makeScene } from '../../fakeApi.js';

/** Applies a column-major 4×4 matrix to a point. */
function apply(m: ArrayLike<number>, [x, y, z]: [number, number, number]): [number, number, number] {
  return [m[0]! * x + m[4]! * y + m[8]! * z + m[12]!, m[1]! * x + m[5]! * y + m[9]! * z + m[13]!, m[2]! * x + m[6]! * y + m[10]! * z + m[14]!];
}

const rotZ90: OrientedBox = { center: [1, 2, 3], extents: [2, 4, 6], rotation: [0, -1, 0, 1, 0, 0, 0, 0, 1] };

describe('scene geometry', () => {
  it('computes oriented box corners (columns of the rotation are the box axes)', () => {
    const out = new Float32Array(24);
    boxCorners(rotZ90, out);
    // Local (+1, +1, +1)·half → local x (1) maps to world +y, local y (2) to world −x.
    const c6 = [out[18], out[19], out[20]];
    expect(c6).toEqual([1 - 2, 2 + 1, 3 + 3]);
    const xs = [...out].filter((_, i) => i % 3 === 0);
    expect(Math.min(...xs)).toBe(-1);
    expect(Math.max(...xs)).toBe(3);
  });

  it('maps the unit cube onto the box with its instance matrix', () => {
    const m = new Float32Array(16);
    boxMatrix(rotZ90, m);
    const corners = new Float32Array(24);
    boxCorners(rotZ90, corners);
    const p = apply(m, [0.5, 0.5, 0.5]);
    expect(p[0]).toBeCloseTo(corners[18]!);
    expect(p[1]).toBeCloseTo(corners[19]!);
    expect(p[2]).toBeCloseTo(corners[20]!);
    expect(apply(m, [0, 0, 0])).toEqual([1, 2, 3]);
  });

  it('writes 12 edges per box into one buffer', () => {
    const buf = boxEdgePositions([rotZ90, rotZ90]);
    expect(buf.length).toBe(2 * 12 * 2 * 3);
  });

  it('maps the unit frustum base to the image corners along the camera rays', () => {
    const f = makeFrame(2); // at (1, 0, 1.5), looking along +y
    const d = 0.5;
    const m = new Float32Array(16);
    frustumMatrix(f, d, m);
    expect(apply(m, [0, 0, 0])).toEqual([1, 0, 1.5]);
    // Pixel (0, 0) is up-left: camera ray ((0 − cx)/fx, (0 − cy)/fy, 1) · d.
    const tl = apply(m, [0, 0, 1]);
    const cam = [((0 - 64) / 100) * d, ((0 - 48) / 100) * d, d];
    // camera x → world x, camera y → world −z, camera z → world y.
    expect(tl[0]).toBeCloseTo(1 + cam[0]!);
    expect(tl[1]).toBeCloseTo(cam[2]!);
    expect(tl[2]).toBeCloseTo(1.5 - cam[1]!);
    const br = apply(m, [1, 1, 1]);
    expect(br[0]).toBeCloseTo(1 + ((128 - 64) / 100) * d);
    expect(br[2]).toBeCloseTo(1.5 - ((96 - 48) / 100) * d);
    expect(frustumGeometryPositions().length).toBe(4 * 3 * 3);
  });

  it('builds trajectory lines and room outlines', () => {
    const frames = [makeFrame(0), makeFrame(1), makeFrame(2)];
    const centres = cameraCenters(frames);
    expect([...centres]).toEqual([0, 0, 1.5, 0.5, 0, 1.5, 1, 0, 1.5]);
    expect(polylineSegments(centres).length).toBe(2 * 6);
    expect(polylineSegments(centres, true).length).toBe(3 * 6);
    const scene = makeScene('s');
    const loop = roomOutline(scene.room, 0.1)!;
    expect(loop.length).toBe(4 * 3);
    expect(loop[2]).toBeCloseTo(0.1);
    const { floorPolygon: _p, ...noPoly } = scene.room;
    expect(roomOutline(noPoly, 0)!.length).toBe(12);
    expect(roomOutline({ area: 1, center: [0, 0, 0] }, 0)).toBeNull();
  });

  it('finds the floor and the bounds to frame the camera on', () => {
    const scene = makeScene('s');
    expect(floorLevel(scene.room, [])).toBe(0);
    expect(floorLevel({ area: 1, center: [0, 0, 0] }, [{ center: [0, 0, 1], extents: [1, 1, 0.5], rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1] }])).toBeCloseTo(0.75);
    const b = sceneBounds(scene.room, scene.objects.map((o) => o.box), scene.trajectory);
    expect(b.min[2]).toBeLessThanOrEqual(0);
    expect(b.max[2]).toBeGreaterThanOrEqual(2.6);
    const cam = overviewCamera(b);
    const dist = Math.hypot(cam.position[0] - b.center[0], cam.position[1] - b.center[1], cam.position[2] - b.center[2]);
    expect(dist).toBeGreaterThan(b.radius);
    expect(cam.position[2]).toBeGreaterThan(b.center[2]); // looking down (Z up)
    const fallback = sceneBounds({ area: 1, center: [5, 5, 5] }, [], []);
    expect(fallback.center).toEqual([5, 5, 5]);
  });

  it('labels highlighted and selected objects first, then the largest, up to a limit', () => {
    const objects = makeScene('s', 6).objects;
    const ids = pickLabels(objects, new Set([2]), 4, 3);
    expect(ids).toHaveLength(3);
    expect(ids[0]).toBe(2);
    expect(ids[1]).toBe(4);
    expect(ids[2]).toBe(6); // the largest remaining box
    expect(pickLabels(objects, new Set(), null, 100)).toHaveLength(6);
    expect(labelAnchor(objects[0]!.box)[2]).toBeCloseTo(1.05);
  });
});
