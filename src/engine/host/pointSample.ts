/**
 * A scene's point cloud cut down to a drawing budget: a uniform random subset, seeded by the scene id, so the
 * same scene and budget always show the same points (a view that reloads does not shimmer) and every part of
 * the cloud keeps its density relative to the rest.
 */
import type { PointCloudData } from '../../shared/api.js';
import { createRng, hashSeed } from '../../shared/random.js';
import type { Scene } from '../../shared/scene.js';

/**
 * Indices of `k` of `n` items, ascending, each subset equally likely (Knuth's selection sampling, Algorithm S):
 * one pass, no n-sized scratch, and ascending order keeps reads of the source arrays sequential.
 */
export function sampleIndices(n: number, k: number, seed: number): Uint32Array {
  const out = new Uint32Array(Math.min(n, k));
  if (k >= n) {
    for (let i = 0; i < n; i++) out[i] = i;
    return out;
  }
  const rng = createRng(seed);
  let chosen = 0;
  for (let i = 0; i < n && chosen < k; i++) {
    if (rng.next() * (n - i) < k - chosen) out[chosen++] = i;
  }
  return out;
}

/** Per-point object ids: the cloud's own, else rebuilt from the objects' point indices, else null. */
function objectIdsOf(scene: Scene, total: number): Int32Array | null {
  if (scene.points?.objectIds) return scene.points.objectIds;
  const segmented = scene.objects.filter((o) => o.pointIndices && o.pointIndices.length > 0);
  if (segmented.length === 0) return null;
  const ids = new Int32Array(total).fill(-1);
  for (const o of segmented) for (const i of o.pointIndices!) if (i < total) ids[i] = o.id;
  return ids;
}

export function samplePoints(scene: Scene, maxPoints: number): PointCloudData {
  const points = scene.points;
  const total = points ? points.positions.length / 3 : 0;
  if (!points || total === 0) {
    return { sceneId: scene.id, total: 0, count: 0, positions: new Float32Array(0), colors: null, objectIds: null };
  }
  const pick = sampleIndices(total, maxPoints, hashSeed(0, scene.id));
  const count = pick.length;
  const positions = new Float32Array(3 * count);
  const hasColors = points.colors.length === 3 * total;
  const colors = hasColors ? new Uint8Array(3 * count) : null;
  const allIds = objectIdsOf(scene, total);
  const objectIds = allIds ? new Int32Array(count) : null;
  for (let j = 0; j < count; j++) {
    const i = pick[j]!;
    positions[3 * j] = points.positions[3 * i]!;
    positions[3 * j + 1] = points.positions[3 * i + 1]!;
    positions[3 * j + 2] = points.positions[3 * i + 2]!;
    if (colors) {
      colors[3 * j] = points.colors[3 * i]!;
      colors[3 * j + 1] = points.colors[3 * i + 1]!;
      colors[3 * j + 2] = points.colors[3 * i + 2]!;
    }
    if (objectIds) objectIds[j] = allIds![i]!;
  }
  return { sceneId: scene.id, total, count, positions, colors, objectIds };
}
