/**
 * What a video model could perceive of a scene: per sampled trajectory frame, the 2D detections a detector
 * with a depth estimator would report, degraded by a seeded noise model. The solver sees only this, never the
 * scene's ids or 3D boxes, so counting must de-duplicate across frames and sizes must be lifted from 2D + depth.
 *
 * Per frame and object:
 * - box: the oriented box projected through the pinhole camera (the part in front of the camera), clipped to
 *   the image. It is the amodal box of the whole object, as 2D boxes derived from 3D annotations are, even
 *   where a part is occluded;
 * - visibility: the occlusion-tested surface sampling of `visibility.ts` (other objects' boxes are the scene's
 *   geometry). Objects with no visible sample are never detected, whatever the noise settings, so objects
 *   behind the camera, outside the image or fully hidden are absent;
 * - depth: the median optical-axis depth of the visible samples. A monocular depth estimator read over the
 *   object's mask returns something like this: the visible surface, not the hidden centre, and robust to the
 *   few samples that poke out at an extreme;
 * - score: 0.2 + 0.8 × visible fraction, so it falls with occlusion and truncation and stays in (0, 1].
 *
 * Noise (all from `config.noise`): drop below `minVisibleFraction`, miss with `missRate`, swap the label for a
 * look-alike (`labelConfusion.ts`) with `labelConfusion`, jitter each box edge by N(0, boxJitter × box size),
 * multiply depth by 1 + N(0, depthRelStd). Every (frame, object) pair draws from its own stream, forked from
 * the seed, the scene id, the trajectory index and the object id, and always draws the same numbers in the same
 * order: results do not depend on round order or on which other objects exist, and changing one noise
 * level leaves the other perturbations as they were (common random numbers across configurations).
 */
import type { Detection, FrameObservation, Observation, PerceptionConfig } from '../../shared/observation.js';
import { InputError } from '../../shared/errors.js';
import { createRng } from '../../shared/random.js';
import type { Mat4, Scene } from '../../shared/scene.js';
import { confusableLabels } from './labelConfusion.js';
import { pinholeCamera, projectBoxRect } from './projection.js';
import { NEAR_PLANE, createBoxOcclusion, evenFrames } from './visibility.js';

/** Surface samples per object, as `computeVisibility` uses by default, so both agree on visible fractions. */
export const PERCEPTION_SAMPLES_PER_OBJECT = 96;

function checkConfig(config: PerceptionConfig): void {
  const problems: { field: string; message: string }[] = [];
  const rate = (name: keyof PerceptionConfig['noise']): void => {
    const x = config.noise[name];
    if (!(x >= 0 && x <= 1)) problems.push({ field: `perception.noise.${name}`, message: `expected a number in [0, 1], found ${x}` });
  };
  if (!(Number.isInteger(config.frames) && config.frames >= 1)) {
    problems.push({ field: 'perception.frames', message: `expected an integer ≥ 1, found ${config.frames}` });
  }
  if (!(Number.isInteger(config.seed) && config.seed >= 0 && config.seed <= 0xffffffff)) {
    problems.push({ field: 'perception.seed', message: `expected an integer in [0, 2^32), found ${config.seed}` });
  }
  rate('missRate');
  rate('labelConfusion');
  rate('minVisibleFraction');
  for (const name of ['depthRelStd', 'boxJitter'] as const) {
    const x = config.noise[name];
    if (!(x >= 0 && Number.isFinite(x))) problems.push({ field: `perception.noise.${name}`, message: `expected a finite number ≥ 0, found ${x}` });
  }
  if (problems.length > 0) throw new InputError(problems);
}

function median(values: number[], count: number): number {
  values.length = count;
  values.sort((a, b) => a - b);
  const mid = count >> 1;
  return count % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/** Detections are listed by score, then left to right: never in object order, which would tie them across frames. */
function byScoreThenPosition(a: Detection, b: Detection): number {
  return b.score - a.score || a.box[0] - b.box[0] || a.box[1] - b.box[1] || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

export function observeScene(scene: Scene, config: PerceptionConfig): Observation {
  checkConfig(config);
  const trajectory = scene.trajectory;
  if (!trajectory || trajectory.length === 0) {
    throw new InputError({
      field: `${scene.id}.trajectory`,
      message: `scene ${scene.id} has no camera trajectory to observe it along; synthesise one first`,
    });
  }
  const noise = config.noise;
  const objects = scene.objects;
  const occlusion = createBoxOcclusion(
    objects.map((o) => o.box),
    PERCEPTION_SAMPLES_PER_OBJECT,
  );
  const root = createRng(config.seed).fork(`perception:${scene.id}`);
  const depths: number[] = [];
  let depthCount = 0;
  const collectDepth = (z: number): void => {
    depths[depthCount++] = z;
  };

  const frames: FrameObservation[] = evenFrames(trajectory.length, config.frames).map((t) => {
    const frame = trajectory[t]!;
    const cam = pinholeCamera(frame);
    const frameRng = root.fork(`frame-${t}`);
    occlusion.setFrame(frame);
    const detections: Detection[] = [];
    for (let i = 0; i < objects.length; i++) {
      const object = objects[i]!;
      // The rectangle is cheap and rules out most objects before the occlusion test.
      const rect = projectBoxRect(object.box, cam);
      if (!rect) continue;
      depthCount = 0;
      const fraction = occlusion.visibleFraction(i, collectDepth);
      if (depthCount === 0 || fraction < noise.minVisibleFraction) continue;

      const rng = frameRng.fork(`object-${object.id}`);
      const missDraw = rng.next();
      const confusionDraw = rng.next();
      const pickDraw = rng.next();
      const jitter = [rng.normal(), rng.normal(), rng.normal(), rng.normal()] as const;
      const depthDraw = rng.normal();
      if (missDraw < noise.missRate) continue;

      let label = object.label;
      const similar = confusableLabels(label);
      if (similar.length > 0 && confusionDraw < noise.labelConfusion) label = similar[Math.floor(pickDraw * similar.length)]!;

      const [x0, y0, x1, y1] = rect;
      const jx = noise.boxJitter * (x1 - x0);
      const jy = noise.boxJitter * (y1 - y0);
      const ax = x0 + jitter[0] * jx, bx = x1 + jitter[2] * jx;
      const ay = y0 + jitter[1] * jy, by = y1 + jitter[3] * jy;
      const clampX = (x: number): number => Math.min(cam.width, Math.max(0, x));
      const clampY = (y: number): number => Math.min(cam.height, Math.max(0, y));
      const box: Detection['box'] = [clampX(Math.min(ax, bx)), clampY(Math.min(ay, by)), clampX(Math.max(ax, bx)), clampY(Math.max(ay, by))];

      const depth = Math.max(NEAR_PLANE, median(depths, depthCount) * (1 + depthDraw * noise.depthRelStd));
      detections.push({ label, box, depth, visibleFraction: fraction, score: 0.2 + 0.8 * fraction });
    }
    detections.sort(byScoreThenPosition);
    const observed: FrameObservation = {
      frame: t,
      timestamp: frame.timestamp,
      intrinsics: { ...frame.intrinsics },
      width: frame.width,
      height: frame.height,
      detections,
    };
    if (config.egoMotion) observed.egoPose = [...frame.pose] as Mat4;
    return observed;
  });

  return { sceneId: scene.id, config: { ...config, noise: { ...config.noise } }, frames };
}
