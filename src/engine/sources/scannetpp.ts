/**
 * ScanNet++ scene folder (`data/<scene id>/` of the release) → canonical scene.
 *
 * Reads, from `<dir>` (its name is the scene id, e.g. 09c1414f1b):
 *  - `scans/mesh_aligned_0.05.ply`: the laser-scan mesh, already aligned (Z up, metres), vertex colours. Its
 *    vertices are the point cloud, as for ScanNet; `samplePoints` samples the surface by area instead.
 *  - `scans/segments.json` (`segIndices`, one segment id per mesh vertex) with `scans/segments_anno.json`
 *    (`segGroups[]` of `{ id, objectId, label, segments, obb? }`): the instances and their labels, in ScanNet's
 *    aggregation shape (scannet.ts reads both). A group's `obb` (`centroid`, `axesLengths`, `normalizedAxes`: three
 *    unit axes row by row, as VSI-Bench's meta_info writes them) is its box when present and sound; otherwise
 *    the upright box is fitted to its vertices (scene/obbFit.ts). Without the annotation: points, no objects.
 *  - optional camera frames, the first of:
 *    - iPhone: `iphone/pose_intrinsic_imu.json`, `{ <frame>: { intrinsic (3×3), aligned_pose (4×4 camera→world
 *      in the aligned mesh's frame, OpenCV axes), timestamp? } }`, with images `iphone/rgb/<frame>.jpg`
 *      (ScanNet++'s toolkit extracts them from rgb.mkv: `python -m iphone.prepare_iphone_data`).
 *    - DSLR: COLMAP text model `dslr/colmap/cameras.txt` (`CAMERA_ID MODEL WIDTH HEIGHT PARAMS…`) and
 *      `dslr/colmap/images.txt` (`IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME`, world→camera, each followed by
 *      its 2D points line), images `dslr/resized_images/<NAME>`.
 *    Up to `frames` (default 32) frames with a pose and an image, sampled uniformly, each carrying its image.
 * Objects: one per segment group except room structure (wall, floor, ceiling). Floor vertices give the room's
 * footprint and floor height, as for ScanNet.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { CameraFrame, Intrinsics, Mat3, Mat4, OrientedBox, Scene, SceneObject, Vec3 } from '../../shared/scene.js';
import { IDENTITY4 } from '../../shared/scene.js';
import { normalizeLabel } from '../scene/labels.js';
import { cross, dot, orthonormalityError } from '../scene/math.js';
import { fitUprightBox } from '../scene/obbFit.js';
import { assertValidScene } from '../scene/validate.js';
import { DEFAULT_IMAGE_FRAMES, firstFew, fitFrameToImage, imageFrameCount, readFrameImageFile, uniformIndices } from './frameImages.js';
import { FieldReader, readJsonFile } from './json.js';
import { MAX_COORDINATE_M, MAX_LENGTH_M } from './limits.js';
import { parsePly } from './ply/parse.js';
import { checkCoordinateBound, estimateRoomFromPoints, readBinaryFile, readTextFile } from './ply/points.js';
import { STRUCTURE_LABELS, concatIndices, meshPointCloud, readAnnotatedVertices, rigidProblem, vertexColors, verticesByGroup, type SegGroup } from './scannet.js';

export interface ScanNetPPImportOptions {
  /** Base seed for random choices (only surface sampling makes any). */
  seed?: number;
  /** Sample this many points by area from the mesh instead of using its vertices (each takes its triangle's nearest vertex's object). */
  samplePoints?: number;
  /** Most camera frames kept, sampled uniformly from those with a pose and an image (default DEFAULT_IMAGE_FRAMES). */
  frames?: number;
}

export const SCANNETPP_MESH = join('scans', 'mesh_aligned_0.05.ply');
const SEGMENTS = join('scans', 'segments.json');
const ANNOTATION = join('scans', 'segments_anno.json');
const IPHONE_POSES = join('iphone', 'pose_intrinsic_imu.json');
const IPHONE_RGB = join('iphone', 'rgb');
const DSLR_CAMERAS = join('dslr', 'colmap', 'cameras.txt');
const DSLR_IMAGES = join('dslr', 'colmap', 'images.txt');
const DSLR_RGB = join('dslr', 'resized_images');
/** ScanNet++'s iPhone video runs at 60 Hz: frame_<n> is at n / 60 s when the JSON gives no timestamp. */
const IPHONE_FRAME_RATE = 60;

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

