/** Rooms of many random boxes, for the tests of how the synthesis scales with objects per scene. */
import type { Room, SceneObject, Vec3 } from '../../../../src/shared/scene.js';
import { createRng } from '../../../../src/shared/random.js';
import { estimateRoomBounds } from '../../../../src/engine/scene/synthesis/roomBounds.js';

export interface Layout {
  name: string;
  objects: readonly SceneObject[];
  room: Room;
}

/** n boxes of mixed size, some turned about z, some hanging from the ceiling, some piled on the same spot. */
export function randomBoxes(n: number, seed: number): Layout {
  const rng = createRng(seed);
  const side = Math.sqrt(Math.max(30, n / 8));
  const objects: SceneObject[] = [];
  for (let i = 0; i < n; i++) {
    const hanging = rng.chance(0.05);
    const extents: Vec3 = [rng.range(0.1, 0.8), rng.range(0.1, 0.8), rng.range(0.1, 1.5)];
    const center: Vec3 =
      i > 0 && rng.chance(0.02)
        ? [...objects[rng.int(objects.length)]!.box.center]
        : [rng.range(-side / 2, side / 2), rng.range(-side / 2, side / 2), hanging ? 2.7 : extents[2] / 2];
    const a = rng.chance(0.5) ? 0 : rng.range(-Math.PI, Math.PI);
    const [c, s] = [Math.cos(a), Math.sin(a)];
    objects.push({ id: i, label: hanging ? 'ceiling light' : 'box', rawLabel: 'box', box: { center, extents, rotation: [c, -s, 0, s, c, 0, 0, 0, 1] } });
  }
  const est = estimateRoomBounds(objects, side * side, [0, 0, 1.4]);
  const room: Room = { area: side * side, center: [0, 0, 1.4], bounds: est.bounds, floorPolygon: est.floorPolygon, floorZ: est.floorZ, height: est.height };
  return { name: `${n} random boxes (seed ${seed})`, objects, room };
}
