/**
 * Metadata noise: boxes that are degenerate, too small to be seen in a video, or duplicated annotations of the
 * same object (two same-label boxes that mostly overlap). Questions that rely on such boxes are rejected.
 */
import type { SceneApi } from '../program/types.js';

export interface NoiseThresholds {
  /** Smallest edge below which a box is degenerate (m). */
  minExtent: number;
  /** Longest edge below which an object is too small to be seen (m). */
  minVisibleSize: number;
  /** Share of the smaller box inside the larger one above which two same-label boxes are duplicates. */
  duplicateOverlap: number;
}

export const DEFAULT_NOISE: NoiseThresholds = { minExtent: 0.01, minVisibleSize: 0.05, duplicateOverlap: 0.5 };

export interface NoiseReport {
  /** Object id → why its box is unusable. */
  objects: Map<number, string>;
  /** Label → why its instances are unreliable as a set (duplicates). */
  labels: Map<string, string>;
}

type View = ReturnType<SceneApi['objects']>[number];

/**
 * Share of a's volume inside b, from a fixed 6×6×6 grid of a's interior (deterministic). Boxes whose bounding
 * spheres are apart share nothing, and most same-label pairs are: they return 0 before the grid. The 1% margin
 * covers rotations that are orthonormal only to the 1e-3 scenes are validated to (scene/validate.ts), which stretch
 * both the grid and the inside test by as much. The grid writes no arrays: every draft round runs it for each
 * pair of same-label objects of every scene.
 */
export function overlapShare(a: View, b: View): number {
  const [ca, cb, ea, eb] = [a.center, b.center, a.extents, b.extents];
  const reach = (Math.hypot(...ea) + Math.hypot(...eb)) / 2;
  if (Math.hypot(ca[0] - cb[0], ca[1] - cb[1], ca[2] - cb[2]) > reach * 1.01 + 1e-6) return 0;
  const n = 6;
  let inside = 0;
  const [ra, rb] = [a.rotation, b.rotation];
  const [hx, hy, hz] = [eb[0]! / 2, eb[1]! / 2, eb[2]! / 2];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < n; k++) {
        const u = ((i + 0.5) / n - 0.5) * ea[0]!;
        const v = ((j + 0.5) / n - 0.5) * ea[1]!;
        const w = ((k + 0.5) / n - 0.5) * ea[2]!;
        const d0 = ca[0]! + ra[0]! * u + ra[1]! * v + ra[2]! * w - cb[0]!;
        const d1 = ca[1]! + ra[3]! * u + ra[4]! * v + ra[5]! * w - cb[1]!;
        const d2 = ca[2]! + ra[6]! * u + ra[7]! * v + ra[8]! * w - cb[2]!;
        if (
          Math.abs(rb[0]! * d0 + rb[3]! * d1 + rb[6]! * d2) <= hx &&
          Math.abs(rb[1]! * d0 + rb[4]! * d1 + rb[7]! * d2) <= hy &&
          Math.abs(rb[2]! * d0 + rb[5]! * d1 + rb[8]! * d2) <= hz
        )
          inside++;
      }
  return inside / n ** 3;
}

export function assessNoise(api: SceneApi, t: NoiseThresholds = DEFAULT_NOISE): NoiseReport {
  const objects = new Map<number, string>();
  const labels = new Map<string, string>();
  for (const o of api.objects()) {
    const smallest = Math.min(...o.extents);
    const longest = Math.max(...o.extents);
    if (smallest < t.minExtent) objects.set(o.id, `degenerate box: smallest edge ${(smallest * 100).toFixed(1)} cm`);
    else if (longest < t.minVisibleSize) objects.set(o.id, `too small to be seen: longest edge ${(longest * 100).toFixed(1)} cm`);
  }
  for (const label of api.labels()) {
    const list = api.byLabel(label);
    for (let i = 0; i < list.length && !labels.has(label); i++)
      for (let j = i + 1; j < list.length; j++) {
        const [a, b] = [list[i]!, list[j]!];
        const [small, large] = a.extents[0]! * a.extents[1]! * a.extents[2]! <= b.extents[0]! * b.extents[1]! * b.extents[2]! ? [a, b] : [b, a];
        const share = overlapShare(small, large);
        if (share > t.duplicateOverlap) {
          labels.set(label, `overlapping duplicate boxes: ${label} #${small.id} lies ${(share * 100).toFixed(0)}% inside #${large.id}`);
          break;
        }
      }
  }
  return { objects, labels };
}
