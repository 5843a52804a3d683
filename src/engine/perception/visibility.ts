/**
 * Which objects the camera sees in each trajectory frame, from the boxes alone (no images, no depth): samples
 * on each box's surface are projected through the pinhole camera and tested for occlusion against the other
 * boxes. Questions that name objects ("the first time the chair appears", "the camera in frame 12") are only
 * fair when the object is actually in view, so this is what the visibility filter and the programs rely on.
 *
 * Visible fraction of an object in a frame = visible samples / samples on its camera-facing faces, where a
 * sample is visible when it lies in front of the camera, projects inside the image, and the segment from the
 * camera to it passes through no other box. Back faces are left out of the denominator so a fully exposed box
 * reads 1, whatever its shape. Boxes are coarse hulls, so two rules keep them from hiding what they cannot:
 * a box that contains the camera occludes nothing, and a sample inside another box is not occluded by it
 * (a pillow's box sinks into the bed's box, yet the pillow is seen).
 */
import type { CameraFrame, OrientedBox, Scene } from '../../shared/scene.js';

export interface VisibilityOptions {
  /** Visible fraction from which an object counts as seen in a frame (default 0.1). */
  minFraction?: number;
  /** Approximate number of surface samples per box (default 96), spread evenly by area. */
  samplesPerObject?: number;
  /** Evaluate at most this many frames, evenly spaced along the trajectory, first and last included (default: all). */
  maxFrames?: number;
}

/** Camera centre and unit optical axis (camera +z), both in world coordinates. */
export interface FrameCamera {
  position: [number, number, number];
  forward: [number, number, number];
}

export interface ObjectVisibility {
  /** First evaluated frame whose fraction reaches `minFraction`, or null. */
  firstFrame: number | null;
  /** Evaluated frames whose fraction reaches `minFraction`, ascending. */
  frames: number[];
  /** Visible fraction per evaluated frame. */
  fractions: number[];
  maxFraction: number;
}

export interface SceneVisibility {
  /** False when the scene has no trajectory: then `frames` is 0 and every object has firstFrame null. */
  hasTrajectory: boolean;
  /** Number of evaluated frames; frame numbers everywhere below index these (0 … frames − 1). */
  frames: number;
  /** Evaluated frame k is `scene.trajectory[frameIndices[k]]`. */
  frameIndices: number[];
  /** Timestamps of the evaluated frames (seconds). */
  timestamps: number[];
  minFraction: number;
  perObject: Map<number, ObjectVisibility>;
  /** Camera centre and optical axis per evaluated frame. */
  cameras: FrameCamera[];
}

/** Surface samples of one box, grouped by face so back faces are skipped as a block. */
interface BoxSamples {
  /** xyz interleaved world positions. */
  points: Float64Array;
  /** Face f owns samples faceStart[f] … faceStart[f + 1] − 1. */
  faceStart: Int32Array;
  /** Outward unit normal and centre of each face, xyz interleaved. */
  normals: Float64Array;
  faceCenters: Float64Array;
}

/** Cell-centred grids with the same spacing on every face, so samples are spread evenly by area. */
function sampleBox(center: readonly number[], extents: readonly number[], rotation: readonly number[], target: number): BoxSamples {
  const [ex, ey, ez] = [extents[0]!, extents[1]!, extents[2]!];
  const area = 2 * (ex * ey + ey * ez + ez * ex);
  const spacing = area > 0 ? Math.sqrt(area / target) : 0;
  const cells = (len: number): number => (spacing > 0 ? Math.max(1, Math.min(target, Math.round(len / spacing))) : 1);
  // Face f: normal along local axis n = f >> 1, sign = f & 1 ? + : −; spanned by the other two axes u, v.
  const faces: { n: number; sign: number; u: number; v: number; nu: number; nv: number }[] = [];
  let total = 0;
  for (let f = 0; f < 6; f++) {
    const n = f >> 1;
    const u = (n + 1) % 3;
    const v = (n + 2) % 3;
    const nu = cells(extents[u]!);
    const nv = cells(extents[v]!);
    faces.push({ n, sign: f & 1 ? 1 : -1, u, v, nu, nv });
    total += nu * nv;
  }
  const points = new Float64Array(3 * total);
  const faceStart = new Int32Array(7);
  const normals = new Float64Array(18);
  const faceCenters = new Float64Array(18);
  const axis = (j: number, i: number): number => rotation[i * 3 + j]!;
  let k = 0;
  faces.forEach((face, f) => {
    faceStart[f] = k;
    const local = [0, 0, 0];
    local[face.n] = (face.sign * extents[face.n]!) / 2;
    for (let i = 0; i < 3; i++) {
      normals[3 * f + i] = face.sign * axis(face.n, i);
      faceCenters[3 * f + i] = center[i]! + face.sign * axis(face.n, i) * (extents[face.n]! / 2);
    }
    for (let a = 0; a < face.nu; a++)
      for (let b = 0; b < face.nv; b++) {
        local[face.u] = ((a + 0.5) / face.nu - 0.5) * extents[face.u]!;
        local[face.v] = ((b + 0.5) / face.nv - 0.5) * extents[face.v]!;
        for (let i = 0; i < 3; i++) points[3 * k + i] = center[i]! + axis(0, i) * local[0]! + axis(1, i) * local[1]! + axis(2, i) * local[2]!;
        k++;
      }
  });
  faceStart[6] = k;
  return { points, faceStart, normals, faceCenters };
}

