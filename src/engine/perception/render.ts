/**
 * Small RGB and depth images of a scene seen from a trajectory frame, for the viewer and for external models
 * that want pixels rather than detections. Two ways, by what the scene has:
 * - a point cloud: each point is splatted as a square whose side follows its distance (`pointSize` metres at
 *   that depth, 1 to `MAX_SPLAT_PX` pixels), nearest point wins, and pixel-sized gaps left between splats take
 *   their nearest neighbour. Scans and synthesised clouds carry the room's floor and walls themselves;
 * - no point cloud: each pixel's ray is cast against the oriented boxes, flat-shaded per face with the label's
 *   colour, over the room's floor, walls and ceiling (from its polygon, bounds or an estimate, as the
 *   synthesis code resolves them).
 * Depth is metres along the optical axis (the z of OpenCV camera coordinates), 0 where nothing was hit.
 */
import type { CameraFrame, OrientedBox, Scene, Vec3 } from '../../shared/scene.js';
import type { Rgb } from '../scene/synthesis/palette.js';
import { CEILING_COLOR, FLOOR_COLORS, WALL_COLORS, labelColor } from '../scene/synthesis/palette.js';
import { resolveRoomGeometry } from '../scene/synthesis/roomGeometry.js';
import type { PinholeCamera } from './projection.js';
import { pinholeCamera, projectBoxRect } from './projection.js';

export { colorizeDepth, turbo } from './depthColormap.js';
export type { DepthColormapOptions } from './depthColormap.js';
export { crc32, encodePng } from './png.js';

export interface RenderOptions {
  /** Image width in pixels (default 160); the frame's intrinsics are rescaled to it. */
  width?: number;
  /** Image height in pixels (default 120). */
  height?: number;
  /** What to draw: the point cloud when the scene has one ('auto', default), or always the boxes and room. */
  source?: 'auto' | 'boxes';
  /** World size (m) of a point's splat (default 0.1, enough to close a synthesised cloud's ~6 cm spacing). */
  pointSize?: number;
  /** Colour where nothing is hit (default black). */
  background?: Rgb;
}

export interface RenderedFrame {
  width: number;
  height: number;
  /** Row-major, top row first, 3 bytes per pixel. */
  rgb: Uint8Array;
  /** Metres along the optical axis, 0 = nothing. */
  depth: Float32Array;
}

// A randomly sampled cloud leaves a share exp(−density·side²) of a surface uncovered by squares of that side:
// at the synthesised 300 points/m², 0.1 m squares leave ~5%, which the hole-filling pass then closes.
const DEFAULT_POINT_SIZE = 0.1;
// Splats larger than this make a small frame blocky; closer surfaces rely on hole filling instead.
const MAX_SPLAT_PX = 8;
// Each pass closes gaps about a pixel deeper; two close what the splats leave on near, sparse surfaces.
const HOLE_FILL_PASSES = 2;
// Hits nearer than this (m) are behind the lens in practice; matches the projection's near plane.
const NEAR = 1e-3;
// One light for everything, the same direction the point-cloud synthesis shades with, so both paths look alike.
const LIGHT: Vec3 = (() => {
  const l: Vec3 = [0.35, 0.5, 0.79];
  const n = Math.hypot(...l);
  return [l[0] / n, l[1] / n, l[2] / n];
})();

function shade(color: Rgb, nx: number, ny: number, nz: number): Rgb {
  const k = 0.6 + 0.4 * Math.max(0, nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2]);
  return [Math.round(color[0] * k), Math.round(color[1] * k), Math.round(color[2] * k)];
}

export function renderFrame(scene: Scene, frame: CameraFrame, options: RenderOptions = {}): RenderedFrame {
  const width = options.width ?? 160;
  const height = options.height ?? 120;
  if (!(Number.isInteger(width) && width >= 1 && Number.isInteger(height) && height >= 1)) {
    throw new RangeError(`render size must be positive integers, got ${width}×${height}`);
  }
  const cam = pinholeCamera(frame, width, height);
  const rgb = new Uint8Array(width * height * 3);
  const depth = new Float32Array(width * height);
  const bg = options.background ?? [0, 0, 0];
  if (bg[0] !== 0 || bg[1] !== 0 || bg[2] !== 0) for (let p = 0; p < width * height; p++) rgb.set(bg, 3 * p);

  const points = scene.points;
  if (options.source !== 'boxes' && points && points.positions.length > 0) {
    splatPoints(points.positions, points.colors, cam, options.pointSize ?? DEFAULT_POINT_SIZE, rgb, depth);
    for (let pass = 0; pass < HOLE_FILL_PASSES; pass++) fillHoles(rgb, depth, width, height);
  } else {
    castRoom(scene, cam, rgb, depth);
    for (const o of scene.objects) castBox(o.box, labelColor(o.label), cam, rgb, depth);
  }
  return { width, height, rgb, depth };
}

