/**
 * Minimal reading of VSI-Bench meta_info boxes into SceneObjects (both published files are already Z-up metres),
 * so the synthesis tests can run on real layouts without depending on the importer.
 */
import type { Mat3, SceneObject, Vec3 } from '../../../../src/shared/scene.js';

export interface RawVsiBox {
  centroid: Vec3;
  axesLengths: Vec3;
  normalizedAxes: number[];
}
export interface RawVsiScene {
  room_size: number;
  room_center: Vec3;
  object_bbox: Record<string, RawVsiBox[]>;
}
export type RawVsiFile = Record<string, RawVsiScene>;

export function vsiObjects(scene: RawVsiScene): SceneObject[] {
  const objects: SceneObject[] = [];
  for (const [label, list] of Object.entries(scene.object_bbox)) {
    for (const b of list) {
      const a = b.normalizedAxes;
      let a2: Vec3 = [a[6]!, a[7]!, a[8]!];
      const cross: Vec3 = [a[1]! * a[5]! - a[2]! * a[4]!, a[2]! * a[3]! - a[0]! * a[5]!, a[0]! * a[4]! - a[1]! * a[3]!];
      if (cross[0] * a2[0] + cross[1] * a2[1] + cross[2] * a2[2] < 0) a2 = [-a2[0], -a2[1], -a2[2]];
      const rotation: Mat3 = [a[0]!, a[3]!, a2[0], a[1]!, a[4]!, a2[1], a[2]!, a[5]!, a2[2]];
      objects.push({ id: objects.length, label, rawLabel: label, box: { center: b.centroid, extents: b.axesLengths, rotation } });
    }
  }
  return objects;
}
