/**
 * Procedural scene generation: how long one furnished room takes with its point cloud and walkthrough, and how
 * the time splits between layout, point sampling and trajectory planning.
 */
import type { BenchModule, BenchRow } from './harness.js';
import { generateSyntheticScenes } from '../src/engine/sources/synthetic.js';
import { DEFAULT_POINTS_PER_SQUARE_METRE, synthesizePointCloud } from '../src/engine/scene/synthesis/pointCloud.js';
import { DEFAULT_FRAMES, synthesizeTrajectory } from '../src/engine/scene/synthesis/trajectory.js';

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
    return rows;
  },
};