/** Indices of `count` frames evenly spaced over `n`, first and last included (numpy linspace, rounded). */
export function evenFrames(n: number, count: number): number[] {
  if (count >= n) return Array.from({ length: n }, (_, i) => i);
  if (count <= 1) return [0];
  return Array.from({ length: count }, (_, i) => Math.round((i * (n - 1)) / (count - 1)));
}

// Rays stop this far (m) short of the sample, so a box that merely touches the sample's face does not hide it.
const SURFACE_EPSILON = 1e-6;
// Samples this close to the camera plane (m) are treated as behind it: their projection is meaningless.
export const NEAR_PLANE = 1e-3;

/** Receives each visible surface sample: its depth along the optical axis (m) and pixel coordinates. */
export type VisibleSampleVisitor = (depth: number, u: number, v: number) => void;

/**
 * The occlusion test behind `computeVisibility`, one camera at a time, for callers that need more than the
 * fraction (perception reads the depths of the visible samples). Samples and occluder forms are built once.
 */
export interface BoxOcclusion {
  /** Number of boxes. */
  readonly count: number;
  /** Moves the camera; must be called before `visibleFraction`. */
  setFrame(frame: CameraFrame): void;
  /** Visible fraction of box `i` in the current frame (see the module comment); `onVisible` sees each visible sample. */
  visibleFraction(i: number, onVisible?: VisibleSampleVisitor): number;
}

