/**
 * A plausible handheld walkthrough for scenes that have no video: a walk through the free floor that visits
 * the room's far-apart spots (corners first, as people scanning a room do), with the camera at eye height
 * turning smoothly towards furniture it has not shown yet.
 *
 * The walk never enters an obstacle's footprint: it is planned on a grid whose free cells keep `clearance`
 * from every footprint and `wallMargin` from the walls (relaxed step by step only when the room is too packed
 * for them). Obstacles are objects a walker could bump into; ones hanging entirely above head height
 * (ceiling lights) are not. Like VSI-Bench, which samples a fixed number of frames from each video, the
 * `frames` poses are spread evenly over the whole walk; timestamps say when a walker at `walkingSpeed` who
 * turns at most `turnRate` would reach each pose, on a `fps` frame clock.
 */
import type { CameraFrame, Room, SceneObject, Vec3 } from '../../../shared/scene.js';
import type { Rng } from '../../../shared/random.js';
import { createRng } from '../../../shared/random.js';
import { hypot, lookAtPose } from '../math.js';
import { boxAabb } from '../obb.js';
import { COMPANY_MAX_RANGE, COMPANY_MIN_RANGE, companyIndex, wrapAngle } from './company.js';
import { boxFootprint } from './footprint.js';
import type { Vec2 } from './polygon.js';
import { polygonArea, polygonCentroid } from './polygon.js';
import { resolveRoomGeometry } from './roomGeometry.js';
import { pointInView } from './visibility.js';
import type { Obstacle, Walkable } from './walkable.js';
import { buildDistanceGrid, cellCenter, lineOfSight, shortestPath, walkableRegion } from './walkable.js';

export interface TrajectoryOptions {
  seed: number;
  /** Poses, spread evenly over the walk (default 32). */
  frames?: number;
  /** Camera height above the floor in metres (default 1.5). */
  eyeHeight?: number;
  width?: number;
  height?: number;
  /** Horizontal field of view in degrees (default 70). */
  hfovDeg?: number;
  /** Frame clock the timestamps are rounded to (default 30). */
  fps?: number;
  /** Metres per second (default 0.4, a slow scanning walk). */
  walkingSpeed?: number;
  /** Degrees per second the walker turns at most (default 60). */
  turnRate?: number;
  /** Distance kept from the walls (default 0.35 m). */
  wallMargin?: number;
  /** Distance kept from obstacle footprints (default 0.2 m). */
  clearance?: number;
}

export interface TrajectoryInput {
  objects: readonly SceneObject[];
  room: Room;
}

export interface TrajectoryPlan {
  frames: CameraFrame[];
  /** Length of the walk in metres. */
  pathLength: number;
  /** The margins actually kept (smaller than asked when the room was too packed). */
  wallMargin: number;
  clearance: number;
  /** What was relaxed or given up, for the caller's provenance warnings. */
  warnings: string[];
}

export const DEFAULT_FRAMES = 32;
/** Objects whose bottom is this far above the eyes cannot be walked into. */
const HEAD_ROOM = 0.3;
/** Targets closer than this (horizontally) would fill the frame; they are looked at only as a last resort. */
const MIN_TARGET_RANGE = 0.6;

function deg(d: number): number {
  return (d * Math.PI) / 180;
}

/** Picks the margin pair to plan with: the asked one if the room leaves enough floor, else relaxed ones. */
function chooseWalkable(
  polygon: Vec2[],
  obstacles: Obstacle[],
  wallMargin: number,
  clearance: number,
  warnings: string[],
): Walkable | undefined {
  const grid = buildDistanceGrid(polygon, obstacles, clearance);
  const levels: [number, number][] = [[wallMargin, clearance]];
  for (const [m, c] of [
    [0.25, 0.12],
    [0.15, 0.05],
    [0.05, 0],
  ] as const) {
    if (m < wallMargin || c < clearance) levels.push([Math.min(m, wallMargin), Math.min(c, clearance)]);
  }
  const cell = grid.res * grid.res;
  const wanted = Math.min(1.5, 0.05 * polygonArea(polygon));
  let best: Walkable | undefined;
  for (const [m, c] of levels) {
    const w = walkableRegion(grid, m, c);
    if (!best || w.component.length > best.component.length) best = w;
    if (w.component.length * cell >= wanted) break;
  }
  if (!best || best.component.length === 0) return undefined;
  if (best.wallMargin < wallMargin || best.clearance < clearance) {
    warnings.push(
      `the room is too packed for a walk keeping ${wallMargin} m from walls and ${clearance} m from objects; ` +
        `kept ${best.wallMargin} m and ${best.clearance} m`,
    );
  }
  return best;
}

