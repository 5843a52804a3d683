/**
 * Gravity-aligned box fitting: scans and meshes are Z-up, and furniture stands upright, so a box rotated only
 * about Z is both what the annotations of most datasets use and far more stable than a full 3-D PCA box
 * (which tilts to follow the point density). The XY footprint is the minimum-area enclosing rectangle of the
 * points' convex hull (exact, by rotating calipers); the height is the Z range.
 */
import type { OrientedBox } from '../../shared/scene.js';
import { rotationZ } from './math.js';

export type Point2 = [number, number];

/** Extents below this are raised to it, so degenerate (flat or single-point) inputs still give a valid box. */
export const MIN_BOX_EXTENT = 1e-3;

export interface FitBoxOptions {
  /** Smallest extent on any axis, in metres (default MIN_BOX_EXTENT). */
  minExtent?: number;
}

export interface Rectangle2 {
  center: Point2;
  /** Angle of the rectangle's first axis from +X, radians, in (−π/2, π/2]. */
  angle: number;
  /** Full side lengths along the first and second axis; the first is the longer. */
  size: Point2;
}

function cross(ox: number, oy: number, ax: number, ay: number, bx: number, by: number): number {
  return (ax - ox) * (by - oy) - (ay - oy) * (bx - ox);
}

/**
 * Akl–Toussaint filter: points strictly inside the octagon of extreme points in 8 directions cannot be hull
 * vertices. On dense scans this drops nearly everything before the O(n log n) sort.
 */
function prefilter(xs: Float64Array, ys: Float64Array): Uint32Array {
  const n = xs.length;
  const best = new Array<number>(8).fill(0);
  const score = (k: number, i: number): number => {
    const x = xs[i]!;
    const y = ys[i]!;
    switch (k) {
      case 0: return x;
      case 1: return x + y;
      case 2: return y;
      case 3: return y - x;
      case 4: return -x;
      case 5: return -x - y;
      case 6: return -y;
      default: return x - y;
    }
  };
  for (let i = 1; i < n; i++) for (let k = 0; k < 8; k++) if (score(k, i) > score(k, best[k]!)) best[k] = i;
  const oct: number[] = [];
  for (const i of best) if (oct[oct.length - 1] !== i && oct[0] !== i) oct.push(i);
  const keep = new Uint32Array(n);
  let m = 0;
  if (oct.length < 3) {
    for (let i = 0; i < n; i++) keep[m++] = i;
    return keep;
  }
  outer: for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    for (let e = 0; e < oct.length; e++) {
      const a = oct[e]!;
      const b = oct[(e + 1) % oct.length]!;
      if (cross(xs[a]!, ys[a]!, xs[b]!, ys[b]!, x, y) <= 0) {
        keep[m++] = i;
        continue outer;
      }
    }
  }
  return keep.subarray(0, m);
}

function gatherXY(points: ArrayLike<number>, indices?: ArrayLike<number>): { xs: Float64Array; ys: Float64Array; ox: number; oy: number } {
  const n = indices ? indices.length : Math.floor(points.length / 3);
  const at = (k: number): number => (indices ? indices[k]! : k);
  if (n === 0) return { xs: new Float64Array(0), ys: new Float64Array(0), ox: 0, oy: 0 };
  // Coordinates relative to the first point: keeps cross products accurate far from the origin.
  const ox = points[3 * at(0)]!;
  const oy = points[3 * at(0) + 1]!;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = at(k);
    xs[k] = points[3 * i]! - ox;
    ys[k] = points[3 * i + 1]! - oy;
  }
  return { xs, ys, ox, oy };
}

function hullOf(xs: Float64Array, ys: Float64Array): Point2[] {
  const cand = xs.length > 64 ? prefilter(xs, ys) : Uint32Array.from({ length: xs.length }, (_, i) => i);
  const order = Array.from(cand).sort((a, b) => xs[a]! - xs[b]! || ys[a]! - ys[b]!);
  if (order.length <= 2) {
    const pts = order.map((i): Point2 => [xs[i]!, ys[i]!]);
    return pts.length === 2 && pts[0]![0] === pts[1]![0] && pts[0]![1] === pts[1]![1] ? [pts[0]!] : pts;
  }
  const lower: number[] = [];
  for (const i of order) {
    while (lower.length >= 2 && cross(xs[lower[lower.length - 2]!]!, ys[lower[lower.length - 2]!]!, xs[lower[lower.length - 1]!]!, ys[lower[lower.length - 1]!]!, xs[i]!, ys[i]!) <= 0) lower.pop();
    lower.push(i);
  }
  const upper: number[] = [];
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    while (upper.length >= 2 && cross(xs[upper[upper.length - 2]!]!, ys[upper[upper.length - 2]!]!, xs[upper[upper.length - 1]!]!, ys[upper[upper.length - 1]!]!, xs[i]!, ys[i]!) <= 0) upper.pop();
    upper.push(i);
  }
  lower.pop();
  upper.pop();
  const idx = lower.concat(upper);
  // All points equal: monotone chain leaves one; collinear: two.
  return idx.map((i): Point2 => [xs[i]!, ys[i]!]);
}

/**
 * Convex hull of the XY projection of xyz points (all of them, or those at `indices`), counter-clockwise,
 * without collinear vertices. One vertex for coincident points, two for collinear ones.
 */
