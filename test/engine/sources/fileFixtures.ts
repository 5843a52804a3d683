/**
 * Builders for small ScanNet-, ARKitScenes- and PLY-format scenes written to a temp folder with our own PLY
 * writer. Geometry is designed in the canonical (aligned, Z-up) frame so tests can compare with known truth.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mat3, Mat4, Vec3 } from '../../../src/shared/scene.js';
import {
  lookAtPose,
  mat3Transpose,
  mat4FromRotationTranslation,
  mat4InvertRigid,
  mat4Mul,
  mat4Rotation,
  mat4Translation,
  mat4TransformPoint,
  rotationZ,
} from '../../../src/engine/scene/math.js';
import { encodePng } from '../../../src/engine/perception/png.js';
import type { PlyFormat } from '../../../src/engine/sources/ply/header.js';
import { writePly } from '../../../src/engine/sources/ply/write.js';

export interface Mesh {
  positions: number[];
  colors: number[];
  faces: number[];
}

export function emptyMesh(): Mesh {
  return { positions: [], colors: [], faces: [] };
}

/** Appends `part` to `mesh`; returns the vertex index range [start, end) it occupies. */
export function appendMesh(mesh: Mesh, part: Mesh): [number, number] {
  const start = mesh.positions.length / 3;
  mesh.positions.push(...part.positions);
  mesh.colors.push(...part.colors);
  mesh.faces.push(...part.faces.map((f) => f + start));
  return [start, start + part.positions.length / 3];
}

/** A closed cuboid: 8 vertices (x varies fastest, then y, then z), 12 outward triangles. */
export function boxMesh(center: Vec3, size: Vec3, yaw: number, color: Vec3 = [200, 100, 50]): Mesh {
  const r = rotationZ(yaw);
  const positions: number[] = [];
  const colors: number[] = [];
  for (let k = 0; k < 8; k++) {
    const local: Vec3 = [((k & 1 ? 1 : -1) * size[0]) / 2, ((k & 2 ? 1 : -1) * size[1]) / 2, ((k & 4 ? 1 : -1) * size[2]) / 2];
    positions.push(
      center[0] + r[0] * local[0] + r[1] * local[1],
      center[1] + r[3] * local[0] + r[4] * local[1],
      center[2] + local[2],
    );
    colors.push(...color);
  }
  // prettier-ignore
  const faces = [0, 2, 1, 1, 2, 3, 4, 5, 6, 5, 7, 6, 0, 1, 4, 1, 5, 4, 2, 6, 3, 3, 6, 7, 0, 4, 2, 2, 4, 6, 1, 3, 5, 3, 7, 5];
  return { positions, colors, faces };
}

/** A horizontal or vertical quad from four corners (counter-clockwise), two triangles. */
export function quadMesh(corners: [Vec3, Vec3, Vec3, Vec3], color: Vec3 = [128, 128, 128]): Mesh {
  return { positions: corners.flat(), colors: corners.flatMap(() => color), faces: [0, 1, 2, 0, 2, 3] };
}

export function writeMeshPly(file: string, mesh: Mesh, format: PlyFormat = 'binary_little_endian'): void {
  writeFileSync(file, writePly({ positions: mesh.positions, colors: mesh.colors, faces: mesh.faces }, format));
}

export function transformMesh(mesh: Mesh, m: Mat4): Mesh {
  const positions: number[] = [];
  for (let i = 0; i < mesh.positions.length; i += 3) {
    positions.push(...mat4TransformPoint(m, [mesh.positions[i]!, mesh.positions[i + 1]!, mesh.positions[i + 2]!]));
  }
  return { ...mesh, positions };
}

export function matrixText(m: readonly number[]): string {
  return `${[0, 1, 2, 3].map((r) => m.slice(4 * r, 4 * r + 4).join(' ')).join('\n')}\n`;
}

// ─── ScanNet ────────────────────────────────────────────────────────────────────────────────────────────────

export interface ScanNetPart {
  objectId: number;
  label: string;
  mesh: Mesh;
  /** Segment ids: the part's vertices are split evenly among them. */
  segments: number[];
  /** Known truth for boxes: size along the box's own axes and yaw, in the aligned frame. */
  size?: Vec3;
  center?: Vec3;
  yaw?: number;
}