function splatPoints(positions: Float32Array, colors: Uint8Array, cam: PinholeCamera, pointSize: number, rgb: Uint8Array, depth: Float32Array): void {
  const { tx, ty, tz, r, fx, fy, cx, cy, width: W, height: H } = cam;
  const r0 = r[0]!, r1 = r[1]!, r2 = r[2]!, r3 = r[3]!, r4 = r[4]!, r5 = r[5]!, r6 = r[6]!, r7 = r[7]!, r8 = r[8]!;
  const n = positions.length / 3;
  for (let i = 0; i < n; i++) {
    const wx = positions[3 * i]! - tx, wy = positions[3 * i + 1]! - ty, wz = positions[3 * i + 2]! - tz;
    const z = r2 * wx + r5 * wy + r8 * wz;
    if (z <= NEAR) continue;
    const u = (fx * (r0 * wx + r3 * wy + r6 * wz)) / z + cx;
    const v = (fy * (r1 * wx + r4 * wy + r7 * wz)) / z + cy;
    const side = Math.min(MAX_SPLAT_PX, Math.max(1, Math.ceil((fx * pointSize) / z)));
    const u0 = Math.floor(u - side / 2 + 0.5), v0 = Math.floor(v - side / 2 + 0.5);
    if (u0 >= W || v0 >= H || u0 + side <= 0 || v0 + side <= 0) continue;
    const zf = Math.fround(z);
    for (let y = Math.max(0, v0); y < Math.min(H, v0 + side); y++)
      for (let x = Math.max(0, u0); x < Math.min(W, u0 + side); x++) {
        const p = y * W + x;
        const d = depth[p]!;
        if (d !== 0 && d <= zf) continue;
        depth[p] = zf;
        rgb[3 * p] = colors[3 * i]!;
        rgb[3 * p + 1] = colors[3 * i + 1]!;
        rgb[3 * p + 2] = colors[3 * i + 2]!;
      }
  }
}

/**
 * A pass that gives each empty pixel mostly surrounded by drawn ones (≥ 5 of 8) the nearest of them, so
 * gaps between splats close without the cloud's silhouette growing into the background.
 */
function fillHoles(rgb: Uint8Array, depth: Float32Array, W: number, H: number): void {
  const src = depth.slice();
  for (let y = 1; y < H - 1; y++)
    for (let x = 1; x < W - 1; x++) {
      const p = y * W + x;
      if (src[p] !== 0) continue;
      let count = 0;
      let best = 0;
      let from = -1;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const q = p + dy * W + dx;
          const d = src[q]!;
          if (d === 0) continue;
          count++;
          if (from < 0 || d < best) [best, from] = [d, q];
        }
      if (count < 5) continue;
      depth[p] = best;
      rgb.copyWithin(3 * p, 3 * from, 3 * from + 3);
    }
}

