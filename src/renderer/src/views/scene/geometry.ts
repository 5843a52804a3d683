/**
 * Scene geometry as flat typed arrays for GPU buffers: oriented-box corners, edges and instance matrices,
 * camera centres and frustum instance matrices, the room outline, and the bounds the camera is fitted to.
 * Matrices written here are column-major (three.js `Matrix4.elements` order) so they can be copied straight
 * into an InstancedMesh's `instanceMatrix.array`. The scene is Z-up, metres.
 */
import type { CameraFrame, OrientedBox, Room, Vec3 } from '../../../../shared/scene.js';

/** Corner signs in a fixed order: bottom face (z−) counter-clockwise, then top face (z+). */
const CORNER_SIGNS: readonly (readonly [number, number, number])[] = [
  [-1, -1, -1],
  [1, -1, -1],
  [1, 1, -1],
  [-1, 1, -1],
  [-1, -1, 1],
  [1, -1, 1],
  [1, 1, 1],
  [-1, 1, 1],
];

/** The 12 edges of a box as pairs of corner indices. */
export const BOX_EDGES: readonly (readonly [number, number])[] = [
  [0, 1], [1, 2], [2, 3], [3, 0],
  [4, 5], [5, 6], [6, 7], [7, 4],
  [0, 4], [1, 5], [2, 6], [3, 7],
];

/** Writes the 8 world-space corners of an oriented box into out[offset … offset+24). */
export function boxCorners(box: OrientedBox, out: Float32Array | number[], offset = 0): void {
  const [cx, cy, cz] = box.center;
  const [ex, ey, ez] = box.extents;
  const r = box.rotation;
  for (let i = 0; i < 8; i++) {
    const [sx, sy, sz] = CORNER_SIGNS[i]!;
    const lx = (sx * ex) / 2;
    const ly = (sy * ey) / 2;
    const lz = (sz * ez) / 2;
    // rotation is row-major with the box axes as columns: world = R · local.
    out[offset + 3 * i] = cx + r[0] * lx + r[1] * ly + r[2] * lz;
    out[offset + 3 * i + 1] = cy + r[3] * lx + r[4] * ly + r[5] * lz;
    out[offset + 3 * i + 2] = cz + r[6] * lx + r[7] * ly + r[8] * lz;
  }
}

/** All boxes' edges as one line-segment buffer: 12 edges × 2 vertices × 3 floats per box. */
export function boxEdgePositions(boxes: readonly OrientedBox[]): Float32Array {
  const out = new Float32Array(boxes.length * 72);
  const corners = new Float32Array(24);
  boxes.forEach((box, b) => {
    boxCorners(box, corners, 0);
    BOX_EDGES.forEach(([i, j], e) => {
      const o = b * 72 + e * 6;
      out[o] = corners[3 * i]!;
      out[o + 1] = corners[3 * i + 1]!;
      out[o + 2] = corners[3 * i + 2]!;
      out[o + 3] = corners[3 * j]!;
      out[o + 4] = corners[3 * j + 1]!;
      out[o + 5] = corners[3 * j + 2]!;
    });
  });
  return out;
}

/** Column-major instance matrix mapping the unit cube [−½, ½]³ onto the box (T · R · S). */
export function boxMatrix(box: OrientedBox, out: Float32Array | number[], offset = 0): void {
  const r = box.rotation;
  const [ex, ey, ez] = box.extents;
  out[offset + 0] = r[0] * ex;
  out[offset + 1] = r[3] * ex;
  out[offset + 2] = r[6] * ex;
  out[offset + 3] = 0;
  out[offset + 4] = r[1] * ey;
  out[offset + 5] = r[4] * ey;
  out[offset + 6] = r[7] * ey;
  out[offset + 7] = 0;
  out[offset + 8] = r[2] * ez;
  out[offset + 9] = r[5] * ez;
  out[offset + 10] = r[8] * ez;
  out[offset + 11] = 0;
  out[offset + 12] = box.center[0];
  out[offset + 13] = box.center[1];
  out[offset + 14] = box.center[2];
  out[offset + 15] = 1;
}

export function boxMatrices(boxes: readonly OrientedBox[]): Float32Array {
  const out = new Float32Array(boxes.length * 16);
  boxes.forEach((b, i) => boxMatrix(b, out, 16 * i));
  return out;
}

