/**
 * Synthetic solver tasks made straight from a toy world — objects as points with a size in a room, a camera
 * turning on the spot — rendered into the same Observation the perception module produces: per-frame noisy
 * detections with estimated depth, and the ego pose. They exist so learning checks and benchmarks need no
 * scene pipeline: the answer is known by construction, and only what a detector would report reaches the
 * solver.
 */
import type { Detection, FrameObservation, Observation } from '../../shared/observation.js';
import { defaultPerceptionConfig } from '../../shared/observation.js';
import type { Rng } from '../../shared/random.js';
import type { Mat4 } from '../../shared/scene.js';
import type { SolverSample } from './features.js';

export interface ToyObject {
  label: string;
  position: [number, number, number];
  /** Edge length of the object's (cube) box in metres. */
  size: number;
}

export interface ToyWorldOptions {
  frames?: number;
  /** Probability that a visible object is missed in a frame. */
  missRate?: number;
  depthRelStd?: number;
  egoMotion?: boolean;
}

const WIDTH = 640;
const HEIGHT = 480;
const INTRINSICS = { fx: 500, fy: 500, cx: 320, cy: 240 };
const ROOM = { x: 6, y: 5 };

/** Labels the toy world draws from (all in the default vocabulary). */
export const TOY_LABELS = ['chair', 'table', 'sofa', 'lamp', 'plant', 'bed', 'desk', 'stool', 'tv', 'cabinet', 'door', 'window'] as const;

/** Pitched down so furniture from the floor up to a tabletop stays in view from a metre away. */
const PITCH = (20 * Math.PI) / 180;

/** Camera → world for a camera at `c`, heading `yaw`, pitched down by PITCH (OpenCV axes: x right, y down, z forward). */
function poseAt(c: readonly [number, number, number], yaw: number): Mat4 {
  const [cy, sy, cp, sp] = [Math.cos(yaw), Math.sin(yaw), Math.cos(PITCH), Math.sin(PITCH)];
  const f = [cy * cp, sy * cp, -sp];
  const r = [sy, -cy, 0];
  // down = forward × right, so that right × down = forward (a proper rotation).
  const d = [-sp * cy, -sp * sy, -cp];
  return [r[0]!, d[0]!, f[0]!, c[0], r[1]!, d[1]!, f[1]!, c[1], r[2]!, d[2]!, f[2]!, c[2], 0, 0, 0, 1];
}

/** Renders objects into per-frame detections from a camera turning a full circle near the room's centre. */
export function observeToyWorld(objects: readonly ToyObject[], rng: Rng, options: ToyWorldOptions = {}): Observation {
  const n = options.frames ?? 16;
  const missRate = options.missRate ?? 0.1;
  const depthStd = options.depthRelStd ?? 0.05;
  const centre: [number, number, number] = [ROOM.x / 2 + rng.range(-0.3, 0.3), ROOM.y / 2 + rng.range(-0.3, 0.3), 1.3];
  const yaw0 = rng.range(0, 2 * Math.PI);
  const frames: FrameObservation[] = [];
  for (let i = 0; i < n; i++) {
    const c: [number, number, number] = [centre[0] + 0.2 * Math.cos(i), centre[1] + 0.2 * Math.sin(i), centre[2]];
    const pose = poseAt(c, yaw0 + (2 * Math.PI * i) / n);
    const detections: Detection[] = [];
    for (const o of objects) {
      const rel = [o.position[0] - c[0], o.position[1] - c[1], o.position[2] - c[2]];
      // World → camera is the transpose of the pose's rotation.
      const cam = [0, 1, 2].map((k) => pose[k]! * rel[0]! + pose[4 + k]! * rel[1]! + pose[8 + k]! * rel[2]!) as [number, number, number];
      const z = cam[2];
      if (z < 0.3) continue;
      const u = (INTRINSICS.fx * cam[0]) / z + INTRINSICS.cx;
      const v = (INTRINSICS.fy * cam[1]) / z + INTRINSICS.cy;
      const half = (INTRINSICS.fx * o.size) / z / 2;
      const box: [number, number, number, number] = [u - half, v - half, u + half, v + half];
      const clipped: [number, number, number, number] = [Math.max(0, box[0]), Math.max(0, box[1]), Math.min(WIDTH, box[2]), Math.min(HEIGHT, box[3])];
      const area = Math.max(0, clipped[2] - clipped[0]) * Math.max(0, clipped[3] - clipped[1]);
      const visible = area / ((box[2] - box[0]) * (box[3] - box[1]));
      if (visible < 0.1 || rng.chance(missRate)) continue;
      const jitter = 0.05 * 2 * half;
      detections.push({
        label: o.label,
        box: clipped.map((x) => x + jitter * rng.normal()) as [number, number, number, number],
        depth: Math.max(0.1, z * (1 + depthStd * rng.normal())),
        visibleFraction: visible,
        score: 0.5 + 0.5 * rng.next(),
      });
    }
    frames.push({ frame: i, timestamp: i * 0.5, ...(options.egoMotion === false ? {} : { egoPose: pose }), intrinsics: { ...INTRINSICS }, width: WIDTH, height: HEIGHT, detections });
  }
  return { sceneId: 'toy', config: { ...defaultPerceptionConfig(rng.seed), frames: n, egoMotion: options.egoMotion !== false }, frames };
}