export interface ScanNetFixture {
  dir: string;
  sceneId: string;
  parts: ScanNetPart[];
  alignment: Mat4;
  /** Camera → world poses in the aligned frame, for the usable pose files. */
  poses: Mat4[];
  files: { ply: string; segs: string; agg: string; txt: string };
}

export const SCANNET_ALIGNMENT: Mat4 = mat4FromRotationTranslation(rotationZ((25 * Math.PI) / 180), [-2, 1.5, 0.1]);

export function scannetParts(): ScanNetPart[] {
  const chair = { center: [1, 1, 0.45] as Vec3, size: [0.6, 0.5, 0.9] as Vec3, yaw: Math.PI / 6 };
  const table = { center: [3, 2, 0.375] as Vec3, size: [1.2, 0.8, 0.75] as Vec3, yaw: 0 };
  const couch = { center: [2, 3.2, 0.4] as Vec3, size: [2, 0.9, 0.8] as Vec3, yaw: -Math.PI / 18 };
  return [
    { objectId: 0, label: 'wall', segments: [10], mesh: quadMesh([[0, 0, 0], [5, 0, 0], [5, 0, 2.5], [0, 0, 2.5]]) },
    { objectId: 1, label: 'wall', segments: [11], mesh: quadMesh([[0, 4, 0], [0, 0, 0], [0, 0, 2.5], [0, 4, 2.5]]) },
    { objectId: 2, label: 'floor', segments: [12, 13], mesh: quadMesh([[0, 0, 0], [5, 0, 0], [5, 4, 0], [0, 4, 0]]) },
    { objectId: 3, label: 'office chair', segments: [20, 21], mesh: boxMesh(chair.center, chair.size, chair.yaw), ...chair },
    { objectId: 4, label: 'table', segments: [30], mesh: boxMesh(table.center, table.size, table.yaw, [90, 60, 30]), ...table },
    { objectId: 5, label: 'couch', segments: [40, 41], mesh: boxMesh(couch.center, couch.size, couch.yaw, [20, 20, 160]), ...couch },
    { objectId: 6, label: 'ceiling', segments: [50], mesh: quadMesh([[0, 0, 2.5], [0, 4, 2.5], [5, 4, 2.5], [5, 0, 2.5]]) },
  ];
}

export interface ScanNetFixtureOptions {
  sceneId?: string;
  parts?: ScanNetPart[];
  /** null: write no axisAlignment line. */
  alignment?: Mat4 | null;
  poses?: boolean;
  /** Change the files' JSON before writing (to build bad inputs). */
  editSegs?: (segs: { segIndices: number[] }) => void;
  editAgg?: (agg: { segGroups: { id: number; objectId: number; label: string; segments: number[] }[] }) => void;
  plyFormat?: PlyFormat;
}

