/**
 * What the file-format importers (PLY, ScanNet, ARKitScenes) share once they hold a point cloud: reading the
 * file, moving points into the canonical frame, and estimating the room from the points themselves.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../../shared/errors.js';
import type { Mat4, Room, Vec3 } from '../../../shared/scene.js';
import { convexHullXY, polygonArea } from '../../scene/obbFit.js';
import type { Point2 } from '../../scene/obbFit.js';
import { checkFileSize, MAX_COORDINATE_M, MAX_JSON_FILE_BYTES, MAX_POINT_FILE_BYTES, coordinateBoundText } from '../limits.js';

export function readBinaryFile(file: string): Uint8Array {
  checkFileSize(file, MAX_POINT_FILE_BYTES, 'a point-cloud file', 'it is read whole; decimate it first');
  try {
    return readFileSync(file);
  } catch (e) {
    throw new InputError({ file, message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
  }
}

export function readTextFile(file: string): string {
  checkFileSize(file, MAX_JSON_FILE_BYTES, 'a text file', 'it is read whole; split it or convert it to binary PLY');
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError({ file, message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
  }
}

/**
 * Refuses a point cloud with a coordinate beyond the importers' bound (limits.ts), naming the vertex: the PLY
 * reader takes any finite value, but a scene with x = 3e38 gets a room area of 1e77 m².
 */
export function checkCoordinateBound(positions: Float32Array, file: string): void {
  for (let i = 0; i < positions.length; i++) {
    const v = positions[i]!;
    if (v > MAX_COORDINATE_M || v < -MAX_COORDINATE_M) {
      throw new InputError({ file, field: `vertex ${Math.floor(i / 3)}`, message: `expected coordinates ${coordinateBoundText()}, found ${'xyz'[i % 3]} = ${v}` });
    }
  }
}

/** Applies a row-major 4×4 (rigid or not; the last row is ignored) to xyz points in place. */
export function transformPositions(positions: Float32Array, m: Mat4): Float32Array {
  const [a, b, c, d, e, f, g, h, i, j, k, l] = m;
  for (let p = 0; p < positions.length; p += 3) {
    const x = positions[p]!;
    const y = positions[p + 1]!;
    const z = positions[p + 2]!;
    positions[p] = a * x + b * y + c * z + d;
    positions[p + 1] = e * x + f * y + g * z + h;
    positions[p + 2] = i * x + j * y + k * z + l;
  }
  return positions;
}

/** Percentiles need a sort; above this many values a regular subsample gives the same answer to millimetres. */
const PERCENTILE_SAMPLE = 200_000;

function zPercentiles(positions: Float32Array, indices: ArrayLike<number> | undefined, qs: number[]): number[] {
  const n = indices ? indices.length : positions.length / 3;
  const step = Math.max(1, Math.floor(n / PERCENTILE_SAMPLE));
  const zs = new Float32Array(Math.ceil(n / step));
  let m = 0;
  for (let k = 0; k < n; k += step) zs[m++] = positions[3 * (indices ? indices[k]! : k) + 2]!;
  const sorted = zs.subarray(0, m).sort();
  return qs.map((q) => sorted[Math.min(m - 1, Math.max(0, Math.round(q * (m - 1))))]!);
}

export interface RoomEstimate {
  room: Room;
  /** How each part was estimated, for provenance.conversion.notes. */
  notes: string[];
  /** Degenerate inputs that needed a fallback. */
  warnings: string[];
}

/** Smallest room dimension used when the points are flat along an axis (validation needs min < max). */
const MIN_ROOM_SPAN = 0.01;

/**
 * Room from a point cloud: the floor footprint is the convex hull of the XY projection of the floor points
 * when some are known (e.g. ScanNet's floor-labelled vertices), else of all points — an over-estimate for
 * L-shaped rooms, which is why callers mark the room as synthesised. floorZ is the median height of floor
 * points, else the 1st percentile of all heights (robust to a few stray points below the floor); the ceiling
 * is the 99th percentile. Bounds are the axis-aligned bounds of all points.
 */
export function estimateRoomFromPoints(positions: Float32Array, options: { floorIndices?: ArrayLike<number> } = {}): RoomEstimate {
  const n = positions.length / 3;
  if (n === 0) throw new RangeError('estimateRoomFromPoints needs at least one point');
  const notes: string[] = [];
  const warnings: string[] = [];
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (let p = 0; p < positions.length; p += 3) {
    for (let c = 0; c < 3; c++) {
      const v = positions[p + c]!;
      if (v < min[c]!) min[c] = v;
      if (v > max[c]!) max[c] = v;
    }
  }
  for (let c = 0; c < 3; c++) {
    if (max[c]! - min[c]! < MIN_ROOM_SPAN) {
      const mid = (min[c]! + max[c]!) / 2;
      min[c] = mid - MIN_ROOM_SPAN / 2;
      max[c] = mid + MIN_ROOM_SPAN / 2;
      warnings.push(`the points are flat along ${'xyz'[c]}: room bounds padded to ${MIN_ROOM_SPAN} m on that axis`);
    }
  }
  const floor = options.floorIndices && options.floorIndices.length >= 3 ? options.floorIndices : undefined;
  const [top] = zPercentiles(positions, undefined, [0.99]);
  const floorZ = floor ? zPercentiles(positions, floor, [0.5])[0]! : zPercentiles(positions, undefined, [0.01])[0]!;
  let hull: Point2[] = convexHullXY(positions, floor);
  let area = polygonArea(hull);
  if (floor) {
    notes.push(`room: floor area ${area.toFixed(2)} m² = convex hull of the XY footprint of the ${floor.length} floor-labelled points; floorZ = their median height`);
  } else {
    notes.push(`room: floor area ${area.toFixed(2)} m² = convex hull of the XY footprint of all ${n} points (over-estimates non-convex rooms); floorZ = 1st percentile of point heights`);
  }
  if (!(area > 0) || hull.length < 3) {
    hull = [
      [min[0], min[1]],
      [max[0], min[1]],
      [max[0], max[1]],
      [min[0], max[1]],
    ];
    area = (max[0] - min[0]) * (max[1] - min[1]);
    warnings.push(`the footprint is degenerate (collinear points): room area taken from the padded bounds, ${area.toFixed(4)} m²`);
  }
  notes.push('room: bounds = axis-aligned bounds of all points; height = 99th percentile of point heights − floorZ');
  const room: Room = {
    area,
    center: [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2],
    bounds: { min, max },
    floorPolygon: hull,
    floorZ,
  };
  if (top! > floorZ) room.height = top! - floorZ;
  return { room, notes, warnings };
}
