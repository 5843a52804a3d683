/** Hand-built scenes for the perception tests: a 100 × 100 camera with fx = fy = 100 looking along +x. */
import { lookAtPose } from '../../../src/engine/scene/math.js';
import type { PerceptionNoise } from '../../../src/shared/observation.js';
import type { CameraFrame, Mat3, PointCloud, Room, Scene, SceneObject, Vec3 } from '../../../src/shared/scene.js';
import { IDENTITY3, IDENTITY4 } from '../../../src/shared/scene.js';

export const INTRINSICS = { fx: 100, fy: 100, cx: 50, cy: 50 };
export const EYE: Vec3 = [0, 0, 1];

export const NO_NOISE: PerceptionNoise = { depthRelStd: 0, missRate: 0, labelConfusion: 0, boxJitter: 0, minVisibleFraction: 0 };

export function box(id: number, label: string, center: Vec3, extents: Vec3 = [1, 1, 1], rotation: Mat3 = IDENTITY3): SceneObject {
  return { id, label, rawLabel: label, box: { center, extents, rotation } };
}

/** Camera at `eye` looking at `target`: from EYE towards +x, camera x is world −y and camera y is world −z. */
export function frame(index: number, eye: Vec3 = EYE, target: Vec3 = [4, 0, 1]): CameraFrame {
  return { index, timestamp: index / 10, pose: lookAtPose(eye, target), intrinsics: { ...INTRINSICS }, width: 100, height: 100 };
}

/** `count` frames from the same pose: each trajectory index draws its own noise, so they are independent samples. */
export function still(count: number): CameraFrame[] {
  return Array.from({ length: count }, (_, i) => frame(i));
}

export function scene(objects: SceneObject[], trajectory?: CameraFrame[], extra: { room?: Room; points?: PointCloud } = {}): Scene {
  return {
    id: 'synthetic:perception-test',
    dataset: 'synthetic',
    objects,
    room: extra.room ?? { area: 54, center: [3.5, 0, 1.5] },
    ...(extra.points ? { points: extra.points } : {}),
    trajectory,
    provenance: {
      source: 'synthetic',
      sourceId: 'perception-test',
      files: [],
      conversion: { upAxis: '+z', units: 'm', transform: IDENTITY4, notes: [] },
      synthesised: [],
      seeds: {},
      warnings: [],
    },
  };
}
