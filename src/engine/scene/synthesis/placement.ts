/**
 * Placing boxes in a room without interpenetration. Every object is a yaw-only box; two objects conflict when
 * their height ranges overlap and their footprints come closer than the clearance asked for, so a window may
 * hang above a sofa and a monitor stand on a desk, but nothing shares space. Candidates must lie inside the
 * floor polygon (L-shapes included) and below the ceiling.
 *
 * Local frame of every object: x side to side, y towards its front, z up. "Against a wall" therefore means the
 * back (local −y face) on the wall and the front facing into the room.
 */
import type { Rng } from '../../../shared/random.js';
import type { Vec3 } from '../../../shared/scene.js';
import type { Category, CategoryKey, Placement, Range } from '../categories.js';
import { CATEGORIES } from '../categories.js';
import { rectangleFootprint } from './footprint.js';
import type { Vec2 } from './polygon.js';
import { convexInsidePolygon, convexSeparation, pointInPolygon, polygonArea, polygonBounds } from './polygon.js';
import type { Wall } from './roomShapes.js';
import { wallsOf } from './roomShapes.js';

export interface PlacedObject {
  key: CategoryKey;
  label: string;
  rawLabel: string;
  center: Vec3;
  /** Width, depth, height. */
  extents: Vec3;
  yaw: number;
  footprint: Vec2[];
  zMin: number;
  zMax: number;
  placement: Placement;
  /** Index of the object it rests on. */
  supportIndex?: number;
  wallIndex?: number;
}

/** Space nothing may occupy (in front of doors, so rooms stay enterable). */
interface KeepClear {
  footprint: Vec2[];
  zMin: number;
  zMax: number;
}

export interface AddRequest {
  key: CategoryKey;
  rawLabel?: string;
  center: Vec3;
  extents: Vec3;
  yaw: number;
  supportIndex?: number;
  wallIndex?: number;
  /** Minimum footprint gap to any object sharing heights (default 0.05 m). */
  clearance?: number;
}

export const DEFAULT_CLEARANCE = 0.05;
/** How far a flush wall object's back sits in front of the wall: keeps it strictly inside the room. */
const WALL_INSET = 0.003;
const Z_EPS = 1e-6;

const round2 = (v: number): number => Math.round(v * 100) / 100;

/** Yaw whose local +y (the object's front) points along `n`. */
export function yawFacing(n: Vec2): number {
  return Math.atan2(-n[0], n[1]);
}

export class Placer {
  readonly objects: PlacedObject[] = [];
  readonly walls: Wall[];
  readonly area: number;
  private readonly keepClear: KeepClear[] = [];
  private readonly bounds: { min: Vec2; max: Vec2 };

  constructor(
    readonly polygon: Vec2[],
    readonly height: number,
    readonly rng: Rng,
  ) {
    this.walls = wallsOf(polygon);
    this.area = polygonArea(polygon);
    this.bounds = polygonBounds(polygon);
  }

  /** Extents drawn from the category's priors, on the centimetre grid and inside the ranges. */
  size(key: CategoryKey): Vec3 {
    const cat: Category = CATEGORIES[key];
    const pick = (r: Range): number => Math.min(r[1], Math.max(r[0], round2(this.rng.range(r[0], r[1]))));
    return [pick(cat.width), pick(cat.depth), pick(cat.height)];
  }

  /** Share of the floor covered by floor-standing objects. */
  coverage(): number {
    let a = 0;
    for (const o of this.objects) if (o.zMin < Z_EPS) a += polygonArea(o.footprint);
    return a / this.area;
  }

  count(key: CategoryKey): number {
    return this.objects.filter((o) => o.key === key).length;
  }

  /** Undo everything placed after `length` objects (for groups that must fit as a whole). */
  rollback(length: number): void {
    this.objects.length = length;
  }

  /** Whether a box with this footprint and height range could go here. */
  fits(footprint: Vec2[], zMin: number, zMax: number, clearance: number): boolean {
    if (zMin < -Z_EPS || zMax > this.height + Z_EPS) return false;
    if (!convexInsidePolygon(footprint, this.polygon, 1e-9)) return false;
    for (const o of this.objects) {
      if (Math.min(zMax, o.zMax) - Math.max(zMin, o.zMin) <= Z_EPS) continue;
      if (convexSeparation(footprint, o.footprint) < clearance) return false;
    }
    for (const z of this.keepClear) {
      if (Math.min(zMax, z.zMax) - Math.max(zMin, z.zMin) <= Z_EPS) continue;
      if (convexSeparation(footprint, z.footprint) < 0) return false;
    }
    return true;
  }