export function createBoxOcclusion(boxes: readonly OrientedBox[], samplesPerObject = 96): BoxOcclusion {
  const n = boxes.length;
  // Per box, once: samples, and the occluder form (centre, axes as rows of Rᵀ, half extents, bounding sphere).
  const samples = boxes.map((b) => sampleBox(b.center, b.extents, b.rotation, Math.max(6, Math.round(samplesPerObject))));
  const occ = new Float64Array(n * 16);
  for (let j = 0; j < n; j++) {
    const { center: c, extents: e, rotation: r } = boxes[j]!;
    const base = 16 * j;
    occ.set([c[0], c[1], c[2]], base);
    occ.set(r, base + 3); // row-major R: entries 3..11; local coordinate i of w is Σ_k R[k][i]·w_k.
    occ.set([e[0] / 2, e[1] / 2, e[2] / 2], base + 12);
    occ[base + 15] = Math.hypot(e[0], e[1], e[2]) / 2;
  }

  // Per frame scratch, preallocated: camera origin in each box's frame, sphere distance, and candidate lists.
  const localOrigin = new Float64Array(3 * n);
  const usable = new Uint8Array(n);
  const toCenter = new Float64Array(3 * n);
  const centerDist = new Float64Array(n);
  const candidates = new Int32Array(n);

  // The current camera: world → camera is Rᵀ(p − t); R's columns are the camera axes in world.
  let tx = 0, ty = 0, tz = 0;
  let r00 = 1, r01 = 0, r02 = 0, r10 = 0, r11 = 1, r12 = 0, r20 = 0, r21 = 0, r22 = 1;
  let fx = 1, fy = 1, cx = 0, cy = 0, W = 0, H = 0;
  let framed = false;

  function setFrame(frame: CameraFrame): void {
    const P = frame.pose;
    tx = P[3]; ty = P[7]; tz = P[11];
    r00 = P[0]; r01 = P[1]; r02 = P[2]; r10 = P[4]; r11 = P[5]; r12 = P[6]; r20 = P[8]; r21 = P[9]; r22 = P[10];
    ({ fx, fy, cx, cy } = frame.intrinsics);
    W = frame.width;
    H = frame.height;
    framed = true;

    for (let j = 0; j < n; j++) {
      const b = 16 * j;
      const wx = tx - occ[b]!, wy = ty - occ[b + 1]!, wz = tz - occ[b + 2]!;
      const lx = occ[b + 3]! * wx + occ[b + 6]! * wy + occ[b + 9]! * wz;
      const ly = occ[b + 4]! * wx + occ[b + 7]! * wy + occ[b + 10]! * wz;
      const lz = occ[b + 5]! * wx + occ[b + 8]! * wy + occ[b + 11]! * wz;
      localOrigin[3 * j] = lx;
      localOrigin[3 * j + 1] = ly;
      localOrigin[3 * j + 2] = lz;
      const inside = Math.abs(lx) <= occ[b + 12]! && Math.abs(ly) <= occ[b + 13]! && Math.abs(lz) <= occ[b + 14]!;
      const dx = -wx, dy = -wy, dz = -wz;
      toCenter[3 * j] = dx;
      toCenter[3 * j + 1] = dy;
      toCenter[3 * j + 2] = dz;
      centerDist[j] = Math.hypot(dx, dy, dz);
      const depth = dx * r02 + dy * r12 + dz * r22;
      // Rays only run through the half-space in front of the camera, so a box wholly behind it hides nothing.
      usable[j] = !inside && depth + occ[b + 15]! > 0 ? 1 : 0;
    }
  }

  function visibleFraction(i: number, onVisible?: VisibleSampleVisitor): number {
    if (!framed) throw new Error('BoxOcclusion.visibleFraction called before setFrame');
    const s = samples[i]!;
    const ri = occ[16 * i + 15]!;
    const di = centerDist[i]!;
    // Candidate occluders: spheres that meet the cone from the camera around this box's sphere.
    const sinI = di > ri ? ri / di : 1;
    const cosI = Math.sqrt(1 - sinI * sinI);
    let nc = 0;
    for (let j = 0; j < n; j++) {
      if (j === i || usable[j] === 0) continue;
      const rj = occ[16 * j + 15]!;
      const dj = centerDist[j]!;
      if (dj - rj >= di + ri) continue; // entirely beyond every sample of i
      if (dj > rj && di > ri) {
        const sinJ = rj / dj;
        const cosJ = Math.sqrt(1 - sinJ * sinJ);
        const cosSum = cosI * cosJ - sinI * sinJ; // cos(αi + αj)
        const cosAngle = (toCenter[3 * i]! * toCenter[3 * j]! + toCenter[3 * i + 1]! * toCenter[3 * j + 1]! + toCenter[3 * i + 2]! * toCenter[3 * j + 2]!) / (di * dj);
        // Both half-angles are below π/2, so αi + αj < π and comparing cosines compares the angles.
        if (cosAngle < cosSum - 1e-12) continue;
      }
      candidates[nc++] = j;
    }

    let facing = 0;
    let visible = 0;
    for (let f = 0; f < 6; f++) {
      const nx = s.normals[3 * f]!, ny = s.normals[3 * f + 1]!, nz = s.normals[3 * f + 2]!;
      const facesCamera = nx * (tx - s.faceCenters[3 * f]!) + ny * (ty - s.faceCenters[3 * f + 1]!) + nz * (tz - s.faceCenters[3 * f + 2]!) > 0;
      if (!facesCamera) continue;
      const end = s.faceStart[f + 1]!;
      facing += end - s.faceStart[f]!;
      for (let k = s.faceStart[f]!; k < end; k++) {
        const px = s.points[3 * k]!, py = s.points[3 * k + 1]!, pz = s.points[3 * k + 2]!;
        const vx = px - tx, vy = py - ty, vz = pz - tz;
        const zc = r02 * vx + r12 * vy + r22 * vz;
        if (zc <= NEAR_PLANE) continue;
        const u = (fx * (r00 * vx + r10 * vy + r20 * vz)) / zc + cx;
        const v = (fy * (r01 * vx + r11 * vy + r21 * vz)) / zc + cy;
        if (!(u >= 0 && u < W && v >= 0 && v < H)) continue;
        if (!occluded(vx, vy, vz, nc)) {
          visible++;
          if (onVisible) onVisible(zc, u, v);
        }
      }
    }
    return facing > 0 ? visible / facing : 0;
  }

  /** Does the segment camera → camera + (vx, vy, vz) pass wholly through one of the candidate boxes? */
  function occluded(vx: number, vy: number, vz: number, nc: number): boolean {
    const len2 = vx * vx + vy * vy + vz * vz;
    const len = Math.sqrt(len2);
    const tEnd = 1 - SURFACE_EPSILON / len;
    for (let q = 0; q < nc; q++) {
      const j = candidates[q]!;
      const b = 16 * j;
      // Sphere prefilter: distance from the sphere centre to the segment.
      const cxw = toCenter[3 * j]!, cyw = toCenter[3 * j + 1]!, czw = toCenter[3 * j + 2]!;
      let t = (cxw * vx + cyw * vy + czw * vz) / len2;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = cxw - t * vx, ey = cyw - t * vy, ez = czw - t * vz;
      const rj = occ[b + 15]!;
      if (ex * ex + ey * ey + ez * ez > rj * rj) continue;
      // Slab test in the box frame, with the ray parametrised so t = 1 is the sample.
      let tNear = -Infinity;
      let tFar = Infinity;
      let miss = false;
      for (let a = 0; a < 3 && !miss; a++) {
        const o = localOrigin[3 * j + a]!;
        const d = occ[b + 3 + a]! * vx + occ[b + 6 + a]! * vy + occ[b + 9 + a]! * vz;
        const h = occ[b + 12 + a]!;
        if (d === 0) {
          if (o < -h || o > h) miss = true;
          continue;
        }
        const ta = (-h - o) / d;
        const tb = (h - o) / d;
        const t0 = ta < tb ? ta : tb;
        const t1 = ta < tb ? tb : ta;
        if (t0 > tNear) tNear = t0;
        if (t1 < tFar) tFar = t1;
        if (tNear > tFar) miss = true;
      }
      // Occluding means entering in front of the camera and leaving before the sample: a sample inside the
      // box (tFar ≥ 1) is given the benefit of the doubt.
      if (!miss && tNear > 0 && tFar < tEnd) return true;
    }
    return false;
  }

  return { count: n, setFrame, visibleFraction };
}

