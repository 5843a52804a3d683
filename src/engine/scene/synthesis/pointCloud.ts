/**
 * A point cloud sampled from the room's surfaces and the objects' boxes, for sources that have boxes but no
 * scan. Points are spread by area (each surface gets its share of a fixed density), so an object's point count
 * is proportional to its visible surface, as in a real scan at constant resolution. Faces nobody could see
 * (resting on the floor or on another object, flush against a wall) get no points, and neither does the floor
 * under furniture. The ceiling is left out by default so the viewer can look in from above.
 */
import type { PointCloud, Room, SceneObject, Vec3 } from '../../../shared/scene.js';
import { createRng } from '../../../shared/random.js';
import { boxAabb } from '../obb.js';
import { boxFootprint } from './footprint.js';
import type { Vec2 } from './polygon.js';
import { distanceToConvex, distanceToSegment, triangulate } from './polygon.js';
import type { Rgb } from './palette.js';
import { CEILING_COLOR, FLOOR_COLORS, WALL_COLORS, labelColor } from './palette.js';
import { resolveRoomGeometry } from './roomGeometry.js';

export interface PointCloudOptions {
  seed: number;
  /** Sampling density on every surface (default 300 points/m², ~6 cm spacing). */
  pointsPerSquareMetre?: number;
  /** Cap on the total; the density is lowered uniformly to meet it (default 400 000). */
  maxPoints?: number;
  /** Sample the ceiling too (default false). */
  ceiling?: boolean;
}

export interface PointCloudInput {
  objects: readonly SceneObject[];
  room: Room;
}

export const DEFAULT_POINTS_PER_SQUARE_METRE = 300;
export const DEFAULT_MAX_POINTS = 400_000;

/** A face lying within this of a floor, support top or wall is taken to touch it. */
const CONTACT = 0.03;
const LIGHT: Vec3 = (() => {
  const l: Vec3 = [0.35, 0.5, 0.79];
  const n = Math.hypot(...l);
  return [l[0] / n, l[1] / n, l[2] / n];
})();

/** p = origin + s·u + t·v over the unit square, or the unit triangle when `triangle`. */
interface Surface {
  origin: Vec3;
  u: Vec3;
  v: Vec3;
  triangle: boolean;
  area: number;
  color: Rgb;
  objectId: number;
  /** Floor samples under furniture are dropped (a scan never sees there). */
  isFloor: boolean;
}

function shade(color: Rgb, normal: Vec3): Rgb {
  const lambert = Math.max(0, normal[0] * LIGHT[0] + normal[1] * LIGHT[1] + normal[2] * LIGHT[2]);
  const k = 0.7 + 0.3 * lambert;
  return [color[0] * k, color[1] * k, color[2] * k];
}

interface Context {
  polygon: Vec2[];
  floorZ: number;
  tops: { z: number; footprint: Vec2[]; id: number }[];
}

/** Whether a box face with this centre and outward normal is hidden by the floor, a support or a wall. */
function faceHidden(ctx: Context, objectId: number, center: Vec3, normal: Vec3): boolean {
  if (normal[2] < -0.95) {
    // At or below the floor: real annotations often dip a few centimetres under the estimated floor.
    if (center[2] < ctx.floorZ + CONTACT) return true;
    for (const t of ctx.tops) {
      if (t.id !== objectId && Math.abs(center[2] - t.z) < CONTACT && distanceToConvex(center[0], center[1], t.footprint) === 0) return true;
    }
    return false;
  }
  if (Math.abs(normal[2]) > 0.05) return false;
  const poly = ctx.polygon;
  for (let i = 0, n = poly.length; i < n; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % n]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len < 1e-9) continue;
    // Counter-clockwise polygon: the inward normal is the edge direction turned left.
    const inX = -(b[1] - a[1]) / len;
    const inY = (b[0] - a[0]) / len;
    if (normal[0] * inX + normal[1] * inY < -0.95 && distanceToSegment(center[0], center[1], a, b) < CONTACT) return true;
  }
  return false;
}

