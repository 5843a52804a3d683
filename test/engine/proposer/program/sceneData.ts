/** Hand-built ProgramSceneData for the scene API tests. */
import type { Rng } from '../../../../src/shared/random.js';
import type { ProgramObject, ProgramSceneData, Triple } from '../../../../src/engine/proposer/program/types.js';

export const I3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export const rotZ = (deg: number): number[] => {
  const t = (deg * Math.PI) / 180;
  return [Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t), 0, 0, 0, 1];
};

export const rotY = (deg: number): number[] => {
  const t = (deg * Math.PI) / 180;
  return [Math.cos(t), 0, Math.sin(t), 0, 1, 0, -Math.sin(t), 0, Math.cos(t)];
};

export const rotX = (deg: number): number[] => {
  const t = (deg * Math.PI) / 180;
  return [1, 0, 0, 0, Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t)];
};

export function mul3(a: number[], b: number[]): number[] {
  const r = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) r[i * 3 + j]! += a[i * 3 + k]! * b[k * 3 + j]!;
  return r;
}

export function apply3(m: number[], v: readonly number[]): Triple {
  return [0, 1, 2].map((i) => m[i * 3]! * v[0]! + m[i * 3 + 1]! * v[1]! + m[i * 3 + 2]! * v[2]!) as Triple;
}

/** Uniformly random proper rotation (from a normalised Gaussian quaternion). */
export function randomRotation(rng: Rng): number[] {
  let [w, x, y, z] = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
  const n = Math.hypot(w, x, y, z);
  [w, x, y, z] = [w / n, x / n, y / n, z / n];
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ];
}

export function obj(id: number, label: string, center: Triple, extents: Triple = [1, 1, 1], rotation: number[] = I3): ProgramObject {
  return { id, label, center, extents, rotation };
}

export function sceneData(objects: ProgramObject[], extra: Partial<ProgramSceneData> = {}): ProgramSceneData {
  return { sceneId: 'test:scene', roomArea: 20, floorZ: 0, objects, frames: 0, visibility: {}, cameras: [], ...extra };
}

const LABELS = ['chair', 'table', 'sofa', 'lamp', 'bed', 'tv', 'door', 'sink'];

/** A room-sized clutter of boxes: mostly yawed about Z like real annotations, some tilted arbitrarily. */
export function randomScene(rng: Rng, n: number): ProgramSceneData {
  const objects: ProgramObject[] = [];
  for (let i = 0; i < n; i++) {
    const rotation = rng.chance(0.7) ? rotZ(rng.range(-180, 180)) : randomRotation(rng);
    const extents: Triple = [rng.range(0.1, 2), rng.range(0.1, 2), rng.range(0.1, 2)];
    objects.push(obj(i * 3 + 1, rng.pick(LABELS), [rng.range(-4, 4), rng.range(-4, 4), rng.range(0, 2.5)], extents, rotation));
  }
  return sceneData(objects);
}
