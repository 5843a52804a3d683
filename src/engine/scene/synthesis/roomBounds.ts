/**
 * A room volume for sources that only give a floor area and a centre (VSI-Bench meta_info).
 *
 * What the published files taught us (see test/engine/scene/synthesis/roomBounds.test.ts): neither ScanNet nor
 * ARKitScenes coordinates are wall-aligned (furniture yaws cluster around 35°, 55°, 80°… per scene), so an
 * axis-aligned rectangle of the given area would have to grow far beyond it to hold the furniture. The
 * rectangle is therefore turned to the furniture's dominant yaw (or to the tightest orientation when that
 * fits better), and `bounds` is its axis-aligned hull. The floor is 1–2 m below `room_center`, which is not
 * the middle of the room, so heights come from the objects.
 */
import type { SceneObject, Vec3 } from '../../../shared/scene.js';
import { boxAabb } from '../obb.js';
import { boxFootprint } from './footprint.js';
import type { Vec2 } from './polygon.js';
import { polygonArea, polygonBounds, rotate2 } from './polygon.js';

export interface RoomBoundsEstimate {
  /** Axis-aligned hull of the floor rectangle, from floorZ to floorZ + height. */
  bounds: { min: Vec3; max: Vec3 };
  floorZ: number;
  height: number;
  /** Counter-clockwise rectangle, turned by `yaw`. */
  floorPolygon: [number, number][];
  /** Area of floorPolygon: the given area unless the rectangle had to grow to contain every object. */
  area: number;
  /** area / given area: 1 when no enlargement was needed. Callers warn above 1.1. */
  enlargement: number;
  /** Rotation of the rectangle about Z in radians, in [-π/4, π/4). */
  yaw: number;
}

export interface RoomBoundsOptions {
  /** Turn the rectangle to the furniture (default true). False gives an axis-aligned rectangle. */
  align?: boolean;
}

export const DEFAULT_ROOM_HEIGHT = 2.8;
/** Space kept between an object and a wall that had to move to contain it, so their surfaces do not coincide. */
const WALL_GAP = 0.02;
/** Objects whose bottoms lie within this of each other are taken to stand on the same floor. */
const FLOOR_BAND = 0.1;
const HEAD_ROOM = 0.05;

/** Wraps an angle to [-π/4, π/4): a rectangle looks the same every quarter turn. */
function quarterWrap(theta: number): number {
  const q = Math.PI / 2;
  return theta - q * Math.floor((theta + q / 2) / q);
}

/**
 * The yaw most furniture shares, modulo 90°, weighted by footprint area (beds and sofas follow the walls more
 * faithfully than chairs do). Undefined when no box has a horizontal axis.
 */
export function dominantYaw(objects: readonly SceneObject[]): number | undefined {
  let c = 0;
  let s = 0;
  for (const o of objects) {
    const r = o.box.rotation;
    let best = -1;
    let bestZ = 0.3;
    for (let k = 0; k < 3; k++) {
      const z = Math.abs(r[6 + k]!);
      if (z < bestZ) {
        bestZ = z;
        best = k;
      }
    }
    if (best < 0) continue;
    const theta = Math.atan2(r[3 + best]!, r[best]!);
    const w = Math.max(1e-3, polygonArea(boxFootprint(o.box)));
    c += w * Math.cos(4 * theta);
    s += w * Math.sin(4 * theta);
  }
  if (Math.hypot(c, s) < 1e-9) return undefined;
  return quarterWrap(Math.atan2(s, c) / 4);
}

/** Orientation of the smallest-area rectangle around the points, searched every quarter degree. */
function tightestYaw(points: readonly Vec2[]): number {
  let best = 0;
  let bestArea = Infinity;
  for (let step = 0; step < 360; step++) {
    const theta = -Math.PI / 4 + (step * Math.PI) / 720;
    const c = Math.cos(-theta);
    const s = Math.sin(-theta);
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const p of points) {
      const x = c * p[0] - s * p[1];
      const y = s * p[0] + c * p[1];
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    const a = (x1 - x0) * (y1 - y0);
    if (a < bestArea - 1e-12) {
      bestArea = a;
      best = theta;
    }
  }
  return best;
}