function place(rng: Rng, taken: ToyObject[], label: string, minGap = 0.8): ToyObject {
  for (let attempt = 0; ; attempt++) {
    const p: [number, number, number] = [rng.range(0.4, ROOM.x - 0.4), rng.range(0.4, ROOM.y - 0.4), rng.range(0.3, 1.2)];
    const far = taken.every((o) => Math.hypot(o.position[0] - p[0], o.position[1] - p[1]) >= minGap);
    const clearOfCamera = Math.hypot(p[0] - ROOM.x / 2, p[1] - ROOM.y / 2) > 1.2;
    if ((far && clearOfCamera) || attempt > 200) return { label, position: p, size: rng.range(0.3, 0.8) };
  }
}

function distractors(rng: Rng, objects: ToyObject[], exclude: readonly string[], count: number): void {
  const others = TOY_LABELS.filter((l) => !exclude.includes(l));
  for (let i = 0; i < count; i++) objects.push(place(rng, objects, rng.pick(others)));
}

/** "How many X(s)?" with 1…maxCount instances of X among distractors. */
export function toyCountingSample(rng: Rng, maxCount = 4, options: ToyWorldOptions = {}): SolverSample {
  const label = rng.pick(TOY_LABELS);
  const k = 1 + rng.int(maxCount);
  const objects: ToyObject[] = [];
  for (let i = 0; i < k; i++) objects.push(place(rng, objects, label));
  distractors(rng, objects, [label], 2 + rng.int(4));
  return {
    qa: {
      family: 'object_counting',
      answerType: 'number',
      question: `How many ${label}(s) are in this room?`,
      named: [{ label }],
      answer: k,
    },
    observation: observeToyWorld(objects, rng, options),
  };
}

/** Signed floor-plane angle (degrees, + = left) of x seen from p facing o, as the proposer defines it. */
export function floorAngle(p: readonly number[], o: readonly number[], x: readonly number[]): number {
  const a = Math.atan2(o[1]! - p[1]!, o[0]! - p[0]!);
  const b = Math.atan2(x[1]! - p[1]!, x[0]! - p[0]!);
  let d = ((b - a) * 180) / Math.PI;
  while (d > 180) d -= 360;
  while (d <= -180) d += 360;
  return d;
}

/** Easy relative direction (left / right), with the querying object at least 20° from the boundaries. */
export function toyDirectionSample(rng: Rng, options: ToyWorldOptions = {}): SolverSample {
  const [p, o, x] = rng.shuffle([...TOY_LABELS]).slice(0, 3) as [string, string, string];
  let objects: ToyObject[] = [];
  let angle = 0;
  do {
    objects = [];
    for (const l of [p, o, x]) objects.push(place(rng, objects, l, 1));
    angle = floorAngle(objects[0]!.position, objects[1]!.position, objects[2]!.position);
  } while (Math.abs(angle) < 20 || Math.abs(angle) > 160);
  distractors(rng, objects, [p, o, x], 1 + rng.int(3));
  return {
    qa: {
      family: 'object_rel_direction_easy',
      answerType: 'choice',
      question: `If I am standing by the ${p} and facing the ${o}, is the ${x} to the left or the right of the ${o}?`,
      options: ['A. left', 'B. right'],
      named: [{ label: p }, { label: o }, { label: x }],
      answer: angle > 0 ? 'A' : 'B',
    },
    observation: observeToyWorld(objects, rng, options),
  };
}