/** Floor, ceiling and walls (the floor polygon extruded to the room height), seen from inside. */
function castRoom(scene: Scene, cam: PinholeCamera, rgb: Uint8Array, depth: Float32Array): void {
  const { polygon, floorZ, height } = resolveRoomGeometry(scene.room, scene.objects);
  const ceilZ = floorZ + height;
  const { tx, ty, tz, r, fx, fy, cx, cy, width: W, height: H } = cam;
  const floor = shade(FLOOR_COLORS[0]!, 0, 0, 1);
  const ceiling = shade(CEILING_COLOR, 0, 0, -1);
  // Per wall: start, edge vector, and its colour shaded by the inward normal of a counter-clockwise polygon.
  const walls = polygon.map((p, k) => {
    const q = polygon[(k + 1) % polygon.length]!;
    const ex = q[0] - p[0], ey = q[1] - p[1];
    const len = Math.hypot(ex, ey) || 1;
    return { px: p[0], py: p[1], ex, ey, color: shade(WALL_COLORS[0]!, -ey / len, ex / len, 0) };
  });
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      // Ray through the pixel centre with camera z = 1, so the ray parameter is the optical-axis depth.
      const xn = (x + 0.5 - cx) / fx, yn = (y + 0.5 - cy) / fy;
      const dx = r[0]! * xn + r[1]! * yn + r[2]!;
      const dy = r[3]! * xn + r[4]! * yn + r[5]!;
      const dz = r[6]! * xn + r[7]! * yn + r[8]!;
      let best = Infinity;
      let color: Rgb | undefined;
      if (dz < 0) {
        const t = (floorZ - tz) / dz;
        if (t > NEAR) [best, color] = [t, floor];
      } else if (dz > 0) {
        const t = (ceilZ - tz) / dz;
        if (t > NEAR) [best, color] = [t, ceiling];
      }
      for (const w of walls) {
        // Camera + t·d = p + s·e in the floor plane, by Cramer's rule.
        const den = dx * w.ey - dy * w.ex;
        if (den === 0) continue;
        const ox = w.px - tx, oy = w.py - ty;
        const t = (ox * w.ey - oy * w.ex) / den;
        if (!(t > NEAR && t < best)) continue;
        const s = (ox * dy - oy * dx) / den;
        const z = tz + t * dz;
        if (s < 0 || s > 1 || z < floorZ || z > ceilZ) continue;
        best = t;
        color = w.color;
      }
      if (color === undefined) continue;
      const p = y * W + x;
      depth[p] = best;
      rgb.set(color, 3 * p);
    }
}

/** Ray-casts the pixels the box's projected rectangle covers; a box that contains the camera is not drawn. */
function castBox(box: OrientedBox, base: Rgb, cam: PinholeCamera, rgb: Uint8Array, depth: Float32Array): void {
  const rect = projectBoxRect(box, cam);
  if (!rect) return;
  const { tx, ty, tz, r, fx, fy, cx, cy, width: W } = cam;
  const B = box.rotation;
  const h = [box.extents[0] / 2, box.extents[1] / 2, box.extents[2] / 2];
  // In the box's frame: the camera centre o = Bᵀ(t − c), and a camera-space direction maps through M = Bᵀ·R.
  const wx = tx - box.center[0], wy = ty - box.center[1], wz = tz - box.center[2];
  const o = [0, 1, 2].map((a) => B[a]! * wx + B[3 + a]! * wy + B[6 + a]! * wz);
  const M = new Float64Array(9);
  for (let a = 0; a < 3; a++)
    for (let j = 0; j < 3; j++) M[3 * a + j] = B[a]! * r[j]! + B[3 + a]! * r[3 + j]! + B[6 + a]! * r[6 + j]!;
  // Face colours, indexed 2·axis + (1 when the outward normal is along +axis).
  const faces: Rgb[] = [];
  for (let a = 0; a < 3; a++)
    for (const s of [-1, 1]) faces.push(shade(base, s * B[a]!, s * B[3 + a]!, s * B[6 + a]!));

  const [x0, y0, x1, y1] = rect;
  for (let y = Math.floor(y0); y < Math.ceil(y1); y++)
    for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
      const xn = (x + 0.5 - cx) / fx, yn = (y + 0.5 - cy) / fy;
      let tNear = -Infinity, tFar = Infinity, face = 0;
      let miss = false;
      for (let a = 0; a < 3 && !miss; a++) {
        const d = M[3 * a]! * xn + M[3 * a + 1]! * yn + M[3 * a + 2]!;
        const oa = o[a]!, ha = h[a]!;
        if (d === 0) {
          if (oa < -ha || oa > ha) miss = true;
          continue;
        }
        const ta = (-ha - oa) / d, tb = (ha - oa) / d;
        // Entering through the −axis face when moving along +axis, and the +axis face otherwise.
        const t0 = ta < tb ? ta : tb, t1 = ta < tb ? tb : ta;
        if (t0 > tNear) {
          tNear = t0;
          face = 2 * a + (d > 0 ? 0 : 1);
        }
        if (t1 < tFar) tFar = t1;
        if (tNear > tFar) miss = true;
      }
      if (miss || !(tNear > NEAR)) continue;
      const p = y * W + x;
      const cur = depth[p]!;
      const z = Math.fround(tNear);
      if (cur !== 0 && cur <= z) continue;
      depth[p] = z;
      rgb.set(faces[face]!, 3 * p);
    }
}
