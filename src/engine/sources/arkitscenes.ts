/**
 * ARKitScenes 3DOD scene folder → canonical scene.
 *
 * Reads, from `<dir>` (files named after the video id):
 *  - `<id>_3dod_annotation.json`: `data[]` of `{ label, uid, segments: { obb: { centroid, axesLengths,
 *    normalizedAxes } } }`. normalizedAxes holds three unit axes row by row, paired with axesLengths; they
 *    become the COLUMNS of the box rotation.
 *  - `<id>_3dod_mesh.ply`: the scene mesh, sampled by area into the point cloud (seeded).
 *  - optional `<id>_frames/lowres_wide.traj` (or `<id>.traj`): lines `timestamp rx ry rz tx ty tz`, an
 *    angle-axis rotation and a translation mapping WORLD → CAMERA; inverted here to camera → world.
 *  - optional `<id>_frames/lowres_wide_intrinsics/*.pincam` (or `lowres_wide_intrinsics/`): `w h fx fy cx cy`,
 *    matched to frames by the timestamp in the file name; else approximate lowres_wide defaults (warned).
 *  - optional `<id>_frames/lowres_wide/<id>_<timestamp>.png` (or `lowres_wide/`), ARKitScenes' raw layout: each
 *    image takes the .traj pose nearest in time, within ARKIT_FRAME_TOLERANCE_S (farther ones are dropped, named
 *    in a warning), and the trajectory is up to `frames` (default 32) of them, sampled uniformly, each carrying
 *    its image (stored with the scene).
 * The ARKitScenes world is gravity-aligned, Z-up, in metres (as VSI-Bench's ARKitScenes metadata shows), so
 * nothing is converted; a warning fires if the boxes do not look gravity-aligned about Z.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { CameraFrame, Intrinsics, Mat3, Mat4, OrientedBox, PointCloud, Scene, SceneObject, Vec3 } from '../../shared/scene.js';
import { IDENTITY4 } from '../../shared/scene.js';
import { createRng, hashSeed } from '../../shared/random.js';
import { normalizeLabel } from '../scene/labels.js';
import { mat3Det, mat3FromColumns, mat4FromRotationTranslation, mat4InvertRigid, orthonormalityError } from '../scene/math.js';
import { boxAabb, boxVolume } from '../scene/obb.js';
import { assertValidScene } from '../scene/validate.js';
import { DEFAULT_IMAGE_FRAMES, firstFew, fitFrameToImage, imageFrameCount, readFrameImageFile, uniformIndices } from './frameImages.js';
import { FieldReader, readJsonFile } from './json.js';
import { MAX_COORDINATE_M, MAX_LENGTH_M, coordinateBoundText } from './limits.js';
import { parsePly } from './ply/parse.js';
import { checkCoordinateBound, estimateRoomFromPoints, readBinaryFile, readTextFile } from './ply/points.js';
import { cumulativeAreas, sampleMeshSurface } from './ply/sampleMesh.js';

export interface ArkitImportOptions {
  /** Video id (e.g. 41069021); default: the one `<id>_3dod_annotation.json` in the folder. */
  videoId?: string;
  /** Base seed; the surface sampling seed is derived from it and the video id (default 0). */
  seed?: number;
  /** Points sampled by area from the mesh (default 200,000). */
  samplePoints?: number;
  /**
   * Most trajectory frames when lowres_wide images are present: that many of the images matched to a pose,
   * sampled uniformly (default DEFAULT_IMAGE_FRAMES; each image is stored with the scene). Without images the
   * trajectory is every .traj pose, or `frames` of them sampled uniformly.
   */
  frames?: number;
}

/**
 * Farthest a lowres_wide image's timestamp may be from the nearest .traj pose and still take it: half the
 * 10 Hz period both streams run at, so an image never takes the pose of a neighbouring frame.
 */
export const ARKIT_FRAME_TOLERANCE_S = 0.05;

export const DEFAULT_ARKIT_SAMPLE_POINTS = 200_000;

/**
 * Approximate lowres_wide camera (256×192, iPad Pro), used only when no .pincam file is present. Real
 * values vary by device by a few pixels.
 */
export const DEFAULT_LOWRES_WIDE = { width: 256, height: 192, fx: 212, fy: 212, cx: 128, cy: 96 };