  tryAdd(req: AddRequest): number | undefined {
    const cat: Category = CATEGORIES[req.key];
    const [w, d, h] = req.extents;
    const footprint = rectangleFootprint(req.center[0], req.center[1], w, d, req.yaw);
    const zMin = req.center[2] - h / 2;
    const zMax = req.center[2] + h / 2;
    if (!this.fits(footprint, zMin, zMax, req.clearance ?? DEFAULT_CLEARANCE)) return undefined;
    this.objects.push({
      key: req.key,
      label: cat.label,
      rawLabel: req.rawLabel ?? cat.rawLabels[0]!,
      center: [...req.center],
      extents: [...req.extents],
      yaw: req.yaw,
      footprint,
      zMin,
      zMax,
      placement: cat.placement,
      ...(req.supportIndex !== undefined ? { supportIndex: req.supportIndex } : {}),
      ...(req.wallIndex !== undefined ? { wallIndex: req.wallIndex } : {}),
    });
    return this.objects.length - 1;
  }

  /** Picks a wall long enough for `width`, favouring long walls (more furniture lines them). */
  pickWall(width: number, score?: (w: Wall) => number): Wall | undefined {
    const usable = this.walls.filter((w) => w.length >= width + 0.1);
    if (usable.length === 0) return undefined;
    if (score) {
      const best = Math.max(...usable.map(score));
      const top = usable.filter((w) => score(w) >= best - 1e-9);
      return this.rng.pick(top);
    }
    const total = usable.reduce((s, w) => s + w.length, 0);
    let r = this.rng.range(0, total);
    for (const w of usable) {
      r -= w.length;
      if (r < 0) return w;
    }
    return usable[usable.length - 1];
  }

  /**
   * A floor object with its back to a wall. `along` chooses where: anywhere, near a corner, or as close as
   * possible to a point's projection on the wall (a TV stand opposite the sofa).
   */
  againstWall(
    key: CategoryKey,
    opts: {
      extents?: Vec3;
      rawLabel?: string;
      wall?: (w: Wall) => number;
      along?: 'any' | 'corner' | Vec2;
      gap?: Range;
      attempts?: number;
      clearance?: number;
    } = {},
  ): number | undefined {
    for (let attempt = 0; attempt < (opts.attempts ?? 40); attempt++) {
      const ext = opts.extents ?? this.size(key);
      const wall = this.pickWall(ext[0], attempt < 10 ? opts.wall : undefined);
      if (!wall) continue;
      const lo = ext[0] / 2 + 0.02;
      const hi = wall.length - ext[0] / 2 - 0.02;
      let t: number;
      const along = opts.along ?? 'any';
      if (along === 'corner') {
        const off = this.rng.range(0, Math.min(0.3, hi - lo));
        t = this.rng.chance(0.5) ? lo + off : hi - off;
      } else if (along === 'any') {
        t = this.rng.range(lo, hi);
      } else {
        const proj = (along[0] - wall.start[0]) * wall.direction[0] + (along[1] - wall.start[1]) * wall.direction[1];
        t = Math.min(hi, Math.max(lo, proj + (attempt < 10 ? 0 : this.rng.range(-1, 1))));
      }
      const g = opts.gap ? this.rng.range(opts.gap[0], opts.gap[1]) : this.rng.range(0.01, 0.05);
      const off = ext[1] / 2 + g;
      const center: Vec3 = [
        wall.start[0] + wall.direction[0] * t + wall.normal[0] * off,
        wall.start[1] + wall.direction[1] * t + wall.normal[1] * off,
        ext[2] / 2,
      ];
      const i = this.tryAdd({ key, center, extents: ext, yaw: yawFacing(wall.normal), wallIndex: wall.index, ...this.optional(opts) });
      if (i !== undefined) return i;
    }
    return undefined;
  }

  /** A floor object standing free, aligned with the walls (give `yawJitter` for a casual angle). */
  inOpen(
    key: CategoryKey,
    opts: { extents?: Vec3; rawLabel?: string; yawJitter?: number; anyYaw?: boolean; attempts?: number; clearance?: number; wallDistance?: number } = {},
  ): number | undefined {
    for (let attempt = 0; attempt < (opts.attempts ?? 40); attempt++) {
      const ext = opts.extents ?? this.size(key);
      const p = this.randomPointInside(opts.wallDistance ?? 0);
      if (!p) continue;
      const base = this.rng.pick(this.walls).direction;
      const yaw = opts.anyYaw ? this.rng.range(-Math.PI, Math.PI) : Math.atan2(base[1], base[0]) + this.rng.range(-1, 1) * (opts.yawJitter ?? 0);
      const i = this.tryAdd({ key, center: [p[0], p[1], ext[2] / 2], extents: ext, yaw, ...this.optional(opts) });
      if (i !== undefined) return i;
    }
    return undefined;
  }

  /**
   * A floor object placed relative to another: (u, v) in the anchor's local frame, its own yaw the anchor's plus
   * `yawOffset`. Used for chairs around tables, nightstands beside beds.
   */
  relativeTo(
    anchor: number,
    key: CategoryKey,
    u: number,
    v: number,
    yawOffset: number,
    opts: { extents?: Vec3; rawLabel?: string; clearance?: number } = {},
  ): number | undefined {
    const a = this.objects[anchor]!;
    const ext = opts.extents ?? this.size(key);
    const c = Math.cos(a.yaw);
    const s = Math.sin(a.yaw);
    const center: Vec3 = [a.center[0] + c * u - s * v, a.center[1] + s * u + c * v, ext[2] / 2];
    return this.tryAdd({ key, center, extents: ext, yaw: a.yaw + yawOffset, ...this.optional(opts) });
  }

