/**
 * Detecting which axis is "up" in box-only data. Two independent cues:
 *  - floor contact: most furniture rests on the floor, so along the true up axis many boxes' lowest points
 *    sit within a few centimetres of the scene's lowest level; along horizontal axes only the few objects
 *    touching one particular wall do, and along "down" only ceiling fixtures.
 *  - gravity alignment: annotation tools that know gravity rotate boxes only about the up axis, so that axis
 *    is exactly one of the box axes for nearly every box.
 * The floor-contact cue decides (it also gives the sign); alignment is reported as supporting evidence.
 */
import type { Mat4, Vec3 } from '../../shared/scene.js';

export type SignedAxis = '+x' | '-x' | '+y' | '-y' | '+z' | '-z';
export const SIGNED_AXES: SignedAxis[] = ['+x', '-x', '+y', '-y', '+z', '-z'];

export interface AxisBox {
  min: Vec3;
  max: Vec3;
  /** Box axes as unit vectors, when known. */
  axes?: [Vec3, Vec3, Vec3];
}

export interface UpAxisEvidence {
  axis: SignedAxis;
  /** Mean over scenes of the share of boxes whose bottom lies within `contactTolerance` of the lowest bottom. */
  floorContact: Record<SignedAxis, number>;
  /** Share of boxes having an axis parallel to each world axis (sign-free). */
  gravityAligned: { x: number; y: number; z: number };
  /** Best floor-contact score divided by the runner-up's. */
  margin: number;
  scenes: number;
  boxes: number;
}

const CONTACT_TOLERANCE = 0.15;
const PARALLEL_TOLERANCE = 1e-3;

function axisIndex(a: SignedAxis): 0 | 1 | 2 {
  return a[1] === 'x' ? 0 : a[1] === 'y' ? 1 : 2;
}

/** `scenes` is a list of scenes, each a list of boxes in the source frame. */
export function detectUpAxis(scenes: AxisBox[][]): UpAxisEvidence {
  const floorContact = Object.fromEntries(SIGNED_AXES.map((a) => [a, 0])) as Record<SignedAxis, number>;
  const aligned = [0, 0, 0];
  let counted = 0;
  let boxes = 0;
  for (const scene of scenes) {
    if (scene.length === 0) continue;
    counted++;
    for (const axis of SIGNED_AXES) {
      const k = axisIndex(axis);
      const bottoms = scene.map((b) => (axis[0] === '+' ? b.min[k] : -b.max[k]));
      const floor = Math.min(...bottoms);
      floorContact[axis] += bottoms.filter((v) => v - floor < CONTACT_TOLERANCE).length / bottoms.length;
    }
    for (const b of scene) {
      boxes++;
      if (!b.axes) continue;
      for (let k = 0; k < 3; k++) if (b.axes.some((ax) => Math.abs(Math.abs(ax[k]!) - 1) < PARALLEL_TOLERANCE)) aligned[k]!++;
    }
  }
  for (const a of SIGNED_AXES) floorContact[a] = counted ? floorContact[a] / counted : 0;
  const ranked = [...SIGNED_AXES].sort((a, b) => floorContact[b] - floorContact[a]);
  const best = ranked[0]!;
  const second = floorContact[ranked[1]!];
  return {
    axis: best,
    floorContact,
    gravityAligned: { x: boxes ? aligned[0]! / boxes : 0, y: boxes ? aligned[1]! / boxes : 0, z: boxes ? aligned[2]! / boxes : 0 },
    margin: second > 0 ? floorContact[best] / second : Infinity,
    scenes: counted,
    boxes,
  };
}

/**
 * Rotation taking the given source up axis to +Z, keeping the frame right-handed (row-major 4×4).
 * For '+y' (common in graphics formats) this is the usual Y-up → Z-up rotation: (x, y, z) → (x, −z, y).
 */
export function upAxisToZTransform(up: SignedAxis): Mat4 {
  switch (up) {
    case '+z': return [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    case '-z': return [1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1];
    case '+y': return [1, 0, 0, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, 0, 0, 1];
    case '-y': return [1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1];
    case '+x': return [0, 0, -1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1];
    case '-x': return [0, 0, 1, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 0, 1];
  }
}

export function describeEvidence(e: UpAxisEvidence): string {
  const fc = SIGNED_AXES.map((a) => `${a} ${e.floorContact[a].toFixed(2)}`).join(', ');
  const ga = `x ${e.gravityAligned.x.toFixed(2)}, y ${e.gravityAligned.y.toFixed(2)}, z ${e.gravityAligned.z.toFixed(2)}`;
  return `up axis ${e.axis} detected from ${e.boxes} boxes in ${e.scenes} scenes: floor-contact share ${fc} (margin ×${e.margin.toFixed(2)}); boxes with an axis parallel to world ${ga}`;
}