const ANNOTATION_SUFFIX = '_3dod_annotation.json';
const AXES_TOLERANCE = 1e-3;

function findVideoId(dir: string): string {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (e) {
    throw new InputError({ file: dir, message: `cannot read folder: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
  }
  const ids = entries.filter((f) => f.endsWith(ANNOTATION_SUFFIX)).map((f) => f.slice(0, -ANNOTATION_SUFFIX.length)).sort();
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0) throw new InputError({ file: dir, message: `expected an ARKitScenes 3DOD folder with a <video id>${ANNOTATION_SUFFIX}, found none` });
  throw new InputError({ file: dir, message: `found annotations of several videos (${ids.join(', ')}); pass videoId to choose one` });
}

interface RawBox {
  label: string;
  uid: string;
  box: OrientedBox;
}

function readAnnotation(file: string, warnings: string[]): RawBox[] {
  const r = new FieldReader(file);
  const root = r.object(readJsonFile(file), '(top level)');
  r.throwIfAny();
  const data = r.array(root!.data, 'data');
  r.throwIfAny();
  const boxes: RawBox[] = [];
  let flipped = 0;
  data!.forEach((item, i) => {
    const f = `data[${i}]`;
    const o = r.object(item, f);
    if (!o) return;
    const label = r.string(o.label, `${f}.label`);
    const uid = o.uid === undefined ? '' : r.string(o.uid, `${f}.uid`);
    const segments = r.object(o.segments, `${f}.segments`);
    const obb = segments ? r.object(segments.obb, `${f}.segments.obb`) : undefined;
    if (!obb || label === undefined || uid === undefined) return;
    const centroid = r.coordinates(obb.centroid, 3, `${f}.segments.obb.centroid`) as Vec3 | undefined;
    const lengths = r.numbers(obb.axesLengths, 3, `${f}.segments.obb.axesLengths`) as Vec3 | undefined;
    const axes = r.numbers(obb.normalizedAxes, 9, `${f}.segments.obb.normalizedAxes`);
    lengths?.forEach((len, k) => {
      if (!(len > 0)) r.problems.push({ file, field: `${f}.segments.obb.axesLengths[${k}]`, message: `expected a positive length in metres, found ${len}` });
      else if (len > MAX_LENGTH_M) {
        r.problems.push({ file, field: `${f}.segments.obb.axesLengths[${k}]`, message: `expected a length up to ${MAX_LENGTH_M} m (the importers' bound on scene size), found ${len}` });
      }
    });
    if (!centroid || !lengths || !axes) return;
    const a0: Vec3 = [axes[0]!, axes[1]!, axes[2]!];
    const a1: Vec3 = [axes[3]!, axes[4]!, axes[5]!];
    let a2: Vec3 = [axes[6]!, axes[7]!, axes[8]!];
    let rotation: Mat3 = mat3FromColumns(a0, a1, a2);
    const err = orthonormalityError(rotation);
    if (err > AXES_TOLERANCE) {
      const lens = [a0, a1, a2].map((a) => Math.hypot(...a).toFixed(3)).join(', ');
      r.problems.push({
        file,
        field: `${f}.segments.obb.normalizedAxes`,
        message: `expected three orthonormal unit axes (row by row), found |AᵀA − I| = ${err.toExponential(2)} (axis lengths ${lens})`,
      });
      return;
    }
    // A left-handed axis set describes the same (symmetric) box; negate the third axis to make it a rotation.
    if (mat3Det(rotation) < 0) {
      a2 = [0 - a2[0], 0 - a2[1], 0 - a2[2]];
      rotation = mat3FromColumns(a0, a1, a2);
      flipped++;
    }
    boxes.push({ label, uid, box: { center: centroid, extents: lengths, rotation } });
  });
  r.throwIfAny();
  if (flipped) warnings.push(`${basename(file)}: ${flipped} boxes had a left-handed axis set; their third axis was negated (same box)`);
  return boxes;
}

