/** Oriented-box geometry in the canonical frame. */
import type { OrientedBox, Vec3 } from '../../shared/scene.js';
import { mat3Column } from './math.js';

/** The 8 corners, in the order (±x, ±y, ±z) with x varying fastest. */
export function boxCorners(box: OrientedBox): Vec3[] {
  const ax = mat3Column(box.rotation, 0);
  const ay = mat3Column(box.rotation, 1);
  const az = mat3Column(box.rotation, 2);
  const [hx, hy, hz] = [box.extents[0] / 2, box.extents[1] / 2, box.extents[2] / 2];
  const out: Vec3[] = [];
  for (let k = 0; k < 8; k++) {
    const sx = k & 1 ? hx : -hx;
    const sy = k & 2 ? hy : -hy;
    const sz = k & 4 ? hz : -hz;
    out.push([
      box.center[0] + ax[0] * sx + ay[0] * sy + az[0] * sz,
      box.center[1] + ax[1] * sx + ay[1] * sy + az[1] * sz,
      box.center[2] + ax[2] * sx + ay[2] * sy + az[2] * sz,
    ]);
  }
  return out;
}

/** World-axis-aligned bounds of an oriented box. */
export function boxAabb(box: OrientedBox): { min: Vec3; max: Vec3 } {
  const r = box.rotation;
  const h = [box.extents[0] / 2, box.extents[1] / 2, box.extents[2] / 2];
  const min: Vec3 = [0, 0, 0];
  const max: Vec3 = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const reach = Math.abs(r[i * 3]!) * h[0]! + Math.abs(r[i * 3 + 1]!) * h[1]! + Math.abs(r[i * 3 + 2]!) * h[2]!;
    min[i] = box.center[i]! - reach;
    max[i] = box.center[i]! + reach;
  }
  return { min, max };
}

export function boxVolume(box: OrientedBox): number {
  return box.extents[0] * box.extents[1] * box.extents[2];
}

/** Point in box, with an optional tolerance in metres. */
export function boxContains(box: OrientedBox, p: Vec3, tolerance = 0): boolean {
  const d: Vec3 = [p[0] - box.center[0], p[1] - box.center[1], p[2] - box.center[2]];
  for (let c = 0 as 0 | 1 | 2; c < 3; c = (c + 1) as 0 | 1 | 2) {
    const a = mat3Column(box.rotation, c);
    const proj = a[0] * d[0] + a[1] * d[1] + a[2] * d[2];
    if (Math.abs(proj) > box.extents[c] / 2 + tolerance) return false;
  }
  return true;
}

/** Closest point on (or in) the box to p. */
export function closestPointOnBox(box: OrientedBox, p: Vec3): Vec3 {
  const d: Vec3 = [p[0] - box.center[0], p[1] - box.center[1], p[2] - box.center[2]];
  const q: Vec3 = [box.center[0], box.center[1], box.center[2]];
  for (let c = 0 as 0 | 1 | 2; c < 3; c = (c + 1) as 0 | 1 | 2) {
    const a = mat3Column(box.rotation, c);
    const h = box.extents[c] / 2;
    const t = Math.max(-h, Math.min(h, a[0] * d[0] + a[1] * d[1] + a[2] * d[2]));
    q[0] += a[0] * t;
    q[1] += a[1] * t;
    q[2] += a[2] * t;
  }
  return q;
}

/** Height of the box's lowest and highest points along world Z. */
export function boxZRange(box: OrientedBox): [number, number] {
  const { min, max } = boxAabb(box);
  return [min[2], max[2]];
}