// ── objects ────────────────────────────────────────────────────────────────────────────────────────────────────

/** The annotation's own box for a group, or a reason it cannot be used (then the box is fitted). */
function annotatedBox(g: SegGroup, file: string): OrientedBox | string | undefined {
  if (g.raw.obb === undefined) return undefined;
  const r = new FieldReader(file);
  const f = `segGroups[${g.index}].obb`;
  const obb = r.object(g.raw.obb, f);
  const centroid = obb && r.coordinates(obb.centroid, 3, `${f}.centroid`);
  const lengths = obb && r.numbers(obb.axesLengths, 3, `${f}.axesLengths`);
  const axes9 = obb && r.numbers(obb.normalizedAxes, 9, `${f}.normalizedAxes`);
  if (!centroid || !lengths || !axes9) return r.problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  const bad = lengths.findIndex((l) => !(l > 0 && l <= MAX_LENGTH_M));
  if (bad >= 0) return `${f}.axesLengths[${bad}]: expected a positive length up to ${MAX_LENGTH_M} m, found ${lengths[bad]}`;
  const a0: Vec3 = [axes9[0]!, axes9[1]!, axes9[2]!];
  const a1: Vec3 = [axes9[3]!, axes9[4]!, axes9[5]!];
  let a2: Vec3 = [axes9[6]!, axes9[7]!, axes9[8]!];
  // A left-handed axis set describes the same box: the third axis flips so the rotation is proper.
  if (dot(cross(a0, a1), a2) < 0) a2 = [-a2[0], -a2[1], -a2[2]];
  const rotation: Mat3 = [a0[0], a1[0], a2[0], a0[1], a1[1], a2[1], a0[2], a1[2], a2[2]];
  const err = orthonormalityError(rotation);
  if (err > 1e-3) return `${f}.normalizedAxes: expected three orthonormal axes, found |RᵀR − I| = ${err.toExponential(2)}`;
  return { center: centroid as Vec3, extents: lengths as Vec3, rotation };
}

// ── cameras ────────────────────────────────────────────────────────────────────────────────────────────────────

interface PosedImage {
  name: string;
  timestamp: number;
  pose: Mat4;
  intrinsics: Intrinsics;
  width: number;
  height: number;
  image?: string;
}

interface Trajectory {
  frames: CameraFrame[];
  images: Map<string, Uint8Array>;
  files: string[];
  notes: string[];
  warnings: string[];
}

function matrix(r: FieldReader, v: unknown, rows: number, field: string): number[] | undefined {
  const outer = r.array(v, field);
  if (!outer) return undefined;
  // Written as nested rows by the toolkit; a flat list of the same numbers is read the same.
  if (outer.length === rows * rows) return r.numbers(outer, rows * rows, field);
  if (outer.length !== rows) {
    r.problems.push({ file: r.file, field, message: `expected a ${rows}×${rows} matrix (${rows} rows of ${rows} numbers), found an array of ${outer.length}` });
    return undefined;
  }
  const out: number[] = [];
  for (let i = 0; i < rows; i++) {
    const row = r.numbers(outer[i], rows, `${field}[${i}]`);
    if (!row) return undefined;
    out.push(...row);
  }
  return out;
}

function imageFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!isDir(dir)) return out;
  for (const f of readdirSync(dir)) {
    const m = /^(.+)\.(jpe?g|png)$/i.exec(f);
    if (m && !out.has(m[1]!)) out.set(m[1]!, f);
  }
  return out;
}