/** Rotation matrix of an angle-axis vector (Rodrigues). */
export function rotationFromAngleAxis(rx: number, ry: number, rz: number): Mat3 {
  const theta = Math.hypot(rx, ry, rz);
  if (theta < 1e-12) return [1, -rz, ry, rz, 1, -rx, -ry, rx, 1];
  const x = rx / theta;
  const y = ry / theta;
  const z = rz / theta;
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const t = 1 - c;
  return [
    c + x * x * t, x * y * t - z * s, x * z * t + y * s,
    y * x * t + z * s, c + y * y * t, y * z * t - x * s,
    z * x * t - y * s, z * y * t + x * s, c + z * z * t,
  ];
}

/** One .traj line (world → camera) as a camera → world pose. */
export function poseFromTrajLine(r: [number, number, number], t: Vec3): Mat4 {
  return mat4InvertRigid(mat4FromRotationTranslation(rotationFromAngleAxis(r[0], r[1], r[2]), t));
}

interface Pincam {
  timestamp: number;
  width: number;
  height: number;
  k: Intrinsics;
}

const PINCAM_FIELDS = ['width', 'height', 'fx', 'fy', 'cx', 'cy'];
const TRAJ_FIELDS = ['timestamp', 'rx', 'ry', 'rz', 'tx', 'ty', 'tz'];

/** What is wrong with a line of numbers, by position: errors do not quote a file's bytes. */
function describeValues(v: number[], names: string[]): string {
  if (v.length !== names.length) return `${v.length} values`;
  const bad = v.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) return `value ${bad + 1} (${names[bad]}), which is not a finite number`;
  return `${v.slice(0, 4).map((x, k) => `${names[k]} = ${x}`).join(', ')}`;
}

function readPincams(dirs: string[], files: string[]): Pincam[] | undefined {
  const dir = dirs.find((d) => existsSync(d) && statSync(d).isDirectory());
  if (!dir) return undefined;
  const names = readdirSync(dir).filter((f) => f.endsWith('.pincam')).sort();
  if (names.length === 0) return undefined;
  files.push(dir);
  const cams = names.map((name, i): Pincam => {
    const file = join(dir, name);
    const words = readTextFile(file).trim().split(/\s+/);
    const v = words.map(Number);
    if (v.length !== 6 || v.some((x) => !Number.isFinite(x)) || !(v[0]! > 0 && v[1]! > 0 && v[2]! > 0 && v[3]! > 0)) {
      throw new InputError({ file, message: `expected "width height fx fy cx cy" with positive sizes and focal lengths, found ${describeValues(v, PINCAM_FIELDS)}` });
    }
    const m = /_(\d+(?:\.\d+)?)\.pincam$/.exec(name);
    return { timestamp: m ? Number(m[1]) : i, width: Math.round(v[0]!), height: Math.round(v[1]!), k: { fx: v[2]!, fy: v[3]!, cx: v[4]!, cy: v[5]! } };
  });
  return cams.sort((a, b) => a.timestamp - b.timestamp);
}

function nearestPincam(cams: Pincam[], t: number): Pincam {
  let lo = 0;
  let hi = cams.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cams[mid]!.timestamp < t) lo = mid + 1;
    else hi = mid;
  }
  const after = cams[lo]!;
  const before = cams[Math.max(0, lo - 1)]!;
  return Math.abs(before.timestamp - t) <= Math.abs(after.timestamp - t) ? before : after;
}

interface Trajectory {
  frames: CameraFrame[];
  /** Image bytes by hash, for `Scene.frameImages`. */
  images: Map<string, Uint8Array>;
}

