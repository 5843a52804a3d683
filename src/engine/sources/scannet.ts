/**
 * ScanNet v2 scan folder → canonical scene.
 *
 * Reads, from `<dir>` (files named after the scene id, e.g. scene0000_00):
 *  - `<id>_vh_clean_2.ply`: the cleaned, decimated mesh with vertex colours. Its vertices are the point
 *    cloud (the mesh is dense, ~1 cm spacing, so sampling would only blur the per-vertex segmentation).
 *  - `<id>_vh_clean_2.0.010000.segs.json`: `segIndices`, one over-segmentation id per mesh vertex.
 *  - `<id>.aggregation.json`: `segGroups[]` of `{ objectId | id, label, segments }`, the instance annotation.
 *    Without it the scene has points but no objects (ScanNet's test split ships no annotation).
 *  - `<id>.txt`: `axisAlignment = m00 … m33` (row-major), applied to vertices and poses; ScanNet is Z-up after
 *    it. Without that line the scan is kept in its capture frame and a warning says so.
 *  - optional, SensReader's export of the .sens file, in the scan folder itself or its `frames/` or `sens/`
 *    subfolder (the first with a `pose/` folder): `pose/<frame>.txt` (4×4 camera→world, OpenCV axes) with
 *    `intrinsic/intrinsic_color.txt` (4×4); else intrinsics from `<id>.txt` (fx_color, fy_color, mx_color,
 *    my_color, colorWidth, colorHeight), else ScanNet's typical colour camera. Frames are taken at 30 Hz:
 *    timestamp = frame number / 30. Poses with non-finite entries (tracking lost) are skipped, named in a warning.
 *    With `color/<frame>.jpg` beside them the trajectory is up to `frames` (default 32) frames that have both a
 *    pose and an image, sampled uniformly, each carrying its image (stored with the scene); without, every pose
 *    (or `frames` of them, sampled uniformly).
 * Objects: one per segment group except structure (wall, floor, ceiling), with the upright box fitted to the
 * group's vertices after alignment. Floor vertices, when labelled, give the room's footprint and floor height.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { InputProblem } from '../../shared/errors.js';
import type { CameraFrame, Intrinsics, Mat3, Mat4, PointCloud, Scene, SceneObject } from '../../shared/scene.js';
import { IDENTITY4 } from '../../shared/scene.js';
import { createRng, hashSeed } from '../../shared/random.js';
import { normalizeLabel } from '../scene/labels.js';
import { mat4Mul, orthonormalityError } from '../scene/math.js';
import { fitUprightBox } from '../scene/obbFit.js';
import { assertValidScene } from '../scene/validate.js';
import { DEFAULT_IMAGE_FRAMES, firstFew, fitFrameToImage, imageFrameCount, readFrameImageFile, uniformIndices } from './frameImages.js';
import { FieldReader, describeFound, readJsonFile } from './json.js';
import { MAX_COORDINATE_M, coordinateBoundText } from './limits.js';
import { parsePly } from './ply/parse.js';
import { checkCoordinateBound, estimateRoomFromPoints, readBinaryFile, readTextFile, transformPositions } from './ply/points.js';
import { sampleMeshSurface } from './ply/sampleMesh.js';

export interface ScanNetImportOptions {
  /** Scene id (e.g. scene0000_00); default: the one `<id>_vh_clean_2.ply` in the folder. */
  sceneId?: string;
  /** Base seed for random choices (only surface sampling makes any). */
  seed?: number;
  /**
   * Sample this many points by area from the mesh instead of using its vertices; each sample takes the
   * object of its triangle's nearest vertex. Boxes are always fitted to the vertices.
   */
  samplePoints?: number;
  /**
   * Most trajectory frames, sampled uniformly from the usable ones. Default: every pose when the export has no
   * colour images, else DEFAULT_IMAGE_FRAMES (each image is stored with the scene).
   */
  frames?: number;
}

/** Labels that describe the room rather than an object in it. */
export const STRUCTURE_LABELS = new Set(['wall', 'floor', 'ceiling']);

/** ScanNet's colour stream runs at 30 Hz; pose files are named by frame number. */
const FRAME_RATE = 30;
/** The typical ScanNet colour camera, used only when neither intrinsic file nor scene txt gives one. */
const DEFAULT_COLOR_CAMERA = { width: 1296, height: 968, fx: 1169.6, fy: 1167.1, cx: 646.3, cy: 489.9 };