function readIphone(dir: string): { posed: PosedImage[]; files: string[]; notes: string[]; warnings: string[] } {
  const file = join(dir, IPHONE_POSES);
  const r = new FieldReader(file);
  const root = r.object(readJsonFile(file), '(top level)');
  r.throwIfAny();
  const names = Object.keys(root!).sort();
  if (names.length === 0) throw new InputError({ file, message: 'expected at least one frame, found an empty object' });
  const images = imageFiles(join(dir, IPHONE_RGB));
  const warnings: string[] = [];
  const posed: PosedImage[] = [];
  let timed = 0;
  for (const name of names) {
    const entry = r.object(root![name], name);
    if (!entry) continue;
    const k = matrix(r, entry.intrinsic, 3, `${name}.intrinsic`);
    const m = matrix(r, entry.aligned_pose, 4, `${name}.aligned_pose`);
    if (!k || !m) continue;
    const problem = rigidProblem(m);
    if (problem) {
      r.problems.push({ file, field: `${name}.aligned_pose`, message: problem });
      continue;
    }
    if (!(k[0]! > 0 && k[4]! > 0 && k[2]! > 0 && k[5]! > 0)) {
      r.problems.push({ file, field: `${name}.intrinsic`, message: `expected positive fx, fy, cx, cy (entries 0, 4, 2, 5), found ${k[0]}, ${k[4]}, ${k[2]}, ${k[5]}` });
      continue;
    }
    const number = /(\d+)$/.exec(name);
    const ts = typeof entry.timestamp === 'number' && Number.isFinite(entry.timestamp) ? entry.timestamp : undefined;
    if (ts !== undefined) timed++;
    posed.push({
      name,
      timestamp: ts ?? (number ? Number(number[1]) / IPHONE_FRAME_RATE : posed.length / IPHONE_FRAME_RATE),
      pose: m as Mat4,
      intrinsics: { fx: k[0]!, fy: k[4]!, cx: k[2]!, cy: k[5]! },
      // The JSON gives no image size: the principal point's double until an image says otherwise (fitFrameToImage).
      width: Math.round(2 * k[2]!),
      height: Math.round(2 * k[5]!),
      ...(images.has(name) ? { image: join(dir, IPHONE_RGB, images.get(name)!) } : {}),
    });
  }
  r.throwIfAny();
  const notes = [
    `camera: iPhone, poses from ${IPHONE_POSES} (aligned_pose: camera→world in the aligned mesh's frame, OpenCV axes; intrinsic: 3×3), ` +
      (timed === posed.length ? 'timestamps from the file' : `timestamp = frame number / ${IPHONE_FRAME_RATE} s where the file gives none`),
  ];
  return { posed, files: [file, ...(images.size ? [join(dir, IPHONE_RGB)] : [])], notes, warnings };
}

/** COLMAP's quaternion (w, x, y, z) as a rotation matrix, row-major. */
function quaternionRotation(w: number, x: number, y: number, z: number): Mat3 {
  const n = Math.hypot(w, x, y, z);
  [w, x, y, z] = [w / n, x / n, y / n, z / n];
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ];
}

/** fx, fy, cx, cy of a COLMAP camera model's parameters (the distortion terms that follow are not used). */
const MODEL_FOCALS: Record<string, (p: number[]) => Intrinsics> = {
  SIMPLE_PINHOLE: (p) => ({ fx: p[0]!, fy: p[0]!, cx: p[1]!, cy: p[2]! }),
  SIMPLE_RADIAL: (p) => ({ fx: p[0]!, fy: p[0]!, cx: p[1]!, cy: p[2]! }),
  RADIAL: (p) => ({ fx: p[0]!, fy: p[0]!, cx: p[1]!, cy: p[2]! }),
  PINHOLE: (p) => ({ fx: p[0]!, fy: p[1]!, cx: p[2]!, cy: p[3]! }),
  OPENCV: (p) => ({ fx: p[0]!, fy: p[1]!, cx: p[2]!, cy: p[3]! }),
  OPENCV_FISHEYE: (p) => ({ fx: p[0]!, fy: p[1]!, cx: p[2]!, cy: p[3]! }),
  FULL_OPENCV: (p) => ({ fx: p[0]!, fy: p[1]!, cx: p[2]!, cy: p[3]! }),
};
const MIN_PARAMS: Record<string, number> = { SIMPLE_PINHOLE: 3, SIMPLE_RADIAL: 4, RADIAL: 5, PINHOLE: 4, OPENCV: 8, OPENCV_FISHEYE: 8, FULL_OPENCV: 12 };

/** Data lines of a COLMAP text file (comments and blank lines dropped), with their 1-based line numbers. */
function colmapLines(file: string, keepBlank: boolean): { line: number; words: string[] }[] {
  return readTextFile(file)
    .split(/\r?\n/)
    .map((text, i) => ({ line: i + 1, text }))
    .filter((l) => !l.text.startsWith('#') && (keepBlank || l.text.trim() !== ''))
    .map((l) => ({ line: l.line, words: l.text.trim().split(/\s+/).filter((w) => w !== '') }));
}