/**
 * Unit frustum pyramid for an instanced wireframe: apex at the camera centre, base on the plane z = 1 with
 * corners (0,0,1), (1,0,1), (1,1,1), (0,1,1). Four side triangles, no base, so the wireframe shows exactly the
 * pyramid's 8 edges. `frustumMatrix` maps (u, v) ∈ [0,1]² on the base to the image's pixel corners.
 */
export function frustumGeometryPositions(): Float32Array {
  const apex = [0, 0, 0];
  const c = [
    [0, 0, 1],
    [1, 0, 1],
    [1, 1, 1],
    [0, 1, 1],
  ];
  const out: number[] = [];
  for (let i = 0; i < 4; i++) out.push(...apex, ...c[i]!, ...c[(i + 1) % 4]!);
  return new Float32Array(out);
}

/**
 * Column-major instance matrix for one camera frame: pose (camera → world, OpenCV axes: x right, y down,
 * z forward) times the linear map that sends the unit base corner (u, v, 1) to the camera ray through pixel
 * (u·width, v·height) at depth `depth` metres.
 */
export function frustumMatrix(frame: CameraFrame, depth: number, out: Float32Array | number[], offset = 0): void {
  const { fx, fy, cx, cy } = frame.intrinsics;
  // A (camera-space, row-major 3×3): columns are the images of the unit x, y, z axes.
  const a00 = (frame.width / fx) * depth;
  const a02 = (-cx / fx) * depth;
  const a11 = (frame.height / fy) * depth;
  const a12 = (-cy / fy) * depth;
  const a22 = depth;
  const p = frame.pose; // row-major 4×4
  // M = P · [A 0; 0 1]; column j of M is P's 3×3 block times column j of A (plus P's translation in column 3).
  const col = (x: number, y: number, z: number, o: number): void => {
    out[offset + o] = p[0] * x + p[1] * y + p[2] * z;
    out[offset + o + 1] = p[4] * x + p[5] * y + p[6] * z;
    out[offset + o + 2] = p[8] * x + p[9] * y + p[10] * z;
    out[offset + o + 3] = 0;
  };
  col(a00, 0, 0, 0);
  col(0, a11, 0, 4);
  col(a02, a12, a22, 8);
  out[offset + 12] = p[3];
  out[offset + 13] = p[7];
  out[offset + 14] = p[11];
  out[offset + 15] = 1;
}

export function frustumMatrices(frames: readonly CameraFrame[], depth: number): Float32Array {
  const out = new Float32Array(frames.length * 16);
  frames.forEach((f, i) => frustumMatrix(f, depth, out, 16 * i));
  return out;
}

/** Camera centres along the trajectory, xyz interleaved (the pose's translation column). */
export function cameraCenters(frames: readonly CameraFrame[]): Float32Array {
  const out = new Float32Array(frames.length * 3);
  frames.forEach((f, i) => {
    out[3 * i] = f.pose[3];
    out[3 * i + 1] = f.pose[7];
    out[3 * i + 2] = f.pose[11];
  });
  return out;
}

/** Consecutive pairs of points as line segments (for a polyline drawn with one LineSegments). */
export function polylineSegments(points: Float32Array, closed = false): Float32Array {
  const n = points.length / 3;
  const segs = closed ? n : Math.max(0, n - 1);
  const out = new Float32Array(segs * 6);
  for (let i = 0; i < segs; i++) {
    const j = (i + 1) % n;
    out.set(points.subarray(3 * i, 3 * i + 3), 6 * i);
    out.set(points.subarray(3 * j, 3 * j + 3), 6 * i + 3);
  }
  return out;
}

/** Floor level: the room's floorZ, else the lowest box bottom, else 0. */
export function floorLevel(room: Room, boxes: readonly OrientedBox[]): number {
  if (room.floorZ !== undefined) return room.floorZ;
  if (room.bounds) return room.bounds.min[2];
  let z = Infinity;
  const corners = new Float32Array(24);
  for (const b of boxes) {
    boxCorners(b, corners);
    for (let i = 2; i < 24; i += 3) z = Math.min(z, corners[i]!);
  }
  return Number.isFinite(z) ? z : 0;
}

