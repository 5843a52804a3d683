/**
 * Uniform sampling of a triangle mesh's surface. Triangles are chosen in proportion to their area (cumulative
 * area table + binary search), points inside a triangle by the square-root barycentric map, which is uniform
 * over the triangle. Sampling by vertex instead would over-weight finely tessellated regions.
 */
import { InputError } from '../../../shared/errors.js';
import type { Rng } from '../../../shared/random.js';

export interface SampleMeshInput {
  /** xyz interleaved. */
  positions: Float32Array;
  /** rgb interleaved; sampled colours are interpolated from it. */
  colors?: Uint8Array;
  /** Triangles, 3 vertex indices each. */
  faces: Uint32Array;
}

export interface SampledSurface {
  positions: Float32Array;
  /** Interpolated vertex colours, or mid-grey when the mesh has none. */
  colors: Uint8Array;
  /** Per sample: the triangle's vertex with the largest barycentric weight (to carry per-vertex labels over). */
  nearestVertex?: Uint32Array;
}

export interface SampleMeshOptions {
  /** Also return `nearestVertex`. */
  withNearestVertex?: boolean;
  /** For error messages. */
  file?: string;
}

/** Cumulative triangle areas (float64, so millions of small triangles do not lose the small ones). */
export function cumulativeAreas(positions: Float32Array, faces: Uint32Array): Float64Array {
  const nt = Math.floor(faces.length / 3);
  const cum = new Float64Array(nt);
  let total = 0;
  for (let t = 0; t < nt; t++) {
    const a = faces[3 * t]! * 3;
    const b = faces[3 * t + 1]! * 3;
    const c = faces[3 * t + 2]! * 3;
    const ux = positions[b]! - positions[a]!;
    const uy = positions[b + 1]! - positions[a + 1]!;
    const uz = positions[b + 2]! - positions[a + 2]!;
    const vx = positions[c]! - positions[a]!;
    const vy = positions[c + 1]! - positions[a + 1]!;
    const vz = positions[c + 2]! - positions[a + 2]!;
    const cx = uy * vz - uz * vy;
    const cy = uz * vx - ux * vz;
    const cz = ux * vy - uy * vx;
    total += 0.5 * Math.sqrt(cx * cx + cy * cy + cz * cz);
    cum[t] = total;
  }
  return cum;
}

/** Index of the first entry of the non-decreasing `cum` that is > x. */
function upperBound(cum: Float64Array, x: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** `count` points uniformly distributed over the mesh's surface area. */
export function sampleMeshSurface(mesh: SampleMeshInput, count: number, rng: Rng, options: SampleMeshOptions = {}): SampledSurface {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`sample count must be a non-negative integer, got ${count}`);
  const { positions, colors, faces } = mesh;
  const cum = cumulativeAreas(positions, faces);
  const total = cum.length > 0 ? cum[cum.length - 1]! : 0;
  if (!(total > 0)) {
    throw new InputError({ file: options.file, message: `cannot sample a surface: the mesh has ${cum.length} triangles with a total area of ${total} m²` });
  }
  const outPos = new Float32Array(3 * count);
  const outCol = new Uint8Array(3 * count);
  if (!colors) outCol.fill(128);
  const nearest = options.withNearestVertex ? new Uint32Array(count) : undefined;
  for (let i = 0; i < count; i++) {
    const t = upperBound(cum, rng.next() * total);
    const ia = faces[3 * t]!;
    const ib = faces[3 * t + 1]!;
    const ic = faces[3 * t + 2]!;
    const s = Math.sqrt(rng.next());
    const r2 = rng.next();
    const wa = 1 - s;
    const wb = s * (1 - r2);
    const wc = s * r2;
    for (let k = 0; k < 3; k++) {
      outPos[3 * i + k] = wa * positions[3 * ia + k]! + wb * positions[3 * ib + k]! + wc * positions[3 * ic + k]!;
      if (colors) outCol[3 * i + k] = Math.round(wa * colors[3 * ia + k]! + wb * colors[3 * ib + k]! + wc * colors[3 * ic + k]!);
    }
    if (nearest) nearest[i] = wa >= wb && wa >= wc ? ia : wb >= wc ? ib : ic;
  }
  const out: SampledSurface = { positions: outPos, colors: outCol };
  if (nearest) out.nearestVertex = nearest;
  return out;
}