function numbersAt(words: string[], from: number, count: number, file: string, line: number, what: string): number[] {
  const out = words.slice(from, from + count).map(Number);
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (out.length < count || bad >= 0) {
    throw new InputError({ file, field: `line ${line}`, message: `expected ${what} (${count} numbers from word ${from + 1}), found ${out.length < count ? `${words.length} words` : `word ${from + bad + 1}, which is not a finite number`}` });
  }
  return out;
}

function readDslr(dir: string): { posed: PosedImage[]; files: string[]; notes: string[]; warnings: string[] } {
  const camFile = join(dir, DSLR_CAMERAS);
  const imgFile = join(dir, DSLR_IMAGES);
  if (!existsSync(camFile)) throw new InputError({ file: camFile, message: `expected COLMAP's cameras.txt beside ${basename(imgFile)}, found none` });
  const cameras = new Map<number, { k: Intrinsics; width: number; height: number; model: string }>();
  for (const { line, words } of colmapLines(camFile, false)) {
    const [id, model] = [Number(words[0]), words[1] ?? ''];
    if (!Number.isInteger(id)) throw new InputError({ file: camFile, field: `line ${line}`, message: 'expected CAMERA_ID MODEL WIDTH HEIGHT PARAMS…, the id a whole number' });
    const focals = MODEL_FOCALS[model];
    if (!focals) throw new InputError({ file: camFile, field: `line ${line}`, message: `unknown camera model "${model.slice(0, 40)}": expected one of ${Object.keys(MODEL_FOCALS).join(', ')}` });
    const [width, height] = numbersAt(words, 2, 2, camFile, line, 'WIDTH HEIGHT');
    const params = numbersAt(words, 4, MIN_PARAMS[model]!, camFile, line, `${model}'s parameters`);
    const k = focals(params);
    if (!(width! > 0 && height! > 0 && k.fx > 0 && k.fy > 0)) throw new InputError({ file: camFile, field: `line ${line}`, message: 'expected a positive image size and focal lengths' });
    cameras.set(id, { k, width: width!, height: height!, model });
  }
  if (cameras.size === 0) throw new InputError({ file: camFile, message: 'expected at least one camera, found none' });
  const images = imageFiles(join(dir, DSLR_RGB));
  const posed: PosedImage[] = [];
  // Each image takes two lines: its pose, then its 2D points (which may be empty).
  const lines = colmapLines(imgFile, true);
  for (let i = 0; i < lines.length; i += 2) {
    const { line, words } = lines[i]!;
    if (words.length === 0) continue;
    const q = numbersAt(words, 1, 7, imgFile, line, 'QW QX QY QZ TX TY TZ');
    const camId = Number(words[8]);
    const name = words.slice(9).join(' ');
    const cam = cameras.get(camId);
    if (!cam || name === '') throw new InputError({ file: imgFile, field: `line ${line}`, message: `expected IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME with a camera of ${basename(camFile)}, found camera ${words[8] ?? '(none)'}` });
    if (Math.hypot(q[0]!, q[1]!, q[2]!, q[3]!) < 1e-6) throw new InputError({ file: imgFile, field: `line ${line}`, message: 'expected a unit quaternion, found one of length 0' });
    const r = quaternionRotation(q[0]!, q[1]!, q[2]!, q[3]!);
    const t = [q[4]!, q[5]!, q[6]!];
    // images.txt holds world→camera (R, t); the canonical pose is camera→world: (Rᵀ, −Rᵀt).
    const c = [0, 1, 2].map((j) => -(r[j]! * t[0]! + r[3 + j]! * t[1]! + r[6 + j]! * t[2]!));
    if (c.some((v) => Math.abs(v) > MAX_COORDINATE_M)) throw new InputError({ file: imgFile, field: `line ${line}`, message: `expected a camera centre within ${MAX_COORDINATE_M} m of the origin` });
    const pose: Mat4 = [r[0]!, r[3]!, r[6]!, c[0]!, r[1]!, r[4]!, r[7]!, c[1]!, r[2]!, r[5]!, r[8]!, c[2]!, 0, 0, 0, 1];
    const stem = name.replace(/\.[^./]+$/, '');
    posed.push({ name, timestamp: 0, pose, intrinsics: { ...cam.k }, width: cam.width, height: cam.height, ...(images.has(stem) ? { image: join(dir, DSLR_RGB, images.get(stem)!) } : {}) });
  }
  // DSLR photos carry no time: ordered by name (the camera numbers them in capture order), one second apart.
  posed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).forEach((p, i) => (p.timestamp = i));
  const models = [...new Set([...cameras.values()].map((c) => c.model))];
  const warnings = models.some((m) => m !== 'PINHOLE' && m !== 'SIMPLE_PINHOLE')
    ? [`DSLR camera model ${models.join(', ')}: its distortion terms are ignored (frames are pinhole), so projections near the image edges are off; ScanNet++'s dslr/undistort.py makes undistorted images`]
    : [];
  const notes = [`camera: DSLR, COLMAP text model ${DSLR_CAMERAS} and ${DSLR_IMAGES} (world→camera, inverted to camera→world; OpenCV axes); timestamp = position by image name, in seconds`];
  return { posed, files: [camFile, imgFile, ...(images.size ? [join(dir, DSLR_RGB)] : [])], notes, warnings };
}