const SCENE_PLY_SUFFIX = '_vh_clean_2.ply';

/** The scene ids whose meshes a ScanNet folder holds, sorted (a folder may hold several scans). */
export function scanNetSceneIds(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (e) {
    throw new InputError({ file: dir, message: `cannot read folder: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
  }
  return entries.filter((f) => f.endsWith(SCENE_PLY_SUFFIX)).map((f) => f.slice(0, -SCENE_PLY_SUFFIX.length)).sort();
}

function findSceneId(dir: string): string {
  const ids = scanNetSceneIds(dir);
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0) throw new InputError({ file: dir, message: `expected a ScanNet scan folder with a <scene>${SCENE_PLY_SUFFIX} mesh, found none` });
  // The source spec `scannet:<dir>` imports each of them; only a direct call without a scene id lands here.
  throw new InputError({ file: dir, message: `found meshes of several scenes (${ids.join(', ')}); import the folder as the source scannet:<folder> to take each of them, or name one scene` });
}

/** `key = value` lines of the scene's .txt. */
function readSceneInfo(file: string): Map<string, string> {
  const info = new Map<string, string>();
  for (const line of readTextFile(file).split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) info.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return info;
}

export function parseNumbers(text: string, count: number, file: string, field: string): number[] {
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  const nums = words.map(Number);
  const bad = nums.findIndex((v, i) => Number.isNaN(v) && !/^[+-]?(inf|nan)/i.test(words[i]!));
  if (words.length !== count || bad >= 0) {
    // By position only: errors do not quote a file's bytes.
    const found = words.length !== count ? `${words.length} word${words.length === 1 ? '' : 's'}` : `word ${bad + 1}, which is not a number`;
    throw new InputError({ file, field, message: `expected ${count} numbers, found ${found}` });
  }
  // SensReader writes "-inf" for frames where tracking was lost; Number() reads only "-Infinity".
  return nums.map((v, i) => (Number.isNaN(v) && /inf/i.test(words[i]!) ? (words[i]!.startsWith('-') ? -Infinity : Infinity) : v));
}

export function rigidProblem(m: number[]): string | undefined {
  if (m.some((v) => !Number.isFinite(v))) return 'expected finite numbers';
  const r = [m[0]!, m[1]!, m[2]!, m[4]!, m[5]!, m[6]!, m[8]!, m[9]!, m[10]!] as Mat3;
  const err = orthonormalityError(r);
  if (err > 1e-3) return `expected a rigid transform (orthonormal rotation), found |RᵀR − I| = ${err.toExponential(2)}`;
  if (Math.abs(m[12]!) > 1e-9 || Math.abs(m[13]!) > 1e-9 || Math.abs(m[14]!) > 1e-9 || Math.abs(m[15]! - 1) > 1e-9) {
    return `expected a last row of 0 0 0 1, found ${m.slice(12).join(' ')}`;
  }
  const far = [3, 7, 11].find((k) => Math.abs(m[k]!) > MAX_COORDINATE_M);
  if (far !== undefined) return `expected a translation ${coordinateBoundText()}, found ${m[far]} (entry ${far + 1})`;
  return undefined;
}

export interface SegGroup {
  objectId: number;
  label: string;
  segments: number[];
  index: number;
  /** The group's JSON object as read, for fields a format adds (ScanNet++'s `obb`). */
  raw: Record<string, unknown>;
}

export function readSegIndices(segsFile: string, plyFile: string, vertexCount: number): Int32Array {
  const r = new FieldReader(segsFile);
  const root = r.object(readJsonFile(segsFile), '(top level)');
  r.throwIfAny();
  const arr = r.array(root!.segIndices, 'segIndices');
  r.throwIfAny();
  if (arr!.length !== vertexCount) {
    throw new InputError({
      file: segsFile,
      field: 'segIndices',
      message: `expected one segment id per vertex of ${basename(plyFile)} (${vertexCount} vertices), found ${arr!.length}`,
    });
  }
  const out = new Int32Array(vertexCount);
  for (let i = 0; i < vertexCount; i++) {
    const v = arr![i];
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new InputError({ file: segsFile, field: `segIndices[${i}]`, message: `expected an integer segment id, found ${describeFound(v)}` });
    }
    out[i] = v;
  }
  return out;
}

/** `segGroups[]` of ScanNet's aggregation file, and of ScanNet++'s segments_anno.json (the same shape). */
export function readSegGroups(aggFile: string): SegGroup[] {
  const r = new FieldReader(aggFile);
  const root = r.object(readJsonFile(aggFile), '(top level)');
  r.throwIfAny();
  const list = r.array(root!.segGroups, 'segGroups');
  r.throwIfAny();
  const groups: SegGroup[] = [];
  const seen = new Map<number, number>();
  list!.forEach((g, index) => {
    const f = `segGroups[${index}]`;
    const o = r.object(g, f);
    if (!o) return;
    const rawId = o.objectId ?? o.id;
    const objectId = r.number(rawId, `${f}.objectId`);
    const label = r.string(o.label, `${f}.label`);
    const segs = r.array(o.segments, `${f}.segments`);
    if (objectId === undefined || label === undefined || !segs) return;
    if (!Number.isInteger(objectId) || objectId < 0) {
      r.problems.push({ file: aggFile, field: `${f}.objectId`, message: `expected a non-negative integer id, found ${objectId}` });
      return;
    }
    const prev = seen.get(objectId);
    if (prev !== undefined) {
      r.problems.push({ file: aggFile, field: `${f}.objectId`, message: `object id ${objectId} is also used by segGroups[${prev}]` });
      return;
    }
    seen.set(objectId, index);
    const segments: number[] = [];
    segs.forEach((s, k) => {
      if (typeof s === 'number' && Number.isInteger(s)) segments.push(s);
      else r.problems.push({ file: aggFile, field: `${f}.segments[${k}]`, message: `expected an integer segment id, found ${describeFound(s)}` });
    });
    groups.push({ objectId, label, segments, index, raw: o });
  });
  r.throwIfAny();
  return groups;
}

/** Group index (into `groups`) of every vertex, −1 where none; checks every referenced segment exists. */
/** The mesh's vertex colours, or mid-grey with a warning when it has none. */
export function vertexColors(ply: { colors?: Uint8Array | null; vertexCount: number }, plyFile: string, warnings: string[]): Uint8Array {
  if (ply.colors) return ply.colors;
  warnings.push(`${basename(plyFile)} has no vertex colours: points are mid-grey`);
  return new Uint8Array(3 * ply.vertexCount).fill(128);
}

/** An annotation file's object groups over the mesh's segments, and each vertex's group (−1: none). */
export function readAnnotatedVertices(aggFile: string, segsFile: string, plyFile: string, vertexCount: number, warnings: string[]): { groups: SegGroup[]; groupOf: Int32Array } {
  const segIndices = readSegIndices(segsFile, plyFile, vertexCount);
  const groups = readSegGroups(aggFile);
  return { groups, groupOf: assignVertices(groups, segIndices, aggFile, segsFile, warnings) };
}

export function assignVertices(groups: SegGroup[], segIndices: Int32Array, aggFile: string, segsFile: string, warnings: string[]): Int32Array {
  const existing = new Set<number>();
  for (let i = 0; i < segIndices.length; i++) existing.add(segIndices[i]!);
  const problems: InputProblem[] = [];
  const segToGroup = new Map<number, number>();
  let shared = 0;
  groups.forEach((g, gi) => {
    g.segments.forEach((s, k) => {
      if (!existing.has(s)) {
        problems.push({
          file: aggFile,
          field: `segGroups[${g.index}] (label ${JSON.stringify(g.label)}).segments[${k}]`,
          message: `segment ${s} does not exist in ${basename(segsFile)}`,
        });
        return;
      }
      if (segToGroup.has(s)) shared++;
      else segToGroup.set(s, gi);
    });
  });
  if (problems.length) throw new InputError(problems);
  if (shared) warnings.push(`${shared} segments are listed by more than one segment group; each went to the first group listing it`);
  const groupOf = new Int32Array(segIndices.length);
  for (let i = 0; i < segIndices.length; i++) groupOf[i] = segToGroup.get(segIndices[i]!) ?? -1;
  return groupOf;
}

/** Vertex indices per group, ascending, by counting sort. */
export function verticesByGroup(groupOf: Int32Array, groupCount: number): Uint32Array[] {
  const counts = new Uint32Array(groupCount);
  for (let i = 0; i < groupOf.length; i++) if (groupOf[i]! >= 0) counts[groupOf[i]!]!++;
  const lists = Array.from(counts, (c) => new Uint32Array(c));
  const fill = new Uint32Array(groupCount);
  for (let i = 0; i < groupOf.length; i++) {
    const g = groupOf[i]!;
    if (g >= 0) lists[g]![fill[g]!++] = i;
  }
  return lists;
}

interface PoseResult {
  frames: CameraFrame[];
  /** Image bytes by hash, for `Scene.frameImages`. */
  images: Map<string, Uint8Array>;
  files: string[];
  notes: string[];
  warnings: string[];
}

function readIntrinsics(frameDir: string, info: Map<string, string>, infoFile: string, notes: string[], warnings: string[], files: string[]): { k: Intrinsics; width: number; height: number } {
  const num = (key: string): number | undefined => {
    const v = info.get(key);
    return v !== undefined && Number.isFinite(Number(v)) ? Number(v) : undefined;
  };
  const width = num('colorWidth') ?? DEFAULT_COLOR_CAMERA.width;
  const height = num('colorHeight') ?? DEFAULT_COLOR_CAMERA.height;
  if (num('colorWidth') === undefined) warnings.push(`${basename(infoFile)} has no colorWidth/colorHeight: frames are taken as ${width}×${height}`);
  const kFile = join(frameDir, 'intrinsic', 'intrinsic_color.txt');
  if (existsSync(kFile)) {
    files.push(kFile);
    const m = parseNumbers(readTextFile(kFile), 16, kFile, 'matrix');
    notes.push('intrinsics from intrinsic/intrinsic_color.txt');
    return { k: { fx: m[0]!, fy: m[5]!, cx: m[2]!, cy: m[6]! }, width, height };
  }
  const fx = num('fx_color');
  const fy = num('fy_color');
  const cx = num('mx_color');
  const cy = num('my_color');
  if (fx !== undefined && fy !== undefined && cx !== undefined && cy !== undefined) {
    notes.push(`intrinsics from ${basename(infoFile)} (fx_color, fy_color, mx_color, my_color)`);
    return { k: { fx, fy, cx, cy }, width, height };
  }
  const d = DEFAULT_COLOR_CAMERA;
  warnings.push(`no intrinsics found (intrinsic/intrinsic_color.txt or fx_color… in ${basename(infoFile)}): used ScanNet's typical colour camera fx ${d.fx}, fy ${d.fy}, cx ${d.cx}, cy ${d.cy}`);
  return { k: { fx: d.fx, fy: d.fy, cx: d.cx, cy: d.cy }, width, height };
}

/**
 * Where SensReader's export of the scan's .sens file lies: the scan folder itself, or its `frames/` or `sens/`
 * subfolder (the first of these that has a `pose/` folder).
 */
export const SCANNET_FRAME_FOLDERS = ['.', 'frames', 'sens'] as const;

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

function findFrameDir(dir: string, warnings: string[]): string | undefined {
  const found = SCANNET_FRAME_FOLDERS.map((f) => (f === '.' ? dir : join(dir, f))).filter((d) => isDir(join(d, 'pose')));
  if (found.length > 1) {
    warnings.push(`several exported frame folders (${found.map((d) => (d === dir ? '.' : basename(d))).join(', ')}): used the first, ${found[0] === dir ? 'the scan folder' : basename(found[0]!)}`);
  }
  return found[0];
}

/** `color/<frame>.jpg` (SensReader's name; .jpeg and .png are taken too) by frame number. */
function colorFiles(colorDir: string): Map<number, string> {
  const out = new Map<number, string>();
  if (!isDir(colorDir)) return out;
  for (const f of readdirSync(colorDir)) {
    const m = /^(\d+)\.(jpe?g|png)$/i.exec(f);
    if (m && !out.has(Number(m[1]))) out.set(Number(m[1]), f);
  }
  return out;
}

function readPoses(dir: string, align: Mat4, info: Map<string, string>, infoFile: string, framesOption: number | undefined): PoseResult | undefined {
  const notes: string[] = [];
  const warnings: string[] = [];
  const frameDir = findFrameDir(dir, warnings);
  if (!frameDir) return undefined;
  const where = frameDir === dir ? '' : `${basename(frameDir)}/`;
  const poseDir = join(frameDir, 'pose');
  const names = readdirSync(poseDir)
    .filter((f) => /^\d+\.txt$/.test(f))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
  if (names.length === 0) return undefined;
  const files: string[] = [];
  const { k, width, height } = readIntrinsics(frameDir, info, infoFile, notes, warnings, files);
  const valid: { frameNumber: number; pose: Mat4 }[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    const file = join(poseDir, name);
    const m = parseNumbers(readTextFile(file), 16, file, 'matrix');
    if (m.some((v) => !Number.isFinite(v))) {
      skipped.push(name);
      continue;
    }
    const problem = rigidProblem(m);
    if (problem) throw new InputError({ file, field: 'matrix', message: problem });
    valid.push({ frameNumber: parseInt(name, 10), pose: mat4Mul(align, m as Mat4) });
  }
  files.push(poseDir);
  if (skipped.length) {
    warnings.push(`${skipped.length} of ${names.length} poses have non-finite entries (tracking lost) and were skipped: ${firstFew(skipped)}`);
  }
  const colorDir = join(frameDir, 'color');
  const colors = colorFiles(colorDir);
  const images = new Map<string, Uint8Array>();
  const frameOf = (v: { frameNumber: number; pose: Mat4 }, index: number): CameraFrame => ({
    index,
    timestamp: v.frameNumber / FRAME_RATE,
    pose: v.pose,
    intrinsics: { ...k },
    width,
    height,
  });
  if (colors.size === 0) {
    // Poses alone cost nothing to keep: all of them unless `frames` asks for fewer.
    const kept = framesOption === undefined ? valid : uniformIndices(valid.length, imageFrameCount(framesOption)).map((i) => valid[i]!);
    const frames = kept.map(frameOf);
    notes.push(
      `trajectory: ${frames.length}${kept.length < valid.length ? ` of ${valid.length} (sampled uniformly)` : ''} poses from ${where}pose/*.txt (camera→world, OpenCV axes), composed with the axis alignment; frame i is the i-th kept pose file, timestamp = frame number / ${FRAME_RATE} s; no ${where}color/ images`,
    );
    return { frames, images, files, notes, warnings };
  }
  files.push(colorDir);
  const withColor = valid.filter((v) => colors.has(v.frameNumber));
  const noColor = valid.filter((v) => !colors.has(v.frameNumber)).map((v) => `${v.frameNumber}.txt`);
  if (noColor.length) warnings.push(`${noColor.length} poses have no colour image in ${where}color/ and were skipped: ${firstFew(noColor)}`);
  const poseless = [...colors.keys()].filter((n) => !valid.some((v) => v.frameNumber === n)).length;
  if (poseless) warnings.push(`${poseless} colour images in ${where}color/ have no usable pose and were not used`);
  const sampled = uniformIndices(withColor.length, imageFrameCount(framesOption)).map((i) => withColor[i]!);
  let rescaled = 0;
  const frames = sampled.map((v, index) => {
    const frame = frameOf(v, index);
    const img = readFrameImageFile(join(colorDir, colors.get(v.frameNumber)!));
    if (fitFrameToImage(frame, img.header)) rescaled++;
    frame.imageBlob = img.hash;
    images.set(img.hash, img.bytes);
    return frame;
  });
  if (rescaled) {
    const f = frames.find((x) => x.width !== width || x.height !== height)!;
    warnings.push(`${rescaled} colour images are ${f.width}×${f.height}, not the camera's ${width}×${height}: their intrinsics were scaled to the image`);
  }
  notes.push(
    `trajectory: ${frames.length} of ${withColor.length} frames with a pose and a colour image, sampled uniformly (frames option, default ${DEFAULT_IMAGE_FRAMES}); poses from ${where}pose/*.txt (camera→world, OpenCV axes) composed with the axis alignment, images from ${where}color/ stored with the scene; timestamp = frame number / ${FRAME_RATE} s`,
  );
  return { frames, images, files, notes, warnings };
}

/** Imports one ScanNet scan folder. Throws InputError naming the file and field on bad input. */
export function importScanNetScene(dir: string, options: ScanNetImportOptions = {}): Scene {
  const sceneId = options.sceneId ?? findSceneId(dir);
  const plyFile = join(dir, `${sceneId}${SCENE_PLY_SUFFIX}`);
  const segsFile = join(dir, `${sceneId}_vh_clean_2.0.010000.segs.json`);
  const aggFile = join(dir, `${sceneId}.aggregation.json`);
  const infoFile = join(dir, `${sceneId}.txt`);
  const id = `scannet:${sceneId}`;
  const files = [plyFile];
  const warnings: string[] = [];
  const notes: string[] = [];
  const seeds: Record<string, number> = {};

  const ply = parsePly(readBinaryFile(plyFile), plyFile);
  warnings.push(...ply.warnings.map((w) => `${basename(plyFile)}: ${w}`));
  const n = ply.vertexCount;
  if (n === 0) throw new InputError({ file: plyFile, message: 'expected a mesh with vertices, found none' });
  checkCoordinateBound(ply.positions, plyFile);
  const positions = ply.positions;

  let align: Mat4 = [...IDENTITY4];
  const info = existsSync(infoFile) ? readSceneInfo(infoFile) : new Map<string, string>();
  if (existsSync(infoFile)) files.push(infoFile);
  const alignText = info.get('axisAlignment');
  if (alignText !== undefined) {
    const m = parseNumbers(alignText, 16, infoFile, 'axisAlignment');
    const problem = rigidProblem(m);
    if (problem) throw new InputError({ file: infoFile, field: 'axisAlignment', message: problem });
    align = m as Mat4;
    transformPositions(positions, align);
    notes.push(`ScanNet is Z-up (metres) after axis alignment: applied axisAlignment from ${basename(infoFile)} to vertices, boxes and poses`);
  } else {
    warnings.push(
      existsSync(infoFile)
        ? `${basename(infoFile)} has no axisAlignment line: the scan is kept in its capture frame (Z-up, but walls not aligned with the axes)`
        : `no ${basename(infoFile)}: no axis alignment applied; the scan is kept in its capture frame`,
    );
    notes.push('ScanNet capture frames are Z-up in metres; no axis alignment was available');
  }

  const colors = vertexColors(ply, plyFile, warnings);

  // Annotation → per-vertex group.
  let groups: SegGroup[] = [];
  let groupOf: Int32Array = new Int32Array(n).fill(-1);
  if (existsSync(aggFile)) {
    files.push(segsFile, aggFile);
    ({ groups, groupOf } = readAnnotatedVertices(aggFile, segsFile, plyFile, n, warnings));
  } else {
    warnings.push(`no ${basename(aggFile)}: the scene has points but no objects`);
  }
  const byGroup = verticesByGroup(groupOf, groups.length);

  const objects: SceneObject[] = [];
  const objectOfGroup = new Int32Array(groups.length).fill(-1);
  let structure = 0;
  const structureLabels = new Map<string, number>();
  const floorGroups: number[] = [];
  let empty = 0;
  groups.forEach((g, gi) => {
    const label = normalizeLabel(g.label);
    if (STRUCTURE_LABELS.has(label)) {
      structure++;
      structureLabels.set(label, (structureLabels.get(label) ?? 0) + 1);
      if (label === 'floor') floorGroups.push(gi);
      return;
    }
    const verts = byGroup[gi]!;
    if (verts.length === 0) {
      empty++;
      return;
    }
    objectOfGroup[gi] = g.objectId;
    objects.push({ id: g.objectId, label, rawLabel: g.label, box: fitUprightBox(positions, verts), pointIndices: verts });
  });
  objects.sort((a, b) => a.id - b.id);
  if (structure) {
    const parts = [...structureLabels].map(([l, c]) => `${c} ${l}`).join(', ');
    warnings.push(`${structure} segment groups are room structure (${parts}) and were not made objects; their points have no object`);
  }
  if (empty) warnings.push(`${empty} segment groups have no vertices (empty segment lists) and were skipped`);
  if (groups.length) notes.push('objects: one per non-structural segment group, id = objectId; boxes are upright (yaw only) minimum-area fits to the group\'s aligned vertices');

  // Point cloud: the vertices, or area samples carrying their nearest vertex's object.
  const points = meshPointCloud({ samplePoints: options.samplePoints, seed: options.seed, sceneId, plyFile, positions, colors, faces: ply.faces, groupOf, objectOfGroup, objects, seeds, notes, verticesNote: 'ScanNet meshes are dense' });

  const floorVerts = floorGroups.length ? concatIndices(floorGroups.map((g) => byGroup[g]!)) : undefined;
  const est = estimateRoomFromPoints(positions, floorVerts ? { floorIndices: floorVerts } : {});
  notes.push(...est.notes);
  warnings.push(...est.warnings);

  const poses = readPoses(dir, align, info, infoFile, options.frames);
  const scene: Scene = {
    id,
    dataset: 'scannet',
    objects,
    room: est.room,
    points,
    provenance: {
      source: 'scannet',
      sourceId: sceneId,
      files,
      conversion: { upAxis: '+z', units: 'm', transform: align, notes },
      synthesised: ['room'],
      seeds,
      warnings,
    },
  };
  if (poses) {
    scene.trajectory = poses.frames;
    if (poses.images.size) scene.frameImages = poses.images;
    files.push(...poses.files);
    notes.push(...poses.notes);
    warnings.push(...poses.warnings);
    if (poses.frames.length === 0) delete scene.trajectory;
  }
  const sceneType = info.get('sceneType');
  if (sceneType) notes.push(`sceneType: ${sceneType}`);
  return assertValidScene(scene, dir);
}

/**
 * The point cloud of an annotated mesh (ScanNet, ScanNet++): its vertices, each with its group's object, or —
 * with `samplePoints` — that many area samples of its surface, each taking the object of its triangle's nearest
 * vertex; then each object's `pointIndices` become its samples. Records the sampling seeds and a note.
 */
export function meshPointCloud(m: {
  samplePoints: number | undefined;
  seed: number | undefined;
  sceneId: string;
  plyFile: string;
  positions: Float32Array;
  colors: Uint8Array;
  faces: Uint32Array | null | undefined;
  /** Each vertex's segment group, or -1. */
  groupOf: Int32Array;
  /** Each group's object id (unused for groups that made no object). */
  objectOfGroup: ArrayLike<number>;
  objects: SceneObject[];
  seeds: Record<string, number>;
  notes: string[];
  /** Said of the vertices when they are the cloud. */
  verticesNote?: string;
}): PointCloud {
  const objectOf = (g: number): number => (g >= 0 ? m.objectOfGroup[g]! : -1);
  if (m.samplePoints === undefined) {
    const n = m.groupOf.length;
    const objectIds = new Int32Array(n);
    for (let i = 0; i < n; i++) objectIds[i] = objectOf(m.groupOf[i]!);
    m.notes.push(`point cloud: the ${n} mesh vertices as points${m.verticesNote ? ` (${m.verticesNote})` : ''}; pointIndices are vertex indices`);
    return { positions: m.positions, colors: m.colors, objectIds };
  }
  const count = m.samplePoints;
  if (!Number.isInteger(count) || count <= 0) throw new InputError({ field: 'samplePoints', message: `expected a positive whole number, found ${count}` });
  if (!m.faces || m.faces.length === 0) throw new InputError({ file: m.plyFile, message: 'samplePoints needs a mesh with faces, found none' });
  m.seeds.seed = m.seed ?? 0;
  m.seeds.surfaceSampling = hashSeed(hashSeed(m.seeds.seed, m.sceneId), 'surface');
  const s = sampleMeshSurface({ positions: m.positions, colors: m.colors, faces: m.faces }, count, createRng(m.seeds.surfaceSampling), { withNearestVertex: true, file: m.plyFile });
  const objectIds = new Int32Array(count);
  const byObject = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const id = objectOf(m.groupOf[s.nearestVertex![i]!]!);
    objectIds[i] = id;
    if (id >= 0) (byObject.get(id) ?? byObject.set(id, []).get(id)!).push(i);
  }
  for (const o of m.objects) o.pointIndices = Uint32Array.from(byObject.get(o.id) ?? []);
  m.notes.push(`point cloud: ${count} points sampled by area from the mesh; each takes the object of its triangle's nearest vertex`);
  return { positions: s.positions, colors: s.colors, objectIds };
}

export function concatIndices(lists: Uint32Array[]): Uint32Array {
  const out = new Uint32Array(lists.reduce((s, l) => s + l.length, 0));
  let o = 0;
  for (const l of lists) {
    out.set(l, o);
    o += l.length;
  }
  return out;
}