export function convexHullXY(points: ArrayLike<number>, indices?: ArrayLike<number>): Point2[] {
  const { xs, ys, ox, oy } = gatherXY(points, indices);
  if (xs.length === 0) return [];
  return hullOf(xs, ys).map(([x, y]): Point2 => [x + ox, y + oy]);
}

/** Area of a simple polygon (absolute value of the shoelace sum). */
export function polygonArea(poly: readonly Point2[]): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % poly.length]!;
    s += a[0] * b[1] - a[1] * b[0];
  }
  return Math.abs(s) / 2;
}

function canonicalRectangle(cx: number, cy: number, ux: number, uy: number, a: number, b: number): Rectangle2 {
  let angle = Math.atan2(uy, ux);
  let size: Point2 = [a, b];
  if (b > a) {
    angle += Math.PI / 2;
    size = [b, a];
  }
  // A rectangle is symmetric under a half turn: keep the angle in (−π/2, π/2].
  while (angle > Math.PI / 2) angle -= Math.PI;
  while (angle <= -Math.PI / 2) angle += Math.PI;
  return { center: [cx, cy], angle, size };
}

/**
 * Minimum-area enclosing rectangle of a convex polygon (CCW, as from `convexHullXY`), by rotating calipers:
 * the optimum has a side on a hull edge, and the extreme vertices in the edge's directions advance
 * monotonically as the edge does, so all edges are tried in O(h).
 */
export function minAreaRectangle(hull: readonly Point2[]): Rectangle2 {
  const h = hull.length;
  if (h === 0) throw new RangeError('minAreaRectangle of no points');
  const p0 = hull[0]!;
  if (h === 1) return { center: [p0[0], p0[1]], angle: 0, size: [0, 0] };
  if (h === 2) {
    const p1 = hull[1]!;
    const len = Math.hypot(p1[0] - p0[0], p1[1] - p0[1]);
    return canonicalRectangle((p0[0] + p1[0]) / 2, (p0[1] + p1[1]) / 2, (p1[0] - p0[0]) / len, (p1[1] - p0[1]) / len, len, 0);
  }
  const X = (i: number): number => hull[i % h]![0];
  const Y = (i: number): number => hull[i % h]![1];
  let best = Infinity;
  let rect: Rectangle2 | undefined;
  let jMax = -1;
  let jMin = -1;
  let kFar = -1;
  for (let i = 0; i < h; i++) {
    const ex = X(i + 1) - X(i);
    const ey = Y(i + 1) - Y(i);
    const len = Math.hypot(ex, ey);
    const ux = ex / len;
    const uy = ey / len;
    // Inward normal (the hull is CCW, so the interior is on the left).
    const nx = -uy;
    const ny = ux;
    const du = (k: number): number => ux * (X(k) - X(i)) + uy * (Y(k) - Y(i));
    const dn = (k: number): number => nx * (X(k) - X(i)) + ny * (Y(k) - Y(i));
    if (i === 0) {
      jMax = 0;
      jMin = 0;
      kFar = 0;
      for (let k = 1; k < h; k++) {
        if (du(k) > du(jMax)) jMax = k;
        if (du(k) < du(jMin)) jMin = k;
        if (dn(k) > dn(kFar)) kFar = k;
      }
    } else {
      for (let s = 0; s < h && du(jMax + 1) > du(jMax); s++) jMax = (jMax + 1) % h;
      for (let s = 0; s < h && dn(kFar + 1) > dn(kFar); s++) kFar = (kFar + 1) % h;
      for (let s = 0; s < h && du(jMin + 1) < du(jMin); s++) jMin = (jMin + 1) % h;
    }
    const uMin = Math.min(0, du(jMin));
    const uMax = du(jMax);
    const nMax = dn(kFar);
    const area = (uMax - uMin) * nMax;
    // Strictly smaller (with a relative margin) so that ties resolve to the first edge, deterministically.
    if (area < best * (1 - 1e-12)) {
      best = area;
      const um = (uMin + uMax) / 2;
      const nm = nMax / 2;
      rect = canonicalRectangle(X(i) + ux * um + nx * nm, Y(i) + uy * um + ny * nm, ux, uy, uMax - uMin, nMax);
    }
  }
  return rect!;
}

/**
 * Upright (rotation about Z only) box around xyz points — all of them, or those at `indices`. Local x is the
 * longer horizontal side; extents are raised to `minExtent` where the points are flat.
 */
export function fitUprightBox(points: Float32Array | number[], indices?: ArrayLike<number>, options: FitBoxOptions = {}): OrientedBox {
  const n = indices ? indices.length : Math.floor(points.length / 3);
  if (n === 0) throw new RangeError('fitUprightBox needs at least one point');
  const minExtent = options.minExtent ?? MIN_BOX_EXTENT;
  let zMin = Infinity;
  let zMax = -Infinity;
  for (let k = 0; k < n; k++) {
    const z = points[3 * (indices ? indices[k]! : k) + 2]!;
    if (z < zMin) zMin = z;
    if (z > zMax) zMax = z;
  }
  const { xs, ys, ox, oy } = gatherXY(points, indices);
  const rect = minAreaRectangle(hullOf(xs, ys));
  return {
    center: [rect.center[0] + ox, rect.center[1] + oy, (zMin + zMax) / 2],
    extents: [Math.max(rect.size[0], minExtent), Math.max(rect.size[1], minExtent), Math.max(zMax - zMin, minExtent)],
    rotation: rotationZ(rect.angle),
  };
}