export function writeScanNetFixture(dir: string, options: ScanNetFixtureOptions = {}): ScanNetFixture {
  const sceneId = options.sceneId ?? 'scene0042_00';
  const parts = options.parts ?? scannetParts();
  const alignment = options.alignment === null ? undefined : (options.alignment ?? SCANNET_ALIGNMENT);
  const toRaw = alignment ? mat4InvertRigid(alignment) : undefined;
  const mesh = emptyMesh();
  const segIndices: number[] = [];
  for (const p of parts) {
    const [start, end] = appendMesh(mesh, toRaw ? transformMesh(p.mesh, toRaw) : p.mesh);
    const per = Math.ceil((end - start) / p.segments.length);
    for (let v = start; v < end; v++) segIndices.push(p.segments[Math.floor((v - start) / per)]!);
  }
  const files = {
    ply: join(dir, `${sceneId}_vh_clean_2.ply`),
    segs: join(dir, `${sceneId}_vh_clean_2.0.010000.segs.json`),
    agg: join(dir, `${sceneId}.aggregation.json`),
    txt: join(dir, `${sceneId}.txt`),
  };
  writeMeshPly(files.ply, mesh, options.plyFormat);
  const segs = { params: { kThresh: '0.0001', segMinVerts: '20' }, sceneId, segIndices };
  options.editSegs?.(segs);
  writeFileSync(files.segs, JSON.stringify(segs));
  const agg = {
    sceneId: `scannet.${sceneId}`,
    appId: 'Aggregator.v2',
    segGroups: parts.map((p) => ({ id: p.objectId, objectId: p.objectId, segments: [...p.segments], label: p.label })),
    segmentsFile: `scannet.${sceneId}_vh_clean_2.0.010000.segs.json`,
  };
  options.editAgg?.(agg);
  writeFileSync(files.agg, JSON.stringify(agg));
  const txt = [
    ...(alignment ? [`axisAlignment = ${alignment.join(' ')}`] : []),
    'colorHeight = 968',
    'colorWidth = 1296',
    'fx_color = 1170.187988',
    'fy_color = 1170.187988',
    'mx_color = 647.750000',
    'my_color = 483.750000',
    'sceneType = Living room / Lounge',
  ].join('\n');
  writeFileSync(files.txt, `${txt}\n`);
  const poses: Mat4[] = [];
  if (options.poses) {
    mkdirSync(join(dir, 'pose'));
    mkdirSync(join(dir, 'intrinsic'));
    writeFileSync(join(dir, 'intrinsic', 'intrinsic_color.txt'), matrixText([1169.6, 0, 646.3, 0, 0, 1167.1, 489.9, 0, 0, 0, 1, 0, 0, 0, 0, 1]));
    const world = [lookAtPose([0.5, 0.5, 1.5], [3, 2, 0.5]), lookAtPose([4.5, 3.5, 1.4], [1, 1, 0.4])];
    const raw = world.map((p) => (toRaw ? mat4Mul(toRaw, p) : p));
    writeFileSync(join(dir, 'pose', '0.txt'), matrixText(raw[0]!));
    writeFileSync(join(dir, 'pose', '10.txt'), matrixText(raw[1]!));
    // SensReader writes -inf where tracking was lost.
    writeFileSync(join(dir, 'pose', '20.txt'), matrixText(Array.from({ length: 16 }, () => '-inf') as unknown as number[]));
    poses.push(...world);
  }
  return { dir, sceneId, parts, alignment: alignment ?? [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], poses, files };
}

// ─── ARKitScenes ────────────────────────────────────────────────────────────────────────────────────────────

/** Angle-axis vector of a rotation matrix (inverse of Rodrigues), valid for angles in [0, π). */
export function angleAxisFromMatrix(r: Mat3): Vec3 {
  const cos = Math.max(-1, Math.min(1, (r[0] + r[4] + r[8] - 1) / 2));
  const theta = Math.acos(cos);
  if (theta < 1e-12) return [0, 0, 0];
  const s = 2 * Math.sin(theta);
  return [((r[7] - r[5]) / s) * theta, ((r[2] - r[6]) / s) * theta, ((r[3] - r[1]) / s) * theta];
}

/** A .traj line (world → camera) for a camera → world pose. */
export function trajLine(timestamp: number, cameraToWorld: Mat4): string {
  const w2c = mat4InvertRigid(cameraToWorld);
  const rv = angleAxisFromMatrix(mat4Rotation(w2c));
  const t = mat4Translation(w2c);
  return [timestamp, ...rv, ...t].map((v) => v.toFixed(9)).join(' ');
}

export interface ArkitBox {
  label: string;
  uid: string;
  center: Vec3;
  size: Vec3;
  yaw: number;
}

export interface ArkitFixture {
  dir: string;
  videoId: string;
  boxes: ArkitBox[];
  /** Camera → world poses written to the .traj. */
  poses: Mat4[];
  timestamps: number[];
  files: { annotation: string; mesh: string; traj?: string };
}