interface Candidate {
  yaw: number;
  /** Rectangle in the turned frame. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  area: number;
}

/** Fits a rectangle of the given area, centred on `center` where possible, in the frame turned by yaw. */
function fitRectangle(points: readonly Vec2[], area: number, center: Vec2, yaw: number): Candidate {
  const local = points.map((p) => rotate2(p, -yaw));
  const c = rotate2(center, -yaw);
  if (local.length === 0) {
    const side = Math.sqrt(area);
    return { yaw, x0: c[0] - side / 2, x1: c[0] + side / 2, y0: c[1] - side / 2, y1: c[1] + side / 2, area: side * side };
  }
  const b = polygonBounds(local);
  const needX = b.max[0] - b.min[0] + 2 * WALL_GAP;
  const needY = b.max[1] - b.min[1] + 2 * WALL_GAP;
  // The aspect follows the furniture's spread, softened by a metre of floor around it and kept plausible.
  const aspect = Math.min(3, Math.max(1 / 3, (b.max[0] - b.min[0] + 1) / (b.max[1] - b.min[1] + 1)));
  let w: number;
  let d: number;
  if (needX * needY <= area) {
    // The area is a measurement and the aspect a guess: bend the aspect before growing the area.
    w = Math.min(Math.max(Math.sqrt(area * aspect), needX), area / needY);
    d = area / w;
  } else {
    w = needX;
    d = needY;
  }
  const x0 = Math.min(Math.max(c[0] - w / 2, b.max[0] + WALL_GAP - w), b.min[0] - WALL_GAP);
  const y0 = Math.min(Math.max(c[1] - d / 2, b.max[1] + WALL_GAP - d), b.min[1] - WALL_GAP);
  return { yaw, x0, x1: x0 + w, y0, y1: y0 + d, area: w * d };
}

/** Height of the floor: the lowest level that several object bottoms share, so one box poking below is ignored. */
export function estimateFloorZ(objects: readonly SceneObject[]): number | undefined {
  if (objects.length === 0) return undefined;
  const bottoms = objects.map((o) => boxAabb(o.box).min[2]).sort((a, b) => a - b);
  const support = Math.max(1, Math.min(3, Math.ceil(0.1 * bottoms.length)));
  for (let i = 0; i < bottoms.length; i++) {
    let n = 0;
    for (let j = i; j < bottoms.length && bottoms[j]! <= bottoms[i]! + FLOOR_BAND; j++) n++;
    if (n >= support) return bottoms[i]!;
  }
  return bottoms[0]!;
}

export function estimateRoomBounds(
  objects: readonly SceneObject[],
  area: number,
  center: Vec3,
  options: RoomBoundsOptions = {},
): RoomBoundsEstimate {
  if (!(area > 0) || !Number.isFinite(area)) throw new RangeError(`room area must be positive, got ${area}`);
  const points: Vec2[] = objects.flatMap((o) => boxFootprint(o.box));
  const c2: Vec2 = [center[0], center[1]];
  const yaws: number[] = [];
  if (options.align !== false && points.length > 0) {
    const dominant = dominantYaw(objects);
    if (dominant !== undefined) yaws.push(dominant);
    yaws.push(tightestYaw(points));
  }
  yaws.push(0);
  // The first candidate that needs the least enlargement wins, so the furniture's yaw is kept whenever it fits.
  let best: Candidate | undefined;
  for (const yaw of yaws) {
    const cand = fitRectangle(points, area, c2, yaw);
    if (!best || cand.area < best.area * (1 - 1e-9)) best = cand;
  }
  const rect = best!;
  const floorPolygon = (
    [
      [rect.x0, rect.y0],
      [rect.x1, rect.y0],
      [rect.x1, rect.y1],
      [rect.x0, rect.y1],
    ] as Vec2[]
  ).map((p): [number, number] => rotate2(p, rect.yaw));

  const tops = objects.map((o) => boxAabb(o.box).max[2]);
  const floorZ = estimateFloorZ(objects) ?? center[2] - DEFAULT_ROOM_HEIGHT / 2;
  const height = Math.max(DEFAULT_ROOM_HEIGHT, ...tops.map((t) => t - floorZ + HEAD_ROOM));
  const xy = polygonBounds(floorPolygon);
  const polyArea = polygonArea(floorPolygon);
  return {
    bounds: { min: [xy.min[0], xy.min[1], floorZ], max: [xy.max[0], xy.max[1], floorZ + height] },
    floorZ,
    height,
    floorPolygon,
    area: polyArea,
    enlargement: polyArea / area,
    yaw: rect.yaw,
  };
}