export function computeVisibility(scene: Scene, options: VisibilityOptions = {}): SceneVisibility {
  const minFraction = options.minFraction ?? 0.1;
  const samplesPerObject = Math.max(6, Math.round(options.samplesPerObject ?? 96));
  const trajectory = scene.trajectory ?? [];
  const maxFrames = options.maxFrames ?? trajectory.length;
  if (!(maxFrames >= 1) && trajectory.length > 0) throw new RangeError(`maxFrames must be at least 1, got ${maxFrames}`);
  const frameIndices = trajectory.length === 0 ? [] : evenFrames(trajectory.length, Math.floor(maxFrames));
  const frameCount = frameIndices.length;

  const objects = scene.objects;
  const n = objects.length;
  const fractions = objects.map(() => new Array<number>(frameCount).fill(0));
  const occlusion = createBoxOcclusion(objects.map((o) => o.box), samplesPerObject);
  const cameras: FrameCamera[] = [];

  for (let fi = 0; fi < frameCount; fi++) {
    const frame = trajectory[frameIndices[fi]!]!;
    const P = frame.pose;
    cameras.push({ position: [P[3], P[7], P[11]], forward: [P[2], P[6], P[10]] });
    occlusion.setFrame(frame);
    for (let i = 0; i < n; i++) fractions[i]![fi] = occlusion.visibleFraction(i);
  }

  const perObject = new Map<number, ObjectVisibility>();
  objects.forEach((o, i) => {
    const fr = fractions[i]!;
    const seen: number[] = [];
    let maxFraction = 0;
    fr.forEach((x, f) => {
      if (x >= minFraction) seen.push(f);
      if (x > maxFraction) maxFraction = x;
    });
    perObject.set(o.id, { firstFrame: seen[0] ?? null, frames: seen, fractions: fr, maxFraction });
  });

  return {
    hasTrajectory: trajectory.length > 0,
    frames: frameCount,
    frameIndices,
    timestamps: frameIndices.map((k) => trajectory[k]!.timestamp),
    minFraction,
    perObject,
    cameras,
  };
}