export function arkitBoxes(): ArkitBox[] {
  return [
    { label: 'bed', uid: 'a1b2-bed', center: [2, 2, 0.3], size: [2, 1.6, 0.6], yaw: (20 * Math.PI) / 180 },
    { label: 'chair', uid: 'c3d4-chair', center: [4.2, 1, 0.45], size: [0.5, 0.5, 0.9], yaw: (-40 * Math.PI) / 180 },
    { label: 'tv_monitor', uid: 'e5f6-tv', center: [0.8, 3.5, 1.2], size: [1.0, 0.1, 0.6], yaw: 0 },
  ];
}

/** The annotation's box: the object's mesh box enlarged by 2 cm each way, as annotators draw them. */
export function arkitObb(b: ArkitBox): { centroid: Vec3; axesLengths: Vec3; normalizedAxes: number[] } {
  const r = rotationZ(b.yaw);
  const rt = mat3Transpose(r); // rows of rᵀ are r's columns, i.e. the box axes
  return { centroid: b.center, axesLengths: [b.size[0] + 0.04, b.size[1] + 0.04, b.size[2] + 0.04], normalizedAxes: [...rt] };
}

export interface ArkitFixtureOptions {
  videoId?: string;
  boxes?: ArkitBox[];
  /** Where the trajectory goes: the frames folder (default), `<id>.traj` beside the annotation, or none. */
  traj?: 'frames' | 'root' | 'none';
  pincam?: boolean;
  editAnnotation?: (ann: { data: { label: string; uid: string; segments: { obb: ReturnType<typeof arkitObb> } }[] }) => void;
}

export function writeArkitFixture(dir: string, options: ArkitFixtureOptions = {}): ArkitFixture {
  const videoId = options.videoId ?? '41069021';
  const boxes = options.boxes ?? arkitBoxes();
  const mesh = emptyMesh();
  appendMesh(mesh, quadMesh([[0, 0, 0], [5, 0, 0], [5, 4, 0], [0, 4, 0]]));
  for (const b of boxes) appendMesh(mesh, boxMesh(b.center, b.size, b.yaw, [180, 40, 40]));
  const files: ArkitFixture['files'] = {
    annotation: join(dir, `${videoId}_3dod_annotation.json`),
    mesh: join(dir, `${videoId}_3dod_mesh.ply`),
  };
  writeMeshPly(files.mesh, mesh);
  const ann = {
    data: boxes.map((b) => ({ label: b.label, uid: b.uid, segments: { obb: arkitObb(b), obbAligned: {} } })),
    stats: { annotation_count: boxes.length },
    version: '1.0',
  };
  options.editAnnotation?.(ann);
  writeFileSync(files.annotation, JSON.stringify(ann));
  const poses = [lookAtPose([1, 2, 1.5], [3, 2, 1]), lookAtPose([0.5, 0.5, 1.4], [2, 2, 0.3]), lookAtPose([4, 3, 1.3], [2, 2, 0.3])];
  const timestamps = [6845.806, 6845.906, 6846.006];
  const where = options.traj ?? 'frames';
  if (where !== 'none') {
    const framesDir = join(dir, `${videoId}_frames`);
    mkdirSync(framesDir, { recursive: true });
    files.traj = where === 'frames' ? join(framesDir, 'lowres_wide.traj') : join(dir, `${videoId}.traj`);
    writeFileSync(files.traj, `${poses.map((p, i) => trajLine(timestamps[i]!, p)).join('\n')}\n`);
    if (options.pincam) {
      const kdir = join(framesDir, 'lowres_wide_intrinsics');
      mkdirSync(kdir);
      writeFileSync(join(kdir, `${videoId}_6845.806.pincam`), '256 192 211.5 211.5 127.9 95.9\n');
      writeFileSync(join(kdir, `${videoId}_6846.006.pincam`), '256 192 213.0 213.0 128.1 96.1\n');
    }
  }
  return { dir, videoId, boxes, poses, timestamps, files };
}

// ─── Frame images ───────────────────────────────────────────────────────────────────────────────────────────

