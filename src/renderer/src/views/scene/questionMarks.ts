/**
 * What a question's program measures, as geometry the scene draws: the segment between the closest points of two
 * oriented boxes (`scene.distance`), from the camera centre to a box (`scene.cameraDistance`), or the facing and
 * target directions in the floor plane (`scene.floorAngle`). Closest points use three's OBB (clamping a point into
 * a box, the overlap test) and Line3 (closest points of two edges): for disjoint boxes the closest pair is a vertex
 * against the other box or an edge against an edge, so the minimum over those is exact, as the engine's is.
 */
import { Line3, Matrix3, Vector3 } from 'three';
import { OBB } from 'three/examples/jsm/math/OBB.js';
import type { SceneDetail } from '../../../../shared/api.js';
import type { OrientedBox, Vec3 } from '../../../../shared/scene.js';
import type { QuestionRoles } from '../../lib/questionRoles.js';
import { BOX_EDGES, boxCorners } from './geometry.js';

export interface ClosestPoints {
  a: Vec3;
  b: Vec3;
  distance: number;
}

function toObb(box: OrientedBox): OBB {
  const r = box.rotation;
  // Mat3 is row-major; Matrix3.set takes row-major arguments too.
  const rotation = new Matrix3().set(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]);
  return new OBB(new Vector3(...box.center), new Vector3(box.extents[0] / 2, box.extents[1] / 2, box.extents[2] / 2), rotation);
}

const vec = (v: Vector3): Vec3 => [v.x, v.y, v.z];

/** The point of the solid box closest to p (p itself when inside). */
export function closestPointOnBox(box: OrientedBox, p: Vec3): Vec3 {
  return vec(toObb(box).clampPoint(new Vector3(...p), new Vector3()));
}

/** Closest points of two solid oriented boxes; overlapping boxes give distance 0 at the centre of A's clamp of B's centre. */
export function closestBoxPoints(a: OrientedBox, b: OrientedBox): ClosestPoints {
  const A = toObb(a);
  const B = toObb(b);
  if (A.intersectsOBB(B)) {
    const p = A.clampPoint(new Vector3(...b.center), new Vector3());
    return { a: vec(p), b: vec(p), distance: 0 };
  }
  // Doubles, not Float32: the drawn distance must agree with the engine's to far below a centimetre.
  const ca: number[] = [];
  const cb: number[] = [];
  boxCorners(a, ca);
  boxCorners(b, cb);
  let best = Infinity;
  const bestA = new Vector3();
  const bestB = new Vector3();
  const p = new Vector3();
  const q = new Vector3();
  const consider = (from: Vector3, to: Vector3): void => {
    const d = from.distanceToSquared(to);
    if (d < best) {
      best = d;
      bestA.copy(from);
      bestB.copy(to);
    }
  };
  for (let i = 0; i < 8; i++) {
    p.set(ca[3 * i]!, ca[3 * i + 1]!, ca[3 * i + 2]!);
    consider(p, B.clampPoint(p, q));
    p.set(cb[3 * i]!, cb[3 * i + 1]!, cb[3 * i + 2]!);
    const onA = A.clampPoint(p, new Vector3());
    consider(onA, p);
  }
  const ea = new Line3();
  const eb = new Line3();
  const c1 = new Vector3();
  const c2 = new Vector3();
  for (const [i, j] of BOX_EDGES) {
    ea.start.set(ca[3 * i]!, ca[3 * i + 1]!, ca[3 * i + 2]!);
    ea.end.set(ca[3 * j]!, ca[3 * j + 1]!, ca[3 * j + 2]!);
    for (const [k, l] of BOX_EDGES) {
      eb.start.set(cb[3 * k]!, cb[3 * k + 1]!, cb[3 * k + 2]!);
      eb.end.set(cb[3 * l]!, cb[3 * l + 1]!, cb[3 * l + 2]!);
      ea.distanceSqToLine3(eb, c1, c2);
      consider(c1, c2);
    }
  }
  return { a: vec(bestA), b: vec(bestB), distance: Math.sqrt(best) };
}

/** Signed floor-plane angle in degrees at `from` between the directions to `facing` and to `target`, + = left (as `scene.floorAngle`). */
export function floorAngle(from: Vec3, facing: Vec3, target: Vec3): number {
  const ux = facing[0] - from[0];
  const uy = facing[1] - from[1];
  const vx = target[0] - from[0];
  const vy = target[1] - from[1];
  const deg = (Math.atan2(ux * vy - uy * vx, ux * vx + uy * vy) * 180) / Math.PI;
  return deg <= -180 ? 180 : deg;
}

/** A measured segment: `value` in metres as computed here; `label` what the scene writes at its middle. */
export interface MeasureSegment {
  kind: 'distance';
  from: Vec3;
  to: Vec3;
  value: number;
  label: string;
}

/** A direction arrow in the floor plane: `facing` (where the observer looks) or `target` (where the queried object is). */
export interface DirectionArrow {
  kind: 'facing' | 'target';
  from: Vec3;
  to: Vec3;
}

export interface QuestionMarks {
  segments: MeasureSegment[];
  arrows: DirectionArrow[];
  /** Direction families: the signed floor angle to the target (+ = left) and its text. */
  angle: { value: number; label: string; at: Vec3 } | null;
  /** Why nothing is drawn although the family measures something (an object or the frame is missing). */
  note: string | null;
}

const metres = (d: number): string => `${d.toFixed(2)} m`;

/** The program's numeric result, when it is one (a distance family's ground truth before lettering). */
function programNumber(result: unknown): number | null {
  return typeof result === 'number' && Number.isFinite(result) ? result : null;
}