/** Far-apart spots of the free region (farthest-point sampling), visited in order around their centre. */
function chooseWaypoints(w: Walkable, rng: Rng): number[] {
  const cells = w.component;
  const freeArea = cells.length * w.grid.res * w.grid.res;
  const k = Math.max(3, Math.min(8, Math.ceil(freeArea / 4)));
  const pts = cells.map((c) => cellCenter(w.grid, c));
  const chosen = [rng.int(cells.length)];
  const nearest = pts.map((p) => hypot(p[0] - pts[chosen[0]!]![0], p[1] - pts[chosen[0]!]![1]));
  while (chosen.length < Math.min(k, cells.length)) {
    let far = 0;
    for (let i = 1; i < nearest.length; i++) if (nearest[i]! > nearest[far]!) far = i;
    if (nearest[far]! < w.grid.res) break;
    chosen.push(far);
    const q = pts[far]!;
    for (let i = 0; i < pts.length; i++) nearest[i] = Math.min(nearest[i]!, hypot(pts[i]![0] - q[0], pts[i]![1] - q[1]));
  }
  const c = chosen.map((i) => pts[i]!).reduce((s, p) => [s[0] + p[0] / chosen.length, s[1] + p[1] / chosen.length] as Vec2, [0, 0] as Vec2);
  const ordered = chosen
    .map((i) => ({ cell: cells[i]!, angle: Math.atan2(pts[i]![1] - c[1], pts[i]![0] - c[0]) }))
    .sort((a, b) => a.angle - b.angle || a.cell - b.cell)
    .map((e) => e.cell);
  const start = rng.int(ordered.length);
  const rotated = ordered.slice(start).concat(ordered.slice(0, start));
  return rng.chance(0.5) ? rotated : [rotated[0]!, ...rotated.slice(1).reverse()];
}

/** Keeps only the turning points a straight line of sight cannot skip. */
function stringPull(w: Walkable, pts: Vec2[]): Vec2[] {
  if (pts.length <= 2) return pts;
  const out = [pts[0]!];
  let i = 0;
  while (i < pts.length - 1) {
    let j = i + 1;
    while (j + 1 < pts.length && lineOfSight(w, pts[i]!, pts[j + 1]!)) j++;
    out.push(pts[j]!);
    i = j;
  }
  return out;
}

/** Chaikin-style corner cutting, each cut kept only where the shortcut stays in free cells. */
function roundCorners(w: Walkable, pts: Vec2[], passes: number): Vec2[] {
  let cur = pts;
  for (let pass = 0; pass < passes; pass++) {
    const next: Vec2[] = [cur[0]!];
    for (let i = 1; i < cur.length - 1; i++) {
      const p = cur[i]!;
      const a = cur[i - 1]!;
      const b = cur[i + 1]!;
      const q: Vec2 = [p[0] + 0.25 * (a[0] - p[0]), p[1] + 0.25 * (a[1] - p[1])];
      const r: Vec2 = [p[0] + 0.25 * (b[0] - p[0]), p[1] + 0.25 * (b[1] - p[1])];
      if (lineOfSight(w, q, r)) next.push(q, r);
      else next.push(p);
    }
    if (cur.length > 1) next.push(cur[cur.length - 1]!);
    cur = next;
  }
  return cur;
}

function dedupe(pts: Vec2[]): Vec2[] {
  const out: Vec2[] = [];
  for (const p of pts) {
    const last = out[out.length - 1];
    if (!last || hypot(p[0] - last[0], p[1] - last[1]) > 1e-9) out.push(p);
  }
  return out;
}

function planPath(w: Walkable, rng: Rng): Vec2[] {
  const waypoints = chooseWaypoints(w, rng);
  let path: Vec2[] = [cellCenter(w.grid, waypoints[0]!)];
  for (let i = 1; i < waypoints.length; i++) {
    const leg = shortestPath(w, waypoints[i - 1]!, waypoints[i]!).map((k) => cellCenter(w.grid, k));
    // Legs are pulled separately so a walk into a dead end is not short-circuited past its waypoint.
    path = path.concat(stringPull(w, leg).slice(1));
  }
  return roundCorners(w, dedupe(path), 3);
}

interface Sample {
  p: Vec2;
  /** Walking direction, undefined while standing. */
  heading: number | undefined;
  /** Metres from the start. */
  s: number;
}