  /**
   * An object resting on another's top, entirely within it. `v` prefers the support's back (towards its wall)
   * or front; the yaw is the support's, so a monitor faces whoever sits at the desk.
   */
  onTop(
    support: number,
    key: CategoryKey,
    opts: { extents?: Vec3; rawLabel?: string; v?: 'back' | 'front' | 'any'; u?: number; yawOffset?: number; attempts?: number } = {},
  ): number | undefined {
    const s = this.objects[support]!;
    const [sw, sd] = s.extents;
    for (let attempt = 0; attempt < (opts.attempts ?? 25); attempt++) {
      const ext = opts.extents ?? this.size(key);
      const quarter = Math.abs(Math.sin(opts.yawOffset ?? 0)) > 0.5;
      const w = quarter ? ext[1] : ext[0];
      const d = quarter ? ext[0] : ext[1];
      const inset = 0.02;
      const uMax = (sw - w) / 2 - inset;
      const vMax = (sd - d) / 2 - inset;
      if (uMax < 0 || vMax < 0) continue;
      const u = opts.u !== undefined ? Math.max(-uMax, Math.min(uMax, opts.u + this.rng.range(-0.05, 0.05))) : this.rng.range(-uMax, uMax);
      const spread = this.rng.range(0, Math.min(vMax, 0.25 + attempt * 0.02));
      const v = opts.v === 'back' ? -vMax + spread : opts.v === 'front' ? vMax - spread : this.rng.range(-vMax, vMax);
      const c = Math.cos(s.yaw);
      const sn = Math.sin(s.yaw);
      const center: Vec3 = [s.center[0] + c * u - sn * v, s.center[1] + sn * u + c * v, s.zMax + ext[2] / 2];
      const i = this.tryAdd({ key, center, extents: ext, yaw: s.yaw + (opts.yawOffset ?? 0), supportIndex: support, clearance: 0.02, ...this.optional(opts) });
      if (i !== undefined) return i;
    }
    return undefined;
  }

  /** A wall-mounted object (window, door, radiator, clock…) flush with a wall at its category's elevation. */
  onWall(
    key: CategoryKey,
    opts: { extents?: Vec3; rawLabel?: string; wall?: (w: Wall) => number; t?: (w: Wall, width: number) => number; elevation?: number; attempts?: number } = {},
  ): number | undefined {
    const cat: Category = CATEGORIES[key];
    for (let attempt = 0; attempt < (opts.attempts ?? 30); attempt++) {
      const ext = opts.extents ?? this.size(key);
      const wall = this.pickWall(ext[0] + 0.2, attempt < 10 ? opts.wall : undefined);
      if (!wall) continue;
      const lo = ext[0] / 2 + 0.1;
      const hi = wall.length - ext[0] / 2 - 0.1;
      const t = opts.t && attempt < 10 ? Math.min(hi, Math.max(lo, opts.t(wall, ext[0]))) : this.rng.range(lo, hi);
      const elevation = opts.elevation ?? round2(this.rng.range(...(cat.elevation ?? [1, 1.5])));
      const off = ext[1] / 2 + WALL_INSET;
      const center: Vec3 = [
        wall.start[0] + wall.direction[0] * t + wall.normal[0] * off,
        wall.start[1] + wall.direction[1] * t + wall.normal[1] * off,
        elevation + ext[2] / 2,
      ];
      const i = this.tryAdd({ key, center, extents: ext, yaw: yawFacing(wall.normal), wallIndex: wall.index, clearance: 0.02, ...this.optional(opts) });
      if (i !== undefined) return i;
    }
    return undefined;
  }

  /** Keeps a rectangle in front of a wall object free (a door's swing and approach). */
  keepClearInFront(index: number, depth: number, margin: number, zMax: number): void {
    const o = this.objects[index]!;
    const c = Math.cos(o.yaw);
    const s = Math.sin(o.yaw);
    const v = o.extents[1] / 2 + depth / 2;
    this.keepClear.push({
      footprint: rectangleFootprint(o.center[0] - s * v, o.center[1] + c * v, o.extents[0] + 2 * margin, depth, o.yaw),
      zMin: 0,
      zMax,
    });
  }

  private randomPointInside(wallDistance: number): Vec2 | undefined {
    const { min, max } = this.bounds;
    for (let i = 0; i < 50; i++) {
      const x = this.rng.range(min[0] + wallDistance, max[0] - wallDistance);
      const y = this.rng.range(min[1] + wallDistance, max[1] - wallDistance);
      if (pointInPolygon(x, y, this.polygon)) return [x, y];
    }
    return undefined;
  }

  private optional(opts: { rawLabel?: string; clearance?: number }): { rawLabel?: string; clearance?: number } {
    return {
      ...(opts.rawLabel !== undefined ? { rawLabel: opts.rawLabel } : {}),
      ...(opts.clearance !== undefined ? { clearance: opts.clearance } : {}),
    };
  }
}