function collectSurfaces(input: PointCloudInput, options: { seed: number; ceiling?: boolean }): { surfaces: Surface[]; floorBlockers: { footprint: Vec2[]; min: Vec2; max: Vec2 }[] } {
  const rng = createRng(options.seed).fork('palette');
  const { polygon, floorZ, height } = resolveRoomGeometry(input.room, input.objects);
  const surfaces: Surface[] = [];
  const floorColor = rng.pick(FLOOR_COLORS);
  const wallColor = rng.pick(WALL_COLORS);

  for (const [a, b, c] of triangulate(polygon)) {
    const origin: Vec3 = [a[0], a[1], floorZ];
    const u: Vec3 = [b[0] - a[0], b[1] - a[1], 0];
    const v: Vec3 = [c[0] - a[0], c[1] - a[1], 0];
    const area = Math.abs(u[0] * v[1] - u[1] * v[0]) / 2;
    surfaces.push({ origin, u, v, triangle: true, area, color: shade(floorColor, [0, 0, 1]), objectId: -1, isFloor: true });
    if (options.ceiling) {
      surfaces.push({ origin: [a[0], a[1], floorZ + height], u, v, triangle: true, area, color: shade(CEILING_COLOR, [0, 0, -1]), objectId: -1, isFloor: false });
    }
  }
  for (let i = 0, n = polygon.length; i < n; i++) {
    const a = polygon[i]!;
    const b = polygon[(i + 1) % n]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len < 1e-9) continue;
    const inward: Vec3 = [-(b[1] - a[1]) / len, (b[0] - a[0]) / len, 0];
    surfaces.push({
      origin: [a[0], a[1], floorZ],
      u: [b[0] - a[0], b[1] - a[1], 0],
      v: [0, 0, height],
      triangle: false,
      area: len * height,
      color: shade(wallColor, inward),
      objectId: -1,
      isFloor: false,
    });
  }

  const ctx: Context = {
    polygon,
    floorZ,
    tops: input.objects.map((o) => ({ z: boxAabb(o.box).max[2], footprint: boxFootprint(o.box), id: o.id })),
  };
  const floorBlockers: { footprint: Vec2[]; min: Vec2; max: Vec2 }[] = [];
  input.objects.forEach((o, oi) => {
    const { center, extents, rotation: r } = o.box;
    const axes: Vec3[] = [0, 1, 2].map((k): Vec3 => [r[k]!, r[3 + k]!, r[6 + k]!]);
    const h = [extents[0] / 2, extents[1] / 2, extents[2] / 2];
    // Same-kind objects differ a little in tone, as real chairs do.
    const tint = 1 + 0.08 * rng.normal();
    const base = labelColor(o.label).map((c) => c * tint) as Rgb;
    for (let k = 0; k < 3; k++) {
      const i = (k + 1) % 3;
      const j = (k + 2) % 3;
      const ak = axes[k]!;
      const ai = axes[i]!;
      const aj = axes[j]!;
      const area = 4 * h[i]! * h[j]!;
      for (const sign of [-1, 1]) {
        const normal: Vec3 = [sign * ak[0], sign * ak[1], sign * ak[2]];
        const fc: Vec3 = [center[0] + normal[0] * h[k]!, center[1] + normal[1] * h[k]!, center[2] + normal[2] * h[k]!];
        if (faceHidden(ctx, o.id, fc, normal)) continue;
        surfaces.push({
          origin: [
            fc[0] - ai[0] * h[i]! - aj[0] * h[j]!,
            fc[1] - ai[1] * h[i]! - aj[1] * h[j]!,
            fc[2] - ai[2] * h[i]! - aj[2] * h[j]!,
          ],
          u: [ai[0] * 2 * h[i]!, ai[1] * 2 * h[i]!, ai[2] * 2 * h[i]!],
          v: [aj[0] * 2 * h[j]!, aj[1] * 2 * h[j]!, aj[2] * 2 * h[j]!],
          triangle: false,
          area,
          color: shade(base, normal),
          objectId: o.id,
          isFloor: false,
        });
      }
    }
    const aabb = boxAabb(o.box);
    if (aabb.min[2] < floorZ + CONTACT) {
      floorBlockers.push({ footprint: ctx.tops[oi]!.footprint, min: [aabb.min[0], aabb.min[1]], max: [aabb.max[0], aabb.max[1]] });
    }
  });
  return { surfaces, floorBlockers };
}