/** A 16×12 baseline JPEG (flat blue; written once by ffmpeg and embedded so tests need no encoder). */
export const TINY_JPEG = Uint8Array.from(
  Buffer.from(
    '/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgKCgsKCw0NDQ0NDRAPEBAQEBAQEBAQEBASEhIVFRUSEhIQEBISFBQVFRcXFxUVFRUXFxkZGR4eHBwjIyQrKzP/xABLAAEBAAAAAAAAAAAAAAAAAAAABAEBAAAAAAAAAAAAAAAAAAAABhABAAAAAAAAAAAAAAAAAAAAABEBAAAAAAAAAAAAAAAAAAAAAP/AABEIAAwAEAMBIgACEQADEQD/2gAMAwEAAhEDEQA/AIwCsZf/2Q==',
    'base64',
  ),
);

/** TINY_JPEG with a comment segment after its start marker: still a valid JPEG, with bytes (and hash) of its own. */
export function taggedJpeg(tag: string): Uint8Array {
  const text = new TextEncoder().encode(tag);
  const com = [0xff, 0xfe, (text.length + 2) >> 8, (text.length + 2) & 0xff, ...text];
  return Uint8Array.from([...TINY_JPEG.subarray(0, 2), ...com, ...TINY_JPEG.subarray(2)]);
}

/** A flat-colour PNG of the given size whose colour encodes `n`, so each frame's bytes differ. */
export function flatPng(width: number, height: number, n: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) rgb.set([n & 255, (n >> 8) & 255, 90], 3 * p);
  return encodePng(rgb, width, height);
}

export interface ScanNetExportOptions {
  /** Where SensReader's output goes inside the scan folder: '.', 'frames' or 'sens' (default 'frames'). */
  under?: string;
  /** Frame numbers written (default 0, 10, …, 190: twenty frames). */
  frameNumbers?: number[];
  /** Frames whose pose is -inf (tracking lost). */
  lostTracking?: number[];
  /** Image per frame number (default a tagged 16×12 JPEG); null: no colour image for that frame. */
  image?: (frameNumber: number) => { ext: string; bytes: Uint8Array } | null;
}

export interface ScanNetExport {
  frameDir: string;
  frameNumbers: number[];
  /** Camera → world in the aligned (canonical) frame, by frame number, for the usable poses. */
  poses: Map<number, Mat4>;
  images: Map<number, Uint8Array>;
}

/** Writes pose/, intrinsic/ and color/ as SensReader exports them, beside a fixture written by writeScanNetFixture. */
export function writeScanNetExport(fx: ScanNetFixture, options: ScanNetExportOptions = {}): ScanNetExport {
  const frameDir = join(fx.dir, options.under ?? 'frames');
  const frameNumbers = options.frameNumbers ?? Array.from({ length: 20 }, (_, i) => i * 10);
  const lost = new Set(options.lostTracking ?? []);
  const toRaw = mat4InvertRigid(fx.alignment);
  for (const d of ['pose', 'intrinsic', 'color']) mkdirSync(join(frameDir, d), { recursive: true });
  writeFileSync(join(frameDir, 'intrinsic', 'intrinsic_color.txt'), matrixText([1169.6, 0, 646.3, 0, 0, 1167.1, 489.9, 0, 0, 0, 1, 0, 0, 0, 0, 1]));
  const poses = new Map<number, Mat4>();
  const images = new Map<number, Uint8Array>();
  frameNumbers.forEach((n, k) => {
    const a = (2 * Math.PI * k) / frameNumbers.length;
    const world = lookAtPose([2.5 + 1.5 * Math.cos(a), 2 + 1.2 * Math.sin(a), 1.5], [2.5, 2, 0.5]);
    if (lost.has(n)) writeFileSync(join(frameDir, 'pose', `${n}.txt`), matrixText(Array.from({ length: 16 }, () => '-inf') as unknown as number[]));
    else {
      writeFileSync(join(frameDir, 'pose', `${n}.txt`), matrixText(mat4Mul(toRaw, world)));
      poses.set(n, world);
    }
    const img = options.image ? options.image(n) : { ext: 'jpg', bytes: taggedJpeg(`frame ${n}`) };
    if (img) {
      writeFileSync(join(frameDir, 'color', `${n}.${img.ext}`), img.bytes);
      images.set(n, img.bytes);
    }
  });
  return { frameDir, frameNumbers, poses, images };
}

