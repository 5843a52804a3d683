/**
 * Planar geometry for floor plans and object footprints (the XY plane of the canonical frame).
 * Polygons are arrays of vertices without a repeated closing vertex; room polygons are counter-clockwise and
 * may be non-convex (L-shapes), footprints are convex.
 */
import { hypot } from '../math.js';

export type Vec2 = [number, number];

/** Shoelace area: positive for counter-clockwise vertex order. */
export function polygonSignedArea(poly: readonly Vec2[]): number {
  let s = 0;
  for (let i = 0, n = poly.length; i < n; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % n]!;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return s / 2;
}

export function polygonArea(poly: readonly Vec2[]): number {
  return Math.abs(polygonSignedArea(poly));
}

/** Area centroid (not the vertex mean, which L-shapes would pull towards their busy corner). */
export function polygonCentroid(poly: readonly Vec2[]): Vec2 {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, n = poly.length; i < n; i++) {
    const p = poly[i]!;
    const q = poly[(i + 1) % n]!;
    const c = p[0] * q[1] - q[0] * p[1];
    a += c;
    cx += (p[0] + q[0]) * c;
    cy += (p[1] + q[1]) * c;
  }
  if (Math.abs(a) < 1e-12) {
    const m = poly.reduce((s, p) => [s[0] + p[0], s[1] + p[1]] as Vec2, [0, 0] as Vec2);
    return [m[0] / Math.max(1, poly.length), m[1] / Math.max(1, poly.length)];
  }
  return [cx / (3 * a), cy / (3 * a)];
}

export function ensureCounterClockwise(poly: readonly Vec2[]): Vec2[] {
  const copy = poly.map((p): Vec2 => [p[0], p[1]]);
  return polygonSignedArea(copy) < 0 ? copy.reverse() : copy;
}

export function polygonBounds(poly: readonly Vec2[]): { min: Vec2; max: Vec2 } {
  const min: Vec2 = [Infinity, Infinity];
  const max: Vec2 = [-Infinity, -Infinity];
  for (const p of poly) {
    if (p[0] < min[0]) min[0] = p[0];
    if (p[1] < min[1]) min[1] = p[1];
    if (p[0] > max[0]) max[0] = p[0];
    if (p[1] > max[1]) max[1] = p[1];
  }
  return { min, max };
}