function resample(path: Vec2[], frames: number): Sample[] {
  const cum = [0];
  for (let i = 1; i < path.length; i++) cum.push(cum[i - 1]! + hypot(path[i]![0] - path[i - 1]![0], path[i]![1] - path[i - 1]![1]));
  const total = cum[cum.length - 1]!;
  const out: Sample[] = [];
  let seg = 0;
  for (let f = 0; f < frames; f++) {
    const s = frames === 1 ? 0 : (total * f) / (frames - 1);
    while (seg < path.length - 2 && cum[seg + 1]! < s) seg++;
    const a = path[seg]!;
    const b = path[Math.min(seg + 1, path.length - 1)]!;
    const len = cum[Math.min(seg + 1, path.length - 1)]! - cum[seg]!;
    const t = len > 1e-12 ? Math.min(1, Math.max(0, (s - cum[seg]!) / len)) : 0;
    out.push({
      p: [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])],
      heading: len > 1e-12 ? Math.atan2(b[1] - a[1], b[0] - a[0]) : undefined,
      s,
    });
  }
  return out;
}

export function planTrajectory(input: TrajectoryInput, options: TrajectoryOptions): TrajectoryPlan {
  const frames = options.frames ?? DEFAULT_FRAMES;
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`frames must be a positive integer, got ${frames}`);
  const eyeHeight = options.eyeHeight ?? 1.5;
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const hfov = deg(options.hfovDeg ?? 70);
  const fps = options.fps ?? 30;
  const speed = options.walkingSpeed ?? 0.4;
  const turnRate = deg(options.turnRate ?? 60);
  const wallMargin = options.wallMargin ?? 0.35;
  const clearance = options.clearance ?? 0.2;
  const rng = createRng(options.seed);
  const warnings: string[] = [];

  const geom = resolveRoomGeometry(input.room, input.objects);
  const eyeZ = geom.floorZ + eyeHeight;
  const obstacles: Obstacle[] = [];
  for (const o of input.objects) {
    const aabb = boxAabb(o.box);
    if (aabb.min[2] >= eyeZ + HEAD_ROOM) continue;
    obstacles.push({ footprint: boxFootprint(o.box), min: [aabb.min[0], aabb.min[1]], max: [aabb.max[0], aabb.max[1]] });
  }

  const walkable = chooseWalkable(geom.polygon, obstacles, wallMargin, clearance, warnings);
  let path: Vec2[];
  if (walkable) {
    path = planPath(walkable, rng.fork('path'));
  } else {
    // No free floor at all: stand at the roomiest spot and look around rather than fail the whole import.
    warnings.push('no free floor to walk on; the camera stands still and turns');
    path = [standingSpot(geom.polygon, obstacles)];
  }
  const samples = resample(path, frames);
  const pathLength = samples[samples.length - 1]!.s;

  const fx = width / 2 / Math.tan(hfov / 2);
  const intrinsics = { fx, fy: fx, cx: width / 2, cy: height / 2 };
  const frameAt = (index: number, timestamp: number, eye: Vec3, target: Vec3): CameraFrame => ({
    index,
    timestamp,
    pose: lookAtPose(eye, target),
    intrinsics: { ...intrinsics },
    width,
    height,
  });

  const gaze = aimCamera(samples, input.objects, eyeZ, frameAt, polygonCentroid(geom.polygon), rng.fork('gaze'));
  let t = 0;
  return {
    frames: samples.map((smp, i) => {
      if (i > 0) {
        const moved = smp.s - samples[i - 1]!.s;
        const turned = Math.abs(wrapAngle(gaze[i]!.yaw - gaze[i - 1]!.yaw));
        // At least one tick of the frame clock, so even a camera standing still has increasing timestamps.
        t += Math.max(moved / speed, turned / turnRate, 1 / fps);
      }
      const eye: Vec3 = [smp.p[0], smp.p[1], eyeZ];
      return frameAt(i, Math.round(t * fps) / fps, eye, gaze[i]!.target);
    }),
    pathLength,
    wallMargin: walkable?.wallMargin ?? 0,
    clearance: walkable?.clearance ?? 0,
    warnings,
  };
}

export function synthesizeTrajectory(input: TrajectoryInput, options: TrajectoryOptions): CameraFrame[] {
  return planTrajectory(input, options).frames;
}

function standingSpot(polygon: Vec2[], obstacles: Obstacle[]): Vec2 {
  const grid = buildDistanceGrid(polygon, obstacles, 1);
  let best = -1;
  let bestScore = -Infinity;
  for (let k = 0; k < grid.nx * grid.ny; k++) {
    const score = Math.min(grid.wall[k]!, grid.obstacle[k]!);
    if (score > bestScore) {
      bestScore = score;
      best = k;
    }
  }
  const c = polygonCentroid(polygon);
  return best >= 0 && grid.wall[best]! > 0 ? cellCenter(grid, best) : c;
}

type FrameAt = (index: number, timestamp: number, eye: Vec3, target: Vec3) => CameraFrame;

/**
 * Gaze per frame: the object that best trades novelty (how rarely it has been in view), company (how many
 * others share its direction) and comfort (little turning, roughly where the walker is heading), then a light
 * smoothing that is undone on any frame it would leave without an object in view.
 */