function readTrajectory(dir: string, framesOption: number | undefined): Trajectory | undefined {
  const hasIphone = existsSync(join(dir, IPHONE_POSES));
  const hasDslr = existsSync(join(dir, DSLR_IMAGES));
  if (!hasIphone && !hasDslr) return undefined;
  const read = hasIphone ? readIphone(dir) : readDslr(dir);
  const where = hasIphone ? IPHONE_RGB : DSLR_RGB;
  const warnings = [...read.warnings];
  if (hasIphone && hasDslr) warnings.push(`both iPhone and DSLR cameras are present: used the iPhone's (a walk-through, like VSI-Bench's videos); the DSLR's were not read`);
  const withImage = read.posed.filter((p) => p.image !== undefined);
  const images = new Map<string, Uint8Array>();
  const frame = (p: PosedImage, index: number): CameraFrame => ({ index, timestamp: p.timestamp, pose: p.pose, intrinsics: p.intrinsics, width: p.width, height: p.height });
  if (withImage.length === 0) {
    const kept = uniformIndices(read.posed.length, framesOption === undefined ? read.posed.length : imageFrameCount(framesOption)).map((i) => read.posed[i]!);
    warnings.push(`no images in ${where}/: the trajectory has poses only${hasIphone ? ' (image size taken as twice the principal point)' : ''}`);
    return { frames: kept.map(frame), images, files: read.files, notes: [...read.notes, `trajectory: ${kept.length} of ${read.posed.length} poses, no images`], warnings };
  }
  const noImage = read.posed.length - withImage.length;
  if (noImage > 0) warnings.push(`${noImage} posed frames have no image in ${where}/ and were skipped: ${firstFew(read.posed.filter((p) => p.image === undefined).map((p) => p.name))}`);
  const sampled = uniformIndices(withImage.length, imageFrameCount(framesOption)).map((i) => withImage[i]!);
  let rescaled = 0;
  const frames = sampled.map((p, index) => {
    const f = frame(p, index);
    const img = readFrameImageFile(p.image!);
    if (fitFrameToImage(f, img.header)) rescaled++;
    f.imageBlob = img.hash;
    images.set(img.hash, img.bytes);
    return f;
  });
  if (rescaled) warnings.push(`${rescaled} images differ in size from their camera's calibration: their intrinsics were scaled to the image`);
  const notes = [...read.notes, `trajectory: ${frames.length} of ${withImage.length} frames with a pose and an image, sampled uniformly (frames option, default ${DEFAULT_IMAGE_FRAMES}); images from ${where}/ stored with the scene`];
  return { frames, images, files: read.files, notes, warnings };
}

// ── the scene ──────────────────────────────────────────────────────────────────────────────────────────────────

