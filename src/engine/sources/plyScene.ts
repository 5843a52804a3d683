/**
 * A scene from any PLY file: a point cloud with no objects. Meshes are sampled uniformly by surface area
 * (vertex density follows the tessellation, not the surface); pure point clouds are kept as they are. The
 * room is estimated from the points, so it is marked synthesised.
 */
import { basename, extname } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { Mat4, PointCloud, Scene } from '../../shared/scene.js';
import { IDENTITY4 } from '../../shared/scene.js';
import { createRng, hashSeed } from '../../shared/random.js';
import type { SignedAxis } from '../scene/upAxis.js';
import { SIGNED_AXES, upAxisToZTransform } from '../scene/upAxis.js';
import { assertValidScene } from '../scene/validate.js';
import { parsePly } from './ply/parse.js';
import { checkCoordinateBound, estimateRoomFromPoints, readBinaryFile, transformPositions } from './ply/points.js';
import { cumulativeAreas, sampleMeshSurface } from './ply/sampleMesh.js';

export const DEFAULT_PLY_SAMPLE_POINTS = 200_000;

export interface PlySceneOptions {
  /** The file's up axis (default '+z'); anything else is rotated to +Z and recorded. */
  upAxis?: SignedAxis;
  /** Points sampled from a mesh's surface (default 200,000). Ignored for pure point clouds. */
  samplePoints?: number;
  /** Base seed; the surface sampling seed is derived from it and the scene id (default 0). */
  seed?: number;
}

export function importPlyScene(file: string, options: PlySceneOptions = {}): Scene {
  const up = options.upAxis ?? '+z';
  if (!SIGNED_AXES.includes(up)) throw new InputError({ field: 'upAxis', message: `expected one of ${SIGNED_AXES.join(', ')}, found ${String(up)}` });
  const samplePoints = options.samplePoints ?? DEFAULT_PLY_SAMPLE_POINTS;
  if (!Number.isInteger(samplePoints) || samplePoints <= 0) {
    throw new InputError({ field: 'samplePoints', message: `expected a positive whole number, found ${samplePoints}` });
  }
  const seed = options.seed ?? 0;
  const sourceId = basename(file, extname(file));
  const id = `ply:${sourceId}`;
  const ply = parsePly(readBinaryFile(file), file);
  if (ply.vertexCount === 0) throw new InputError({ file, message: 'expected at least one vertex, found none' });
  checkCoordinateBound(ply.positions, file);

  const warnings = ply.warnings.map((w) => `${basename(file)}: ${w}`);
  const notes: string[] = [];
  const seeds: Record<string, number> = {};
  let points: PointCloud;
  const faces = ply.faces;
  const area = faces && faces.length > 0 ? cumulativeAreas(ply.positions, faces).at(-1)! : 0;
  if (faces && area > 0) {
    seeds.seed = seed;
    seeds.surfaceSampling = hashSeed(seed, `${id}:surface`);
    const s = sampleMeshSurface({ positions: ply.positions, colors: ply.colors, faces }, samplePoints, createRng(seeds.surfaceSampling), { file });
    points = { positions: s.positions, colors: s.colors };
    notes.push(`point cloud: ${samplePoints} points sampled uniformly by area from ${faces.length / 3} triangles (${area.toFixed(2)} m²); the ${ply.vertexCount} mesh vertices are not used as points`);
  } else {
    if (faces && faces.length > 0) warnings.push(`the mesh's ${faces.length / 3} triangles have zero total area: kept the ${ply.vertexCount} vertices as points`);
    let colors = ply.colors;
    if (!colors) {
      colors = new Uint8Array(3 * ply.vertexCount).fill(128);
      warnings.push('the vertices have no colours: points are mid-grey');
    }
    points = { positions: ply.positions, colors };
    notes.push(`point cloud: the file's ${ply.vertexCount} vertices, as they are`);
  }
  if (faces && area > 0 && !ply.colors) warnings.push('the mesh has no vertex colours: sampled points are mid-grey');

  const transform: Mat4 = up === '+z' ? [...IDENTITY4] : upAxisToZTransform(up);
  if (up !== '+z') {
    transformPositions(points.positions, transform);
    notes.push(`source up axis ${up} rotated to +Z (right-handed), transform recorded`);
  } else {
    notes.push('source taken as Z-up (the default; pass upAxis for other files)');
  }
  notes.push('units assumed to be metres');

  const est = estimateRoomFromPoints(points.positions);
  notes.push(...est.notes);
  warnings.push(...est.warnings);
  const scene: Scene = {
    id,
    dataset: 'ply',
    objects: [],
    room: est.room,
    points,
    provenance: {
      source: 'ply',
      sourceId,
      files: [file],
      conversion: { upAxis: up, units: 'm', transform, notes },
      synthesised: ['room'],
      seeds,
      warnings,
    },
  };
  return assertValidScene(scene, file);
}
