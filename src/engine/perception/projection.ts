/**
 * Pinhole projection of oriented boxes into a camera frame, with OpenCV axes (x right, y down, z forward) and
 * poses camera → world, as `src/shared/scene.ts` defines them. Shared by perception (2D detection boxes) and
 * rendering (which pixels can a box cover), so both agree on where a box lands in the image.
 */
import type { CameraFrame, Intrinsics, OrientedBox } from '../../shared/scene.js';

/** A frame's camera unpacked for tight loops; `r` is the camera → world rotation, row-major. */
export interface PinholeCamera {
  tx: number;
  ty: number;
  tz: number;
  r: Float64Array;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  width: number;
  height: number;
}

/**
 * The frame's camera, with intrinsics rescaled when the image is resampled to `width` × `height`. Pixel
 * coordinates are continuous with pixel i covering [i, i + 1), so scaling fx and cx alike is exact.
 */
export function pinholeCamera(frame: CameraFrame, width = frame.width, height = frame.height): PinholeCamera {
  const P = frame.pose;
  const sx = width / frame.width;
  const sy = height / frame.height;
  const k: Intrinsics = frame.intrinsics;
  return {
    tx: P[3],
    ty: P[7],
    tz: P[11],
    r: Float64Array.of(P[0], P[1], P[2], P[4], P[5], P[6], P[8], P[9], P[10]),
    fx: k.fx * sx,
    fy: k.fy * sy,
    cx: k.cx * sx,
    cy: k.cy * sy,
    width,
    height,
  };
}

/** Image-space rectangle [x0, y0, x1, y1] in pixels. */
export type Rect = [number, number, number, number];

// Box corners in front of this plane (m) are projected; edges crossing it are cut there. Matches the
// visibility machinery's near plane so a box with visible samples always has a rectangle.
const NEAR = 1e-3;

const EDGES: readonly (readonly [number, number])[] = [
  [0, 1], [2, 3], [4, 5], [6, 7], // along local x (corner bit 0)
  [0, 2], [1, 3], [4, 6], [5, 7], // along local y (bit 1)
  [0, 4], [1, 5], [2, 6], [3, 7], // along local z (bit 2)
];

// Scratch for the 8 corners in camera coordinates: projection runs per object per frame.
const corner = new Float64Array(24);

/**
 * Tight image rectangle of the part of the box in front of the camera, clipped to the image; undefined when
 * the box is entirely behind the camera or its projection misses the image. The part in front of the near
 * plane is a convex polytope whose vertices are the corners in front plus the points where edges cross the
 * plane, so the rectangle of those projected vertices is exact (not a bound).
 */
export function projectBoxRect(box: OrientedBox, cam: PinholeCamera): Rect | undefined {
  const r = cam.r;
  const R = box.rotation;
  const hx = box.extents[0] / 2, hy = box.extents[1] / 2, hz = box.extents[2] / 2;
  const wx0 = box.center[0] - cam.tx, wy0 = box.center[1] - cam.ty, wz0 = box.center[2] - cam.tz;
  for (let k = 0; k < 8; k++) {
    const sx = k & 1 ? hx : -hx, sy = k & 2 ? hy : -hy, sz = k & 4 ? hz : -hz;
    const wx = wx0 + R[0] * sx + R[1] * sy + R[2] * sz;
    const wy = wy0 + R[3] * sx + R[4] * sy + R[5] * sz;
    const wz = wz0 + R[6] * sx + R[7] * sy + R[8] * sz;
    // Camera coordinates are Rᵀ·(p − t).
    corner[3 * k] = r[0]! * wx + r[3]! * wy + r[6]! * wz;
    corner[3 * k + 1] = r[1]! * wx + r[4]! * wy + r[7]! * wz;
    corner[3 * k + 2] = r[2]! * wx + r[5]! * wy + r[8]! * wz;
  }
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const add = (x: number, y: number, z: number): void => {
    const u = (cam.fx * x) / z + cam.cx;
    const v = (cam.fy * y) / z + cam.cy;
    if (u < x0) x0 = u;
    if (u > x1) x1 = u;
    if (v < y0) y0 = v;
    if (v > y1) y1 = v;
  };
  for (let k = 0; k < 8; k++) if (corner[3 * k + 2]! >= NEAR) add(corner[3 * k]!, corner[3 * k + 1]!, corner[3 * k + 2]!);
  for (const [a, b] of EDGES) {
    const za = corner[3 * a + 2]!, zb = corner[3 * b + 2]!;
    if (za >= NEAR === zb >= NEAR) continue;
    const t = (NEAR - za) / (zb - za);
    add(corner[3 * a]! + t * (corner[3 * b]! - corner[3 * a]!), corner[3 * a + 1]! + t * (corner[3 * b + 1]! - corner[3 * a + 1]!), NEAR);
  }
  if (x0 === Infinity) return undefined;
  x0 = Math.max(0, x0);
  y0 = Math.max(0, y0);
  x1 = Math.min(cam.width, x1);
  y1 = Math.min(cam.height, y1);
  return x0 < x1 && y0 < y1 ? [x0, y0, x1, y1] : undefined;
}
