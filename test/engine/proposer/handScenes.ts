/**
 * A hand-built living room whose answers are worked out by hand in the tests. All boxes are axis-aligned
 * so closest-point distances are plain gaps; heights are given so tops are easy to read.
 *
 *   sofa   centre (0, 0, 0.4)     size 2 × 1 × 0.8   → x −1…1,      y −0.5…0.5, z 0…0.8
 *   tv     centre (3, 0, 1)       size 0.2 × 1 × 0.6 → x 2.9…3.1,   y −0.5…0.5, z 0.7…1.3
 *   lamp   centre (1, 2, 0.75)    size 0.4 × 0.4 × 1.5 → x 0.8…1.2, y 1.8…2.2,  z 0…1.5
 *   chair  ×3 at (−2, −2), (−1, −2), (0, −2), size 0.5 × 0.5 × 0.9
 */
import type { Scene } from '../../../src/shared/scene.js';
import type { ProgramObject, ProgramSceneData, RouteMemo } from '../../../src/engine/proposer/program/types.js';
import { createSceneApi, withDistanceTable } from '../../../src/engine/proposer/program/sceneApi.js';
import { assessNoise } from '../../../src/engine/proposer/filters/noise.js';
import type { PreparedScene } from '../../../src/engine/proposer/prepare.js';

const I = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const box = (id: number, label: string, center: [number, number, number], extents: [number, number, number]): ProgramObject => ({ id, label, center, extents, rotation: I });

export const LIVING_ROOM: ProgramObject[] = [
  box(1, 'sofa', [0, 0, 0.4], [2, 1, 0.8]),
  box(2, 'tv', [3, 0, 1], [0.2, 1, 0.6]),
  box(3, 'lamp', [1, 2, 0.75], [0.4, 0.4, 1.5]),
  box(4, 'chair', [-2, -2, 0.45], [0.5, 0.5, 0.9]),
  box(5, 'chair', [-1, -2, 0.45], [0.5, 0.5, 0.9]),
  box(6, 'chair', [0, -2, 0.45], [0.5, 0.5, 0.9]),
];

/** Program data with every object visible from frame `first[id]` on (never, when past the last frame). */
export function handData(objects: ProgramObject[], opts: { area?: number; frames?: number; first?: Record<number, number> } = {}): ProgramSceneData {
  const frames = opts.frames ?? 10;
  const visibility = Object.fromEntries(
    objects.map((o) => {
      const f = opts.first?.[o.id] ?? 0;
      if (f >= frames) return [String(o.id), { firstFrame: null, frames: [], maxFraction: 0 }];
      return [String(o.id), { firstFrame: f, frames: Array.from({ length: frames - f }, (_, i) => f + i), maxFraction: 1 }];
    }),
  );
  return {
    sceneId: 'hand',
    roomArea: opts.area ?? 30,
    floorZ: 0,
    objects,
    frames,
    visibility,
    cameras: Array.from({ length: frames }, () => ({ position: [0, -4, 1.5] as [number, number, number], forward: [0, 1, 0] as [number, number, number] })),
  };
}

/** A PreparedScene over hand-built data (the pipeline needs only id, data, api and noise). */
export function handPrepared(data: ProgramSceneData, id = 'hand:living'): PreparedScene {
  const d = withDistanceTable({ ...data, sceneId: id });
  const routes: RouteMemo = { walks: new Map(), stands: new Map() };
  const api = createSceneApi(d, routes);
  const scene = { id, dataset: 'hand', objects: [], room: { area: d.roomArea, center: [0, 0, 0] }, provenance: {} } as unknown as Scene;
  return { scene, data: d, api, noise: assessNoise(api), routes, outcomes: new Map() };
}
