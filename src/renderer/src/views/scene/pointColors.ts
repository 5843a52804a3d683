/**
 * Point colouring modes for the scene viewer. Each fills a caller-owned RGB Uint8Array in place (the GPU
 * colour buffer), one pass over the points, with lookup tables instead of per-point interpolation, so
 * switching modes on millions of points costs milliseconds and allocates nothing per point.
 */
import type { OrientedBox } from '../../../../shared/scene.js';
import type { ColorMode } from '../../lib/colorMode.js';
import { idColor, rampLut, type Rgb } from '../../lib/colorScale.js';

export interface CloudView {
  count: number;
  positions: Float32Array;
  colors: Uint8Array | null;
  objectIds: Int32Array | null;
}

export interface ColorOptions {
  /** Height range mapped to the ramp (computed from the points when absent). */
  zRange?: [number, number];
  /** Mean solver confidence per object id (confidence mode). */
  objectConfidence?: ReadonlyMap<number, number>;
  /** When non-empty, points of other objects (and of no object) are dimmed. */
  highlight?: ReadonlySet<number>;
}

export const UNASSIGNED: Rgb = [92, 96, 104];
export const NO_CONFIDENCE: Rgb = [70, 72, 78];
const DIM = 0.3;

const LUTS: { height?: Uint8Array; confidence?: Uint8Array } = {};
function lut(name: 'height' | 'confidence'): Uint8Array {
  return (LUTS[name] ??= rampLut(name, 256));
}

export function zRange(positions: Float32Array, count: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < count; i++) {
    const z = positions[3 * i + 2]!;
    if (z < lo) lo = z;
    if (z > hi) hi = z;
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 1];
}

/** Fills `out` (length ≥ 3·count) with the colours of `mode`. Returns `out`. */
export function fillColors(mode: ColorMode, cloud: CloudView, opts: ColorOptions, out: Uint8Array): Uint8Array {
  const { count, positions, colors, objectIds } = cloud;
  switch (mode) {
    case 'rgb':
      if (colors) out.set(colors.subarray(0, 3 * count));
      else out.fill(180, 0, 3 * count);
      break;
    case 'height': {
      const [lo, hi] = opts.zRange ?? zRange(positions, count);
      const scale = hi > lo ? 255 / (hi - lo) : 0;
      const table = lut('height');
      for (let i = 0; i < count; i++) {
        let k = Math.round((positions[3 * i + 2]! - lo) * scale);
        k = k < 0 ? 0 : k > 255 ? 255 : k;
        out[3 * i] = table[3 * k]!;
        out[3 * i + 1] = table[3 * k + 1]!;
        out[3 * i + 2] = table[3 * k + 2]!;
      }
      break;
    }
    case 'object': {
      const cache = new Map<number, Rgb>();
      for (let i = 0; i < count; i++) {
        const id = objectIds ? objectIds[i]! : -1;
        let c = cache.get(id);
        if (!c) cache.set(id, (c = id < 0 ? UNASSIGNED : idColor(id)));
        out[3 * i] = c[0];
        out[3 * i + 1] = c[1];
        out[3 * i + 2] = c[2];
      }
      break;
    }
    case 'confidence': {
      const table = lut('confidence');
      const conf = opts.objectConfidence;
      const cache = new Map<number, Rgb>();
      for (let i = 0; i < count; i++) {
        const id = objectIds ? objectIds[i]! : -1;
        let c = cache.get(id);
        if (!c) {
          const v = id >= 0 ? conf?.get(id) : undefined;
          if (v === undefined || !Number.isFinite(v)) c = NO_CONFIDENCE;
          else {
            const k = Math.max(0, Math.min(255, Math.round(v * 255)));
            c = [table[3 * k]!, table[3 * k + 1]!, table[3 * k + 2]!];
          }
          cache.set(id, c);
        }
        out[3 * i] = c[0];
        out[3 * i + 1] = c[1];
        out[3 * i + 2] = c[2];
      }
      break;
    }
  }
  const hl = opts.highlight;
  if (hl && hl.size > 0 && objectIds) {
    for (let i = 0; i < count; i++) {
      if (hl.has(objectIds[i]!)) continue;
      out[3 * i] = out[3 * i]! * DIM;
      out[3 * i + 1] = out[3 * i + 1]! * DIM;
      out[3 * i + 2] = out[3 * i + 2]! * DIM;
    }
  }
  return out;
}

/**
 * Object id per point by oriented-box containment, for clouds that come without ids (the smallest containing
 * box wins where boxes overlap). Axis-aligned bounds reject most points before the oriented test.
 */
export function assignObjectIds(
  positions: Float32Array,
  count: number,
  objects: readonly { id: number; box: OrientedBox }[],
): Int32Array {
  const ids = new Int32Array(count).fill(-1);
  const best = new Float32Array(count).fill(Infinity);
  for (const o of objects) {
    const { center: c, extents: e, rotation: r } = o.box;
    const hx = e[0] / 2;
    const hy = e[1] / 2;
    const hz = e[2] / 2;
    const vol = e[0] * e[1] * e[2];
    // World AABB half-widths of the oriented box.
    const ax = Math.abs(r[0]) * hx + Math.abs(r[1]) * hy + Math.abs(r[2]) * hz;
    const ay = Math.abs(r[3]) * hx + Math.abs(r[4]) * hy + Math.abs(r[5]) * hz;
    const az = Math.abs(r[6]) * hx + Math.abs(r[7]) * hy + Math.abs(r[8]) * hz;
    for (let i = 0; i < count; i++) {
      const dx = positions[3 * i]! - c[0];
      if (dx > ax || dx < -ax) continue;
      const dy = positions[3 * i + 1]! - c[1];
      if (dy > ay || dy < -ay) continue;
      const dz = positions[3 * i + 2]! - c[2];
      if (dz > az || dz < -az) continue;
      // Local coordinates: Rᵀ · d (columns of R are the box axes).
      const lx = r[0] * dx + r[3] * dy + r[6] * dz;
      const ly = r[1] * dx + r[4] * dy + r[7] * dz;
      const lz = r[2] * dx + r[5] * dy + r[8] * dz;
      if (Math.abs(lx) <= hx && Math.abs(ly) <= hy && Math.abs(lz) <= hz && vol < best[i]!) {
        best[i] = vol;
        ids[i] = o.id;
      }
    }
  }
  return ids;
}