function readTrajectory(dir: string, videoId: string, framesOption: number | undefined, files: string[], notes: string[], warnings: string[]): Trajectory | undefined {
  const framesDir = join(dir, `${videoId}_frames`);
  const trajFile = [join(framesDir, 'lowres_wide.traj'), join(dir, `${videoId}.traj`), join(dir, 'lowres_wide.traj')].find((f) => existsSync(f));
  if (!trajFile) return undefined;
  files.push(trajFile);
  const lines = readTextFile(trajFile).split(/\r?\n/);
  let raw: { t: number; pose: Mat4; line: number }[] = [];
  lines.forEach((line, i) => {
    const words = line.trim().split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) return;
    const v = words.map(Number);
    if (v.length !== 7 || v.some((x) => !Number.isFinite(x))) {
      throw new InputError({ file: trajFile, field: `line ${i + 1}`, message: `expected 7 finite numbers "timestamp rx ry rz tx ty tz", found ${describeValues(v, TRAJ_FIELDS)}` });
    }
    const far = [4, 5, 6].find((k) => Math.abs(v[k]!) > MAX_COORDINATE_M);
    if (far !== undefined) {
      throw new InputError({ file: trajFile, field: `line ${i + 1}`, message: `expected the translation ${coordinateBoundText()}, found ${TRAJ_FIELDS[far]} = ${v[far]}` });
    }
    raw.push({ t: v[0]!, pose: poseFromTrajLine([v[1]!, v[2]!, v[3]!], [v[4]!, v[5]!, v[6]!]), line: i + 1 });
  });
  // A .traj is a time series; lines written out of order (concatenated or merged logs) are put back in time
  // order, keeping equal timestamps in file order, and the first offending line is named.
  const late = raw.findIndex((f, k) => k > 0 && f.t < raw[k - 1]!.t);
  if (late > 0) {
    let latest = Number.NEGATIVE_INFINITY;
    let outOfOrder = 0;
    for (const f of raw) {
      if (f.t < latest) outOfOrder++;
      latest = Math.max(latest, f.t);
    }
    const a = raw[late]!;
    const b = raw[late - 1]!;
    warnings.push(
      `${basename(trajFile)}: line ${a.line} (t = ${a.t} s) comes before line ${b.line} (t = ${b.t} s) in time; ${outOfOrder} of ${raw.length} poses were out of order and are used in time order`,
    );
    raw = raw.map((f, k) => ({ f, k })).sort((x, y) => x.f.t - y.f.t || x.k - y.k).map(({ f }) => f);
  }
  if (raw.length === 0) {
    warnings.push(`${basename(trajFile)} has no poses: no trajectory`);
    return undefined;
  }
  const cams = readPincams([join(framesDir, 'lowres_wide_intrinsics'), join(dir, 'lowres_wide_intrinsics')], files);
  if (cams) notes.push(`intrinsics from ${cams.length} .pincam files, each frame taking the one nearest in time`);
  else {
    const d = DEFAULT_LOWRES_WIDE;
    warnings.push(`no lowres_wide_intrinsics/*.pincam: frames use approximate lowres_wide intrinsics ${d.width}×${d.height}, fx ${d.fx}, fy ${d.fy}, cx ${d.cx}, cy ${d.cy}`);
  }
  const t0 = raw[0]!.t;
  const d = DEFAULT_LOWRES_WIDE;
  const frameAt = (index: number, t: number, pose: Mat4): CameraFrame => {
    const cam = cams ? nearestPincam(cams, t) : undefined;
    return {
      index,
      timestamp: t - t0,
      pose,
      intrinsics: cam ? { ...cam.k } : { fx: d.fx, fy: d.fy, cx: d.cx, cy: d.cy },
      width: cam ? cam.width : d.width,
      height: cam ? cam.height : d.height,
    };
  };
  const trajText = `${basename(trajFile)} (world→camera angle-axis + translation, inverted to camera→world; OpenCV camera axes)`;
  const images = readLowresWide([join(framesDir, 'lowres_wide'), join(dir, 'lowres_wide')], files, warnings);
  if (!images) {
    const kept = framesOption === undefined ? raw : uniformIndices(raw.length, imageFrameCount(framesOption)).map((i) => raw[i]!);
    notes.push(
      `trajectory: ${kept.length}${kept.length < raw.length ? ` of ${raw.length} (sampled uniformly)` : ''} poses from ${trajText}; timestamps relative to the first pose (${t0} s); no lowres_wide/ images`,
    );
    return { frames: kept.map((f, index) => frameAt(index, f.t, f.pose)), images: new Map() };
  }
  // Each image takes the pose nearest in time; one farther than the tolerance belongs to no image.
  const times = raw.map((f) => f.t);
  const matched: { image: LowresImage; pose: Mat4 }[] = [];
  const unmatched: string[] = [];
  for (const image of images) {
    const k = nearestIndex(times, image.timestamp);
    if (Math.abs(times[k]! - image.timestamp) <= ARKIT_FRAME_TOLERANCE_S) matched.push({ image, pose: raw[k]!.pose });
    else unmatched.push(image.name);
  }
  if (unmatched.length) {
    warnings.push(`${unmatched.length} of ${images.length} lowres_wide images have no pose within ${ARKIT_FRAME_TOLERANCE_S} s in ${basename(trajFile)} and were dropped: ${firstFew(unmatched)}`);
  }
  const sampled = uniformIndices(matched.length, imageFrameCount(framesOption)).map((i) => matched[i]!);
  const bytes = new Map<string, Uint8Array>();
  let rescaled = 0;
  const frames = sampled.map(({ image, pose }, index) => {
    const frame = frameAt(index, image.timestamp, pose);
    const img = readFrameImageFile(image.file);
    if (fitFrameToImage(frame, img.header)) rescaled++;
    frame.imageBlob = img.hash;
    bytes.set(img.hash, img.bytes);
    return frame;
  });
  if (rescaled) warnings.push(`${rescaled} lowres_wide images differ in size from their .pincam camera: their intrinsics were scaled to the image`);
  notes.push(
    `trajectory: ${frames.length} of ${matched.length} lowres_wide images matched to a pose (nearest in time within ${ARKIT_FRAME_TOLERANCE_S} s), sampled uniformly (frames option, default ${DEFAULT_IMAGE_FRAMES}); poses from ${trajText}; images stored with the scene; timestamps are the images', relative to the first pose (${t0} s)`,
  );
  return { frames, images: bytes };
}

