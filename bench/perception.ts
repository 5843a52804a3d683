/**
 * Perception: how long the solver's view of a scene takes (32 sampled frames of detections with occlusion and
 * noise), on ordinary synthetic rooms and on crowded ones (~50 objects, the size the target is stated for), and
 * how long a small RGB + depth frame takes to render from the point cloud and by ray-casting the boxes.
 */
import type { BenchModule, BenchRow } from './harness.js';
import { observeScene } from '../src/engine/perception/observe.js';
import { renderFrame } from '../src/engine/perception/render.js';
import { generateSyntheticScenes } from '../src/engine/sources/synthetic.js';
import { defaultPerceptionConfig } from '../src/shared/observation.js';
import type { Scene } from '../src/shared/scene.js';

/** Mean ms per item over all items, best of `repeats` passes after one untimed pass (warm JIT). */
function msPerItem<T>(items: readonly T[], fn: (item: T, i: number) => unknown, repeats: number): number {
  items.forEach(fn);
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    items.forEach(fn);
    best = Math.min(best, (performance.now() - t0) / Math.max(1, items.length));
  }
  return best;
}

const meanObjects = (scenes: readonly Scene[]): number => scenes.reduce((s, x) => s + x.objects.length, 0) / Math.max(1, scenes.length);

export const perceptionBench: BenchModule = {
  title: 'Perception',
  async run(ctx) {
    const count = ctx.quick ? 3 : 20;
    const repeats = ctx.quick ? 1 : 3;
    const scenes = generateSyntheticScenes(count, 4242);
    // Large offices and classrooms: the crowded end of what the generator makes.
    const crowded = [
      ...generateSyntheticScenes(Math.ceil(count / 2), 4243, { kind: 'office', area: 70 }),
      ...generateSyntheticScenes(Math.ceil(count / 2), 4244, { kind: 'classroom', area: 70 }),
    ].filter((s) => s.objects.length >= 40);
    ctx.log(`${scenes.length} scenes (${meanObjects(scenes).toFixed(1)} objects), ${crowded.length} crowded (${meanObjects(crowded).toFixed(1)} objects)`);

    const config = defaultPerceptionConfig(1);
    const detections = scenes.reduce((n, s) => n + observeScene(s, config).frames.reduce((m, f) => m + f.detections.length, 0), 0) / scenes.length;
    const observeMs = msPerItem(scenes, (s) => observeScene(s, config), repeats);
    const crowdedMs = msPerItem(crowded, (s) => observeScene(s, config), repeats);

    const frames = scenes.flatMap((s) => s.trajectory!.filter((_, k) => k % 4 === 0).map((f) => ({ s, f })));
    const pointsMs = msPerItem(frames, ({ s, f }) => renderFrame(s, f), repeats);
    const boxesMs = msPerItem(frames, ({ s, f }) => renderFrame(s, f, { source: 'boxes' }), repeats);
    const points = scenes.reduce((n, s) => n + (s.points?.positions.length ?? 0) / 3, 0) / scenes.length;

    const rows: BenchRow[] = [
      { name: `observe, ${config.frames} frames, default noise`, value: observeMs, unit: 'ms/scene', note: `${meanObjects(scenes).toFixed(1)} objects/scene, ${detections.toFixed(0)} detections/scene` },
      { name: `observe, ${config.frames} frames, crowded rooms`, value: crowdedMs, unit: 'ms/scene', note: `${meanObjects(crowded).toFixed(1)} objects/scene; target ~10–20 ms at 50 objects` },
      { name: 'render 160×120, point cloud splats', value: pointsMs, unit: 'ms/frame', note: `${Math.round(points)} points/scene, ${frames.length} frames` },
      { name: 'render 160×120, ray-cast boxes + room', value: boxesMs, unit: 'ms/frame' },
    ];
    return rows;
  },
};