/**
 * Writes `<id>_frames/lowres_wide/<id>_<t>.png` (256×192) for each given timestamp, as ARKitScenes' raw download
 * lays them out; returns the bytes by file name.
 */
export function writeArkitLowresWide(fx: ArkitFixture, timestamps: number[]): Map<string, Uint8Array> {
  const dir = join(fx.dir, `${fx.videoId}_frames`, 'lowres_wide');
  mkdirSync(dir, { recursive: true });
  const out = new Map<string, Uint8Array>();
  timestamps.forEach((t, i) => {
    const name = `${fx.videoId}_${t.toFixed(3)}.png`;
    const bytes = flatPng(256, 192, i + 1);
    writeFileSync(join(dir, name), bytes);
    out.set(name, bytes);
  });
  return out;
}

// ─── ScanNet++ ──────────────────────────────────────────────────────────────────────────────────────────────

/** The table's box as the annotation gives it: rotated 90° about z, so its axes differ from a fit's order. */
export const SCANNETPP_TABLE_OBB = { centroid: [3, 2, 0.375], axesLengths: [0.8, 1.2, 0.75], normalizedAxes: [0, 1, 0, -1, 0, 0, 0, 0, 1] };

export interface ScanNetPPFixture {
  dir: string;
  sceneId: string;
  parts: ScanNetPart[];
  files: { ply: string; segs: string; anno: string };
}

export interface ScanNetPPFixtureOptions {
  sceneId?: string;
  /** Change the files' JSON before writing (to build bad inputs). */
  editSegs?: (segs: { segIndices: number[] }) => void;
  editAnno?: (anno: { segGroups: Record<string, unknown>[] }) => void;
}

/**
 * `data/<scene>/scans/` as ScanNet++ ships it: the aligned mesh (Z up, metres; no alignment to undo), segments.json
 * and segments_anno.json in ScanNet's aggregation shape; the table carries an annotated obb, the others none.
 */
export function writeScanNetPPFixture(root: string, options: ScanNetPPFixtureOptions = {}): ScanNetPPFixture {
  const sceneId = options.sceneId ?? '0a1b2c3d4e';
  const dir = join(root, sceneId);
  mkdirSync(join(dir, 'scans'), { recursive: true });
  const parts = scannetParts();
  const mesh = emptyMesh();
  const segIndices: number[] = [];
  for (const p of parts) {
    const [start, end] = appendMesh(mesh, p.mesh);
    const per = Math.ceil((end - start) / p.segments.length);
    for (let v = start; v < end; v++) segIndices.push(p.segments[Math.floor((v - start) / per)]!);
  }
  const files = { ply: join(dir, 'scans', 'mesh_aligned_0.05.ply'), segs: join(dir, 'scans', 'segments.json'), anno: join(dir, 'scans', 'segments_anno.json') };
  writeMeshPly(files.ply, mesh);
  const segs = { sceneId, segIndices };
  options.editSegs?.(segs);
  writeFileSync(files.segs, JSON.stringify(segs));
  const anno = {
    sceneId,
    segGroups: parts.map((p) => ({ id: p.objectId, objectId: p.objectId, label: p.label, segments: [...p.segments], ...(p.label === 'table' ? { obb: SCANNETPP_TABLE_OBB } : {}) })) as Record<string, unknown>[],
  };
  options.editAnno?.(anno);
  writeFileSync(files.anno, JSON.stringify(anno));
  return { dir, sceneId, parts, files };
}

/** Camera → world poses on a circle around the room's middle, looking at it. */
export function ringPoses(count: number): Mat4[] {
  return Array.from({ length: count }, (_, k) => {
    const a = (2 * Math.PI * k) / count;
    return lookAtPose([2.5 + 1.5 * Math.cos(a), 2 + 1.2 * Math.sin(a), 1.5], [2.5, 2, 0.5]);
  });
}

const rows4 = (m: readonly number[]): number[][] => [0, 1, 2, 3].map((r) => m.slice(4 * r, 4 * r + 4));