interface LowresImage {
  name: string;
  file: string;
  timestamp: number;
}

/** `lowres_wide/<video id>_<timestamp>.png`, in time order; undefined when there is no such folder or image. */
function readLowresWide(dirs: string[], files: string[], warnings: string[]): LowresImage[] | undefined {
  const dir = dirs.find((x) => existsSync(x) && statSync(x).isDirectory());
  if (!dir) return undefined;
  const out: LowresImage[] = [];
  const unnamed: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!/\.png$/i.test(name)) continue;
    const m = /_(\d+(?:\.\d+)?)\.png$/i.exec(name);
    if (m) out.push({ name, file: join(dir, name), timestamp: Number(m[1]) });
    else unnamed.push(name);
  }
  if (unnamed.length) warnings.push(`${unnamed.length} images in lowres_wide/ are not named <video id>_<timestamp>.png and were skipped: ${firstFew(unnamed)}`);
  if (out.length === 0) return undefined;
  files.push(dir);
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

/** Index of the value nearest to `t` in an ascending list (the earlier one on a tie). */
function nearestIndex(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && Math.abs(sorted[lo - 1]! - t) <= Math.abs(sorted[lo]! - t) ? lo - 1 : lo;
}

/**
 * Object id of every point by box containment; where boxes overlap the smallest one wins (an object standing
 * inside a larger box, like a pillow on a bed, keeps its own points).
 */
function assignByContainment(positions: Float32Array, objects: SceneObject[]): Int32Array {
  const n = positions.length / 3;
  const ids = new Int32Array(n).fill(-1);
  const order = [...objects].sort((a, b) => boxVolume(b.box) - boxVolume(a.box));
  for (const o of order) {
    const { center: c, extents: e, rotation: r } = o.box;
    const { min, max } = boxAabb(o.box);
    const hx = e[0] / 2;
    const hy = e[1] / 2;
    const hz = e[2] / 2;
    for (let i = 0; i < n; i++) {
      const x = positions[3 * i]!;
      const y = positions[3 * i + 1]!;
      const z = positions[3 * i + 2]!;
      if (x < min[0] || x > max[0] || y < min[1] || y > max[1] || z < min[2] || z > max[2]) continue;
      const dx = x - c[0];
      const dy = y - c[1];
      const dz = z - c[2];
      // Local coordinates: the columns of r are the box axes, so local = rᵀ·d.
      if (Math.abs(r[0] * dx + r[3] * dy + r[6] * dz) > hx) continue;
      if (Math.abs(r[1] * dx + r[4] * dy + r[7] * dz) > hy) continue;
      if (Math.abs(r[2] * dx + r[5] * dy + r[8] * dz) > hz) continue;
      ids[i] = o.id;
    }
  }
  return ids;
}