/** Visible surface area per object id (m²): what the sampler spreads that object's points over. */
export function visibleSurfaceAreas(input: PointCloudInput, options: { ceiling?: boolean } = {}): Map<number, number> {
  const { surfaces } = collectSurfaces(input, { seed: 0, ...options });
  const out = new Map<number, number>();
  for (const s of surfaces) if (s.objectId >= 0) out.set(s.objectId, (out.get(s.objectId) ?? 0) + s.area);
  return out;
}

export function synthesizePointCloud(input: PointCloudInput, options: PointCloudOptions): PointCloud {
  const { surfaces, floorBlockers } = collectSurfaces(input, options);
  const rng = createRng(options.seed).fork('points');
  const total = surfaces.reduce((s, f) => s + f.area, 0);
  const maxPoints = options.maxPoints ?? DEFAULT_MAX_POINTS;
  let density = options.pointsPerSquareMetre ?? DEFAULT_POINTS_PER_SQUARE_METRE;
  if (!(density > 0)) throw new RangeError(`pointsPerSquareMetre must be positive, got ${density}`);
  if (total * density > maxPoints) density = maxPoints / total;

  // Cumulative rounding: every surface gets floor or ceil of its exact share and the total is exact.
  const counts = new Array<number>(surfaces.length);
  let acc = 0;
  let capacity = 0;
  for (let i = 0; i < surfaces.length; i++) {
    const before = Math.floor(acc);
    acc += surfaces[i]!.area * density;
    counts[i] = Math.floor(acc) - before;
    capacity += counts[i]!;
  }
  const positions = new Float32Array(capacity * 3);
  const colors = new Uint8Array(capacity * 3);
  const objectIds = new Int32Array(capacity);
  let n = 0;
  for (let si = 0; si < surfaces.length; si++) {
    const f = surfaces[si]!;
    const { origin: o, u, v } = f;
    for (let c = counts[si]!; c > 0; c--) {
      let s = rng.next();
      let t = rng.next();
      if (f.triangle && s + t > 1) {
        s = 1 - s;
        t = 1 - t;
      }
      const x = o[0] + s * u[0] + t * v[0];
      const y = o[1] + s * u[1] + t * v[1];
      const z = o[2] + s * u[2] + t * v[2];
      const noise = (rng.next() - 0.5) * 20;
      if (f.isFloor && underFurniture(x, y, floorBlockers)) continue;
      positions[3 * n] = x;
      positions[3 * n + 1] = y;
      positions[3 * n + 2] = z;
      colors[3 * n] = clampByte(f.color[0] + noise);
      colors[3 * n + 1] = clampByte(f.color[1] + noise);
      colors[3 * n + 2] = clampByte(f.color[2] + noise);
      objectIds[n] = f.objectId;
      n++;
    }
  }
  if (n === capacity) return { positions, colors, objectIds };
  return { positions: positions.slice(0, 3 * n), colors: colors.slice(0, 3 * n), objectIds: objectIds.slice(0, n) };
}

function underFurniture(x: number, y: number, blockers: readonly { footprint: Vec2[]; min: Vec2; max: Vec2 }[]): boolean {
  for (const b of blockers) {
    if (x < b.min[0] || x > b.max[0] || y < b.min[1] || y > b.max[1]) continue;
    if (distanceToConvex(x, y, b.footprint) === 0) return true;
  }
  return false;
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
