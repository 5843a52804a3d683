/**
 * Procedural scene generation: how long one furnished room takes with its point cloud and walkthrough, and how
 * the time splits between layout, point sampling and trajectory planning; and how the walkthrough scales with
 * objects per scene (its gaze compared every pair of objects on every frame until issue 11).
 */
import type { Room, SceneObject, Vec3 } from '../src/shared/scene.js';
import { createRng } from '../src/shared/random.js';
import { estimateRoomBounds } from '../src/engine/scene/synthesis/roomBounds.js';
import type { BenchModule, BenchRow } from './harness.js';
import { generateSyntheticScenes } from '../src/engine/sources/synthetic.js';
import { DEFAULT_POINTS_PER_SQUARE_METRE, synthesizePointCloud } from '../src/engine/scene/synthesis/pointCloud.js';
import { DEFAULT_FRAMES, synthesizeTrajectory } from '../src/engine/scene/synthesis/trajectory.js';

/** n random boxes on the floor of a square room of about 8 objects per m² (at least 30 m²). */
function crowdedRoom(n: number, seed: number): { objects: SceneObject[]; room: Room } {
  const rng = createRng(seed);
  const side = Math.sqrt(Math.max(30, n / 8));
  const objects: SceneObject[] = [];
  for (let i = 0; i < n; i++) {
    const extents: Vec3 = [rng.range(0.1, 0.8), rng.range(0.1, 0.8), rng.range(0.1, 1.5)];
    const center: Vec3 = [rng.range(-side / 2, side / 2), rng.range(-side / 2, side / 2), extents[2] / 2];
    objects.push({ id: i, label: 'box', rawLabel: 'box', box: { center, extents, rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1] } });
  }
  const est = estimateRoomBounds(objects, side * side, [0, 0, 1.4]);
  return { objects, room: { area: side * side, center: [0, 0, 1.4], bounds: est.bounds, floorPolygon: est.floorPolygon, floorZ: est.floorZ, height: est.height } };
}

function timePerItem<T>(items: readonly T[], fn: (item: T, i: number) => unknown): number {
  const t0 = performance.now();
  items.forEach((item, i) => fn(item, i));
  return (performance.now() - t0) / Math.max(1, items.length);
}

export const syntheticBench: BenchModule = {
  title: 'Synthetic scenes',
  async run(ctx) {
    const count = ctx.quick ? 4 : 60;
    const seed = 2024;
    // Warm up the JIT on a few scenes that are not measured.
    generateSyntheticScenes(3, seed + 1);

    const t0 = performance.now();
    const full = generateSyntheticScenes(count, seed);
    const fullMs = (performance.now() - t0) / count;
    ctx.log(`${count} scenes generated`);
    const points = full.reduce((s, sc) => s + sc.points!.positions.length / 3, 0) / count;
    const objects = full.reduce((s, sc) => s + sc.objects.length, 0) / count;
    const area = full.reduce((s, sc) => s + sc.room.area, 0) / count;

    const t1 = performance.now();
    const layouts = generateSyntheticScenes(count, seed, { points: false, trajectory: false });
    const layoutMs = (performance.now() - t1) / count;

    // One untimed pass each, so the figures are for warm code like the loop's, not for the JIT's first sight.
    layouts.slice(0, 5).forEach((s, i) => {
      synthesizePointCloud(s, { seed: i });
      synthesizeTrajectory(s, { seed: i });
    });
    let sampled = 0;
    const pointMs = timePerItem(layouts, (s, i) => {
      sampled += synthesizePointCloud(s, { seed: i }).positions.length / 3;
    });
    const trajectoryMs = timePerItem(layouts, (s, i) => synthesizeTrajectory(s, { seed: i }));

    const rows: BenchRow[] = [
      { name: `synthetic scene, complete (${count} scenes)`, value: fullMs, unit: 'ms/scene', note: `layout + point cloud at ${DEFAULT_POINTS_PER_SQUARE_METRE} pts/m² + ${DEFAULT_FRAMES}-frame walkthrough + validation` },
      { name: 'points per synthetic scene', value: points, unit: 'points', note: `mean room ${area.toFixed(1)} m², ${objects.toFixed(1)} objects` },
      { name: 'layout only (room shape + furnishing)', value: layoutMs, unit: 'ms/scene' },
      { name: 'point cloud synthesis', value: pointMs, unit: 'ms/scene' },
      { name: 'point cloud synthesis throughput', value: (sampled / (pointMs * layouts.length)) * 1000, unit: 'points/s' },
      { name: `trajectory synthesis (${DEFAULT_FRAMES} frames)`, value: trajectoryMs, unit: 'ms/scene' },
    ];

    // Objects per scene: the gaze sorts bearings per frame (O(N log N)) where it compared every pair (frames × N²:
    // 1k objects 1.5 s, 2k 5.8 s, 4k 19.5 s, 20k ≈ 9 min, against 0.09 / 0.13 / 0.20 / 0.54 s sorted).
    for (const n of ctx.quick ? [1000] : [1000, 4000, 20_000]) {
      const crowded = crowdedRoom(n, n);
      const t = performance.now();
      synthesizeTrajectory(crowded, { seed: 1 });
      rows.push({ name: `trajectory synthesis, ${n} random boxes`, value: performance.now() - t, unit: 'ms/scene', note: `${DEFAULT_FRAMES} frames, room ${crowded.room.area.toFixed(0)} m²` });
    }
    return rows;
  },
};