/** Imports one ScanNet++ scene folder. Throws InputError naming the file and field on bad input. */
export function importScanNetPPScene(dir: string, options: ScanNetPPImportOptions = {}): Scene {
  const sceneId = basename(resolve(dir));
  const plyFile = join(dir, SCANNETPP_MESH);
  if (!existsSync(plyFile)) {
    throw new InputError({ file: dir, message: `expected a ScanNet++ scene folder (data/<scene id>/) holding ${SCANNETPP_MESH}, found no such file` });
  }
  const segsFile = join(dir, SEGMENTS);
  const annoFile = join(dir, ANNOTATION);
  const files = [plyFile];
  const warnings: string[] = [];
  const notes: string[] = ['ScanNet++ meshes are aligned: Z up, metres; no transform applied'];
  const seeds: Record<string, number> = {};

  const ply = parsePly(readBinaryFile(plyFile), plyFile);
  warnings.push(...ply.warnings.map((w) => `${basename(plyFile)}: ${w}`));
  const n = ply.vertexCount;
  if (n === 0) throw new InputError({ file: plyFile, message: 'expected a mesh with vertices, found none' });
  checkCoordinateBound(ply.positions, plyFile);
  const positions = ply.positions;
  const colors = vertexColors(ply, plyFile, warnings);

  let groups: SegGroup[] = [];
  let groupOf: Int32Array = new Int32Array(n).fill(-1);
  if (existsSync(annoFile)) {
    if (!existsSync(segsFile)) throw new InputError({ file: segsFile, message: `expected the mesh's segments (segIndices) beside ${basename(annoFile)}, found no such file` });
    files.push(segsFile, annoFile);
    ({ groups, groupOf } = readAnnotatedVertices(annoFile, segsFile, plyFile, n, warnings));
  } else {
    warnings.push(`no ${ANNOTATION}: the scene has points but no objects`);
  }
  const byGroup = verticesByGroup(groupOf, groups.length);

  const objects: SceneObject[] = [];
  const objectOfGroup = new Int32Array(groups.length).fill(-1);
  const floorGroups: number[] = [];
  const structure = new Map<string, number>();
  const badObb: string[] = [];
  let annotated = 0;
  let empty = 0;
  groups.forEach((g, gi) => {
    const label = normalizeLabel(g.label);
    if (STRUCTURE_LABELS.has(label)) {
      structure.set(label, (structure.get(label) ?? 0) + 1);
      if (label === 'floor') floorGroups.push(gi);
      return;
    }
    const verts = byGroup[gi]!;
    const obb = annotatedBox(g, annoFile);
    if (typeof obb === 'string') badObb.push(obb);
    if (verts.length === 0 && typeof obb !== 'object') {
      empty++;
      return;
    }
    if (typeof obb === 'object') annotated++;
    objectOfGroup[gi] = g.objectId;
    objects.push({ id: g.objectId, label, rawLabel: g.label, box: typeof obb === 'object' ? obb : fitUprightBox(positions, verts), pointIndices: verts });
  });
  objects.sort((a, b) => a.id - b.id);
  if (structure.size) {
    warnings.push(`${[...structure.values()].reduce((a, b) => a + b, 0)} segment groups are room structure (${[...structure].map(([l, c]) => `${c} ${l}`).join(', ')}) and were not made objects`);
  }
  if (empty) warnings.push(`${empty} segment groups have no vertices and no box and were skipped`);
  if (badObb.length) warnings.push(`${badObb.length} annotated boxes were unusable, their boxes fitted to the vertices instead: ${firstFew(badObb, 3)}`);
  if (groups.length) {
    notes.push(`objects: one per non-structural segment group, id = objectId; ${annotated} boxes from the annotation's obb, ${objects.length - annotated} upright (yaw only) minimum-area fits to the group's vertices`);
  }

  const points = meshPointCloud({ samplePoints: options.samplePoints, seed: options.seed, sceneId, plyFile, positions, colors, faces: ply.faces, groupOf, objectOfGroup, objects, seeds, notes });

  const floorVerts = floorGroups.length ? concatIndices(floorGroups.map((g) => byGroup[g]!)) : undefined;
  const est = estimateRoomFromPoints(positions, floorVerts ? { floorIndices: floorVerts } : {});
  notes.push(...est.notes);
  warnings.push(...est.warnings);

  const trajectory = readTrajectory(dir, options.frames);
  const scene: Scene = {
    id: `scannetpp:${sceneId}`,
    dataset: 'scannetpp',
    objects,
    room: est.room,
    points,
    provenance: {
      source: 'scannetpp',
      sourceId: sceneId,
      files,
      conversion: { upAxis: '+z', units: 'm', transform: [...IDENTITY4], notes },
      synthesised: ['room'],
      seeds,
      warnings,
    },
  };
  if (trajectory) {
    files.push(...trajectory.files);
    notes.push(...trajectory.notes);
    warnings.push(...trajectory.warnings);
    if (trajectory.frames.length) scene.trajectory = trajectory.frames;
    if (trajectory.images.size) scene.frameImages = trajectory.images;
  } else {
    warnings.push(`no camera poses (${IPHONE_POSES} or ${DSLR_IMAGES}): the scene has no trajectory`);
  }
  return assertValidScene(scene, dir);
}
