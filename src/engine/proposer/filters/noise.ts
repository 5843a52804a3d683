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

/** Share of a's volume inside b, from a fixed 6×6×6 grid of a's interior (deterministic). */
function overlapShare(a: View, b: View): number {
  const n = 6;
  let inside = 0;
  const [ra, rb] = [a.rotation, b.rotation];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < n; k++) {
        const u = ((i + 0.5) / n - 0.5) * a.extents[0]!;
        const v = ((j + 0.5) / n - 0.5) * a.extents[1]!;
        const w = ((k + 0.5) / n - 0.5) * a.extents[2]!;
        const p = [0, 1, 2].map((r) => a.center[r]! + ra[r * 3]! * u + ra[r * 3 + 1]! * v + ra[r * 3 + 2]! * w);
        const d = [p[0]! - b.center[0]!, p[1]! - b.center[1]!, p[2]! - b.center[2]!];
        let ok = true;
        for (let c = 0; c < 3 && ok; c++) {
          const proj = rb[c]! * d[0]! + rb[3 + c]! * d[1]! + rb[6 + c]! * d[2]!;
          ok = Math.abs(proj) <= b.extents[c]! / 2;
        }
        if (ok) inside++;
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