function aimCamera(samples: Sample[], objects: readonly SceneObject[], eyeZ: number, frameAt: FrameAt, roomCenter: Vec2, rng: Rng): { yaw: number; target: Vec3 }[] {
  const seen = new Array<number>(objects.length).fill(0);
  const centers = objects.map((o) => o.box.center);
  const raw: { yaw: number; pitch: number; target: Vec3 }[] = [];
  let prevYaw: number | undefined;
  samples.forEach((smp, fi) => {
    const eye: Vec3 = [smp.p[0], smp.p[1], eyeZ];
    let bestScore = -Infinity;
    let best = -1;
    // Range and bearing of every centre, computed once per frame; company counts come from their sorted bearings
    // (company.ts), the same counts as comparing every pair.
    const ranges = new Float64Array(centers.length);
    const bearings = new Float64Array(centers.length);
    centers.forEach((c, j) => {
      ranges[j] = hypot(c[0] - eye[0], c[1] - eye[1]);
      bearings[j] = Math.atan2(c[1] - eye[1], c[0] - eye[0]);
    });
    const companions = companyIndex(ranges, bearings);
    const consider = (minRange: number): void => {
      centers.forEach((_c, j) => {
        const r = ranges[j]!;
        if (r < minRange) return;
        const yaw = bearings[j]!;
        // Only min(5, company) enters the score.
        const company = companions.count(yaw, r > COMPANY_MIN_RANGE && r < COMPANY_MAX_RANGE, 5);
        let score = 1 / (1 + seen[j]!) + 0.08 * Math.min(5, company) - 0.1 * Math.max(0, r - 4);
        if (prevYaw !== undefined) score -= (0.8 * Math.abs(wrapAngle(yaw - prevYaw))) / Math.PI;
        if (smp.heading !== undefined) score -= (0.3 * Math.abs(wrapAngle(yaw - smp.heading))) / Math.PI;
        score += rng.range(0, 0.05);
        if (score > bestScore) {
          bestScore = score;
          best = j;
        }
      });
    };
    consider(MIN_TARGET_RANGE);
    if (best < 0) consider(0.05);
    let target: Vec3;
    if (best >= 0) {
      const c = centers[best]!;
      const r = hypot(c[0] - eye[0], c[1] - eye[1]);
      // Look a little less steeply than straight at low targets, as people do; the target stays in frame.
      const pitch = Math.max(deg(-50), Math.min(deg(15), Math.atan2(c[2] - eyeZ, r)));
      target = [c[0], c[1], eyeZ + r * Math.tan(pitch)];
      if (!pointInView(frameAt(fi, 0, eye, target), c)) target = [c[0], c[1], c[2]];
    } else {
      const dx = roomCenter[0] - eye[0];
      const dy = roomCenter[1] - eye[1];
      const yaw = hypot(dx, dy) > 0.1 ? Math.atan2(dy, dx) : (smp.heading ?? 0);
      target = [eye[0] + Math.cos(yaw), eye[1] + Math.sin(yaw), eyeZ - 0.3];
    }
    const yaw = Math.atan2(target[1] - eye[1], target[0] - eye[0]);
    const pitch = Math.atan2(target[2] - eyeZ, hypot(target[0] - eye[0], target[1] - eye[1]));
    raw.push({ yaw, pitch, target });
    prevYaw = yaw;
    const frame = frameAt(fi, 0, eye, target);
    centers.forEach((c, j) => {
      if (pointInView(frame, c)) seen[j]!++;
    });
  });

  // Unwrap, smooth with a [1 2 1] kernel, and keep the smoothed gaze only where it still shows an object.
  const yaws = raw.map((g) => g.yaw);
  for (let i = 1; i < yaws.length; i++) yaws[i] = yaws[i - 1]! + wrapAngle(yaws[i]! - yaws[i - 1]!);
  const smooth = (v: number[], i: number): number => (v[Math.max(0, i - 1)]! + 2 * v[i]! + v[Math.min(v.length - 1, i + 1)]!) / 4;
  const pitches = raw.map((g) => g.pitch);
  return samples.map((smp, i) => {
    const eye: Vec3 = [smp.p[0], smp.p[1], eyeZ];
    const yaw = smooth(yaws, i);
    const pitch = smooth(pitches, i);
    const target: Vec3 = [eye[0] + Math.cos(yaw) * Math.cos(pitch), eye[1] + Math.sin(yaw) * Math.cos(pitch), eyeZ + Math.sin(pitch)];
    const frame = frameAt(i, 0, eye, target);
    if (objects.length === 0 || centers.some((c) => pointInView(frame, c))) return { yaw, target };
    return { yaw: raw[i]!.yaw, target: raw[i]!.target };
  });
}

export { visibleFraction } from './visibility.js';