/** Even-odd rule; points exactly on the boundary may go either way, so callers that care add a tolerance. */
export function pointInPolygon(x: number, y: number, poly: readonly Vec2[]): boolean {
  let inside = false;
  for (let i = 0, n = poly.length, j = n - 1; i < n; j = i++) {
    const a = poly[i]!;
    const b = poly[j]!;
    if (a[1] > y !== b[1] > y && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

export function distanceToSegment(x: number, y: number, a: Vec2, b: Vec2): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((x - a[0]) * dx + (y - a[1]) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return hypot(x - (a[0] + t * dx), y - (a[1] + t * dy));
}

export function distanceToBoundary(x: number, y: number, poly: readonly Vec2[]): number {
  let d = Infinity;
  for (let i = 0, n = poly.length; i < n; i++) d = Math.min(d, distanceToSegment(x, y, poly[i]!, poly[(i + 1) % n]!));
  return d;
}

/**
 * Signed clearance from a point to a polygon: distance to the boundary, positive inside and negative outside.
 * Because distance is 1-Lipschitz, a point with clearance c has every point within c of it inside too.
 */
export function insideClearance(x: number, y: number, poly: readonly Vec2[]): number {
  const d = distanceToBoundary(x, y, poly);
  return pointInPolygon(x, y, poly) ? d : -d;
}

/** Distance from a point to a convex counter-clockwise polygon: 0 inside. */
export function distanceToConvex(x: number, y: number, poly: readonly Vec2[]): number {
  let inside = true;
  for (let i = 0, n = poly.length; i < n; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % n]!;
    if ((b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]) < 0) {
      inside = false;
      break;
    }
  }
  return inside && poly.length >= 3 ? 0 : distanceToBoundary(x, y, poly);
}

/** Counter-clockwise convex hull (Andrew's monotone chain), collinear and duplicate points dropped. */
export function convexHull(points: readonly Vec2[]): Vec2[] {
  const pts = points.map((p): Vec2 => [p[0], p[1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length <= 2) return pts;
  const cross = (o: Vec2, a: Vec2, b: Vec2): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const eps = 1e-12;
  const lower: Vec2[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= eps) lower.pop();
    lower.push(p);
  }
  const upper: Vec2[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= eps) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/**
 * Separating-axis gap between two convex polygons (a segment counts as a 2-vertex polygon): the largest gap
 * between their projections over all edge normals. Positive: disjoint, and at least that far apart (it is a
 * lower bound of the true distance). Zero or negative: touching or overlapping by up to that depth.
 */
export function convexSeparation(a: readonly Vec2[], b: readonly Vec2[]): number {
  let best = -Infinity;
  for (const poly of [a, b]) {
    for (let i = 0, n = poly.length; i < n; i++) {
      const p = poly[i]!;
      const q = poly[(i + 1) % n]!;
      let nx = q[1] - p[1];
      let ny = p[0] - q[0];
      const len = hypot(nx, ny);
      if (len < 1e-12) continue;
      nx /= len;
      ny /= len;
      let minA = Infinity;
      let maxA = -Infinity;
      for (const v of a) {
        const d = v[0] * nx + v[1] * ny;
        if (d < minA) minA = d;
        if (d > maxA) maxA = d;
      }
      let minB = Infinity;
      let maxB = -Infinity;
      for (const v of b) {
        const d = v[0] * nx + v[1] * ny;
        if (d < minB) minB = d;
        if (d > maxB) maxB = d;
      }
      const gap = Math.max(minB - maxA, minA - maxB);
      if (gap > best) best = gap;
    }
  }
  return best;
}

/** Area of the intersection of two convex counter-clockwise polygons (Sutherland–Hodgman clipping). */
export function convexIntersectionArea(subject: readonly Vec2[], clip: readonly Vec2[]): number {
  let out: Vec2[] = subject.map((p): Vec2 => [p[0], p[1]]);
  for (let i = 0, n = clip.length; i < n && out.length > 0; i++) {
    const a = clip[i]!;
    const b = clip[(i + 1) % n]!;
    const side = (p: Vec2): number => (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
    const input = out;
    out = [];
    for (let j = 0, m = input.length; j < m; j++) {
      const p = input[j]!;
      const q = input[(j + 1) % m]!;
      const sp = side(p);
      const sq = side(q);
      if (sp >= 0) out.push(p);
      if ((sp >= 0) !== (sq >= 0)) {
        const t = sp / (sp - sq);
        out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
      }
    }
  }
  return out.length >= 3 ? polygonArea(out) : 0;
}

/**
 * Whether a convex polygon lies inside a simple (possibly non-convex) polygon, allowing `tolerance` metres
 * of overshoot. Vertices inside is not enough for L-shapes: the reflex corner could poke into the footprint,
 * so no room edge may cut into it either.
 */
export function convexInsidePolygon(inner: readonly Vec2[], outer: readonly Vec2[], tolerance = 1e-9): boolean {
  for (const v of inner) {
    if (!pointInPolygon(v[0], v[1], outer) && distanceToBoundary(v[0], v[1], outer) > tolerance) return false;
  }
  for (let i = 0, n = outer.length; i < n; i++) {
    if (convexSeparation([outer[i]!, outer[(i + 1) % n]!], inner) < -tolerance) return false;
  }
  return true;
}

/** Ear-clipping triangulation of a simple polygon (made counter-clockwise first); returns vertex triples. */
export function triangulate(poly: readonly Vec2[]): [Vec2, Vec2, Vec2][] {
  const pts = ensureCounterClockwise(poly);
  const idx = pts.map((_, i) => i);
  const tris: [Vec2, Vec2, Vec2][] = [];
  const cross = (o: Vec2, a: Vec2, b: Vec2): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  let guard = 0;
  while (idx.length > 3 && guard++ < 10_000) {
    let clipped = false;
    for (let k = 0; k < idx.length; k++) {
      const ia = idx[(k + idx.length - 1) % idx.length]!;
      const ib = idx[k]!;
      const ic = idx[(k + 1) % idx.length]!;
      const a = pts[ia]!;
      const b = pts[ib]!;
      const c = pts[ic]!;
      if (cross(a, b, c) <= 1e-12) continue;
      let contains = false;
      for (const j of idx) {
        if (j === ia || j === ib || j === ic) continue;
        const p = pts[j]!;
        if (cross(a, b, p) >= 0 && cross(b, c, p) >= 0 && cross(c, a, p) >= 0) {
          contains = true;
          break;
        }
      }
      if (contains) continue;
      tris.push([a, b, c]);
      idx.splice(k, 1);
      clipped = true;
      break;
    }
    // A degenerate (self-touching or collinear) remainder: drop a vertex rather than loop forever.
    if (!clipped) idx.splice(0, 1);
  }
  if (idx.length === 3) {
    const [a, b, c] = [pts[idx[0]!]!, pts[idx[1]!]!, pts[idx[2]!]!];
    if (Math.abs(cross(a, b, c)) > 1e-12) tris.push([a, b, c]);
  }
  return tris;
}

/** Rotates a point about the origin by theta (radians, counter-clockwise). */
export function rotate2(p: Vec2, theta: number): Vec2 {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  return [c * p[0] - s * p[1], s * p[0] + c * p[1]];
}