/** Imports one ARKitScenes 3DOD folder. Throws InputError naming the file and field on bad input. */
export function importArkitScene(dir: string, options: ArkitImportOptions = {}): Scene {
  const videoId = options.videoId ?? findVideoId(dir);
  const annFile = join(dir, `${videoId}${ANNOTATION_SUFFIX}`);
  const meshFile = join(dir, `${videoId}_3dod_mesh.ply`);
  const samplePoints = options.samplePoints ?? DEFAULT_ARKIT_SAMPLE_POINTS;
  if (!Number.isInteger(samplePoints) || samplePoints <= 0) {
    throw new InputError({ field: 'samplePoints', message: `expected a positive whole number, found ${samplePoints}` });
  }
  const files = [annFile, meshFile];
  const warnings: string[] = [];
  const notes: string[] = ['ARKitScenes annotations, mesh and trajectory share one gravity-aligned, Z-up world in metres: taken as is'];
  const seeds: Record<string, number> = {};

  const raw = readAnnotation(annFile, warnings);
  const objects: SceneObject[] = raw.map((b, id) => ({ id, label: normalizeLabel(b.label), rawLabel: b.label, box: b.box }));
  if (raw.length) {
    notes.push(`objects: id = position in ${basename(annFile)}; uids by id: ${raw.map((b, i) => `${i}=${b.uid || '(none)'}`).join(', ')}`);
  }
  const vertical = objects.filter((o) => [2, 5, 8].some((k) => Math.abs(Math.abs(o.box.rotation[k]!) - 1) < 1e-3)).length;
  if (objects.length >= 4 && vertical < objects.length / 2) {
    warnings.push(`only ${vertical} of ${objects.length} boxes have a vertical axis: the annotation may not be Z-up as ARKitScenes 3DOD is`);
  }

  const ply = parsePly(readBinaryFile(meshFile), meshFile);
  warnings.push(...ply.warnings.map((w) => `${basename(meshFile)}: ${w}`));
  if (ply.vertexCount === 0) throw new InputError({ file: meshFile, message: 'expected a mesh with vertices, found none' });
  checkCoordinateBound(ply.positions, meshFile);
  let points: PointCloud;
  const area = ply.faces && ply.faces.length ? cumulativeAreas(ply.positions, ply.faces).at(-1)! : 0;
  if (ply.faces && area > 0) {
    seeds.seed = options.seed ?? 0;
    seeds.surfaceSampling = hashSeed(hashSeed(seeds.seed, videoId), 'surface');
    const s = sampleMeshSurface({ positions: ply.positions, colors: ply.colors, faces: ply.faces }, samplePoints, createRng(seeds.surfaceSampling), { file: meshFile });
    points = { positions: s.positions, colors: s.colors };
    notes.push(`point cloud: ${samplePoints} points sampled uniformly by area from the mesh's ${ply.faces.length / 3} triangles (${area.toFixed(2)} m²)`);
    if (!ply.colors) warnings.push(`${basename(meshFile)} has no vertex colours: points are mid-grey`);
  } else {
    warnings.push(`${basename(meshFile)} has no faces with area: its ${ply.vertexCount} vertices are used as points`);
    points = { positions: ply.positions, colors: ply.colors ?? new Uint8Array(3 * ply.vertexCount).fill(128) };
  }
  points.objectIds = assignByContainment(points.positions, objects);
  const perObject = new Map<number, number[]>();
  points.objectIds.forEach((oid, i) => {
    if (oid >= 0) (perObject.get(oid) ?? perObject.set(oid, []).get(oid)!).push(i);
  });
  for (const o of objects) o.pointIndices = Uint32Array.from(perObject.get(o.id) ?? []);
  notes.push('point objectIds by box containment; where boxes overlap, the smallest box wins');

  const est = estimateRoomFromPoints(points.positions);
  notes.push(...est.notes);
  warnings.push(...est.warnings);

  const scene: Scene = {
    id: `arkitscenes:${videoId}`,
    dataset: 'arkitscenes',
    objects,
    room: est.room,
    points,
    provenance: {
      source: 'arkitscenes',
      sourceId: videoId,
      files,
      conversion: { upAxis: '+z', units: 'm', transform: [...IDENTITY4], notes },
      synthesised: ['room'],
      seeds,
      warnings,
    },
  };
  const trajectory = readTrajectory(dir, videoId, options.frames, files, notes, warnings);
  if (trajectory) {
    scene.trajectory = trajectory.frames;
    if (trajectory.images.size) scene.frameImages = trajectory.images;
  }
  return assertValidScene(scene, dir);
}