/**
 * The marks for a question in a scene version. Each label resolves to the one object carrying it (the distance and
 * direction families name unique objects). A distance segment is labelled with the program's stored result when the
 * program returned the distance itself (absolute and camera distance), so the scene shows the ground truth as
 * scored; relative distance compares several, so each candidate's segment shows its distance computed here.
 */
export function questionMarks(roles: QuestionRoles, detail: Pick<SceneDetail, 'objects' | 'trajectory'>, qa: { frame: number | null; programResult: unknown }): QuestionMarks {
  const none: QuestionMarks = { segments: [], arrows: [], angle: null, note: null };
  const boxOf = (label: string): OrientedBox | undefined => {
    const found = detail.objects.filter((o) => o.label === label);
    return found.length === 1 ? found[0]!.box : undefined;
  };
  const missing = (labels: readonly string[]): string | null => {
    const bad = labels.filter((l) => !boxOf(l));
    return bad.length > 0 ? `not drawn: ${bad.map((l) => `'${l}'`).join(', ')} is not exactly one object of this scene version` : null;
  };
  switch (roles.measure) {
    case 'between': {
      const [a, b] = roles.candidate;
      const note = missing([a ?? '', b ?? '']);
      if (note) return { ...none, note };
      const c = closestBoxPoints(boxOf(a!)!, boxOf(b!)!);
      const stored = programNumber(qa.programResult);
      return { ...none, segments: [{ kind: 'distance', from: c.a, to: c.b, value: c.distance, label: metres(stored ?? c.distance) }] };
    }
    case 'from-reference': {
      const [ref] = roles.reference;
      const note = missing([ref ?? '', ...roles.candidate]);
      if (note) return { ...none, note };
      const refBox = boxOf(ref!)!;
      const segments = roles.candidate.map((label): MeasureSegment => {
        const c = closestBoxPoints(refBox, boxOf(label)!);
        return { kind: 'distance', from: c.a, to: c.b, value: c.distance, label: `${label} ${metres(c.distance)}` };
      });
      return { ...none, segments };
    }
    case 'camera': {
      const [label] = roles.candidate;
      const note = missing([label ?? '']);
      if (note) return { ...none, note };
      const pose = qa.frame !== null ? detail.trajectory[qa.frame]?.pose : undefined;
      if (!pose) return { ...none, note: qa.frame === null ? 'not drawn: the question names no frame' : `not drawn: frame ${qa.frame + 1} is not in this scene's trajectory` };
      const camera: Vec3 = [pose[3], pose[7], pose[11]];
      const onBox = closestPointOnBox(boxOf(label!)!, camera);
      const value = Math.hypot(onBox[0] - camera[0], onBox[1] - camera[1], onBox[2] - camera[2]);
      const stored = programNumber(qa.programResult);
      return { ...none, segments: [{ kind: 'distance', from: camera, to: onBox, value, label: metres(stored ?? value) }] };
    }
    case 'direction': {
      const [standing, facing] = roles.reference;
      const [target] = roles.candidate;
      const note = missing([standing ?? '', facing ?? '', target ?? '']);
      if (note) return { ...none, note };
      const p = boxOf(standing!)!.center;
      const o = boxOf(facing!)!.center;
      const x = boxOf(target!)!.center;
      // Drawn at the observer's height: the program compares directions in the floor plane only.
      const z = p[2];
      const from: Vec3 = [p[0], p[1], z];
      const value = floorAngle(p, o, x);
      const side = Math.abs(value) < 1e-9 ? 'straight ahead' : value > 0 ? 'left' : 'right';
      return {
        ...none,
        arrows: [
          { kind: 'facing', from, to: [o[0], o[1], z] },
          { kind: 'target', from, to: [x[0], x[1], z] },
        ],
        angle: { value, label: `${Math.abs(value).toFixed(0)}° ${side}`, at: from },
      };
    }
    case 'none':
      return none;
  }
}

/**
 * Line-segment vertices for the marks: each distance segment, each arrow with a two-stroke head (a quarter of the
 * arrow, at most 0.3 m, bent 25° either way in the floor plane). Colours per vertex from `colorOf`.
 */
export function markSegments(marks: QuestionMarks, colorOf: (kind: MeasureSegment['kind'] | DirectionArrow['kind']) => readonly [number, number, number]): { positions: Float32Array; colors: Float32Array } {
  const pos: number[] = [];
  const col: number[] = [];
  const push = (a: Vec3, b: Vec3, c: readonly [number, number, number]): void => {
    pos.push(...a, ...b);
    col.push(...c, ...c);
  };
  for (const s of marks.segments) push(s.from, s.to, colorOf(s.kind));
  for (const a of marks.arrows) {
    const c = colorOf(a.kind);
    push(a.from, a.to, c);
    const dx = a.to[0] - a.from[0];
    const dy = a.to[1] - a.from[1];
    const len = Math.hypot(dx, dy);
    if (len === 0) continue;
    const head = Math.min(0.3, len / 4);
    for (const turn of [Math.PI - 0.44, -(Math.PI - 0.44)]) {
      const cos = Math.cos(turn);
      const sin = Math.sin(turn);
      const hx = ((dx * cos - dy * sin) / len) * head;
      const hy = ((dx * sin + dy * cos) / len) * head;
      push(a.to, [a.to[0] + hx, a.to[1] + hy, a.to[2]], c);
    }
  }
  return { positions: new Float32Array(pos), colors: new Float32Array(col) };
}