/** The room's floor outline as a closed loop of points at floor level: polygon if known, else its bounds. */
export function roomOutline(room: Room, floorZ: number): Float32Array | null {
  const poly = room.floorPolygon;
  if (poly && poly.length >= 3) {
    const out = new Float32Array(poly.length * 3);
    poly.forEach(([x, y], i) => out.set([x, y, floorZ], 3 * i));
    return out;
  }
  if (room.bounds) {
    const { min, max } = room.bounds;
    return new Float32Array([min[0], min[1], floorZ, max[0], min[1], floorZ, max[0], max[1], floorZ, min[0], max[1], floorZ]);
  }
  return null;
}

export interface Bounds {
  min: Vec3;
  max: Vec3;
  center: Vec3;
  radius: number;
}

/** Bounds of everything drawn: room bounds or polygon, all box corners and camera centres (and any extra points). */
export function sceneBounds(room: Room, boxes: readonly OrientedBox[], frames: readonly CameraFrame[], extra: readonly Vec3[] = []): Bounds {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  const add = (x: number, y: number, z: number): void => {
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) return;
    min[0] = Math.min(min[0], x);
    min[1] = Math.min(min[1], y);
    min[2] = Math.min(min[2], z);
    max[0] = Math.max(max[0], x);
    max[1] = Math.max(max[1], y);
    max[2] = Math.max(max[2], z);
  };
  if (room.bounds) {
    add(...room.bounds.min);
    add(...room.bounds.max);
  }
  for (const [x, y] of room.floorPolygon ?? []) add(x, y, room.floorZ ?? 0);
  const corners = new Float32Array(24);
  for (const b of boxes) {
    boxCorners(b, corners);
    for (let i = 0; i < 24; i += 3) add(corners[i]!, corners[i + 1]!, corners[i + 2]!);
  }
  for (const f of frames) add(f.pose[3], f.pose[7], f.pose[11]);
  for (const p of extra) add(p[0], p[1], p[2]);
  if (!Number.isFinite(min[0])) {
    const c = room.center;
    return { min: [c[0] - 1, c[1] - 1, c[2] - 1], max: [c[0] + 1, c[1] + 1, c[2] + 1], center: [...c], radius: Math.sqrt(3) };
  }
  const center: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
  const radius = Math.max(0.5, Math.hypot(max[0] - center[0], max[1] - center[1], max[2] - center[2]));
  return { min, max, center, radius };
}

/** A camera position looking at the bounds from above and to the side (Z-up), far enough to see all. */
export function overviewCamera(b: Bounds, fovDeg = 50): { position: Vec3; target: Vec3; near: number; far: number } {
  const dist = b.radius / Math.sin(((fovDeg / 2) * Math.PI) / 180);
  const dir: Vec3 = [0.55, -0.75, 0.65];
  const len = Math.hypot(...dir);
  const position: Vec3 = [
    b.center[0] + (dir[0] / len) * dist,
    b.center[1] + (dir[1] / len) * dist,
    b.center[2] + (dir[2] / len) * dist,
  ];
  return { position, target: [...b.center], near: Math.max(0.01, dist / 1000), far: dist * 20 };
}

/**
 * Which objects get a text label: highlighted ones first, then the selected one, then the largest by volume,
 * at most `max` in all, so a 300-object scene does not drown in labels.
 */
export function pickLabels(
  objects: readonly { id: number; box: OrientedBox }[],
  highlight: ReadonlySet<number>,
  selected: number | null,
  max: number,
): number[] {
  const chosen: number[] = [];
  const seen = new Set<number>();
  const push = (id: number): void => {
    if (chosen.length < max && !seen.has(id)) {
      seen.add(id);
      chosen.push(id);
    }
  };
  for (const o of objects) if (highlight.has(o.id)) push(o.id);
  if (selected !== null && objects.some((o) => o.id === selected)) push(selected);
  const bySize = [...objects].sort((a, b) => volume(b.box) - volume(a.box));
  for (const o of bySize) push(o.id);
  return chosen;
}

function volume(b: OrientedBox): number {
  return b.extents[0] * b.extents[1] * b.extents[2];
}

/** Where a box's label sits: above the centre of its top (highest corner), so labels do not hide in the box. */
export function labelAnchor(box: OrientedBox): Vec3 {
  const corners = new Float32Array(24);
  boxCorners(box, corners);
  let top = -Infinity;
  for (let i = 2; i < 24; i += 3) top = Math.max(top, corners[i]!);
  return [box.center[0], box.center[1], top + 0.05];
}