/** `iphone/pose_intrinsic_imu.json` (1920×1440 camera) and, unless `images` is false, `iphone/rgb/<frame>.jpg`. */
export function writeScanNetPPIphone(fx: ScanNetPPFixture, poses: Mat4[], options: { images?: boolean; edit?: (json: Record<string, Record<string, unknown>>) => void } = {}): string[] {
  const names = poses.map((_, i) => `frame_${String(i * 10).padStart(6, '0')}`);
  const json: Record<string, Record<string, unknown>> = {};
  names.forEach((name, i) => {
    json[name] = { timestamp: 100 + i / 6, intrinsic: [[1500, 0, 960], [0, 1500, 720], [0, 0, 1]], pose: rows4(IDENTITY), aligned_pose: rows4(poses[i]!), imu: {} };
  });
  options.edit?.(json);
  mkdirSync(join(fx.dir, 'iphone', 'rgb'), { recursive: true });
  writeFileSync(join(fx.dir, 'iphone', 'pose_intrinsic_imu.json'), JSON.stringify(json));
  if (options.images !== false) for (const name of names) writeFileSync(join(fx.dir, 'iphone', 'rgb', `${name}.jpg`), taggedJpeg(name));
  return names;
}

const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/** COLMAP's quaternion (w, x, y, z) of a rotation matrix, w ≥ 0. */
export function quaternionOf(r: Mat3): [number, number, number, number] {
  const t = r[0] + r[4] + r[8];
  let q: [number, number, number, number];
  if (t > 0) {
    const s = 2 * Math.sqrt(t + 1);
    q = [s / 4, (r[7] - r[5]) / s, (r[2] - r[6]) / s, (r[3] - r[1]) / s];
  } else if (r[0] > r[4] && r[0] > r[8]) {
    const s = 2 * Math.sqrt(1 + r[0] - r[4] - r[8]);
    q = [(r[7] - r[5]) / s, s / 4, (r[1] + r[3]) / s, (r[2] + r[6]) / s];
  } else if (r[4] > r[8]) {
    const s = 2 * Math.sqrt(1 + r[4] - r[0] - r[8]);
    q = [(r[2] - r[6]) / s, (r[1] + r[3]) / s, s / 4, (r[5] + r[7]) / s];
  } else {
    const s = 2 * Math.sqrt(1 + r[8] - r[0] - r[4]);
    q = [(r[3] - r[1]) / s, (r[2] + r[6]) / s, (r[5] + r[7]) / s, s / 4];
  }
  return q[0] < 0 ? (q.map((v) => -v) as typeof q) : q;
}

/** `dslr/colmap/{cameras,images}.txt` (world → camera, as COLMAP writes) and `dslr/resized_images/DSC<n>.JPG`. */
export function writeScanNetPPDslr(fx: ScanNetPPFixture, poses: Mat4[], options: { cameraLine?: string; imageLine?: (i: number, line: string) => string } = {}): string[] {
  const colmap = join(fx.dir, 'dslr', 'colmap');
  const images = join(fx.dir, 'dslr', 'resized_images');
  mkdirSync(colmap, { recursive: true });
  mkdirSync(images, { recursive: true });
  writeFileSync(join(colmap, 'cameras.txt'), `# Camera list with one line of data per camera:\n${options.cameraLine ?? '1 OPENCV_FISHEYE 1752 1168 800 800 876 584 0.01 0.002 0 0'}\n`);
  // Written in reverse name order: the importer orders frames by name.
  const names = poses.map((_, i) => `DSC${String(1000 + i).padStart(5, '0')}.JPG`);
  const lines = ['# Image list with two lines of data per image:'];
  for (let i = poses.length - 1; i >= 0; i--) {
    const w2c = mat4InvertRigid(poses[i]!);
    const [w, x, y, z] = quaternionOf(mat4Rotation(w2c));
    const line = `${i + 1} ${w} ${x} ${y} ${z} ${w2c[3]} ${w2c[7]} ${w2c[11]} 1 ${names[i]}`;
    lines.push(options.imageLine ? options.imageLine(i, line) : line, '');
    writeFileSync(join(images, names[i]!), taggedJpeg(names[i]!));
  }
  writeFileSync(join(colmap, 'images.txt'), `${lines.join('\n')}\n`);
  return names;
}
