/** The floor plan, floor level and ceiling height of a room, however much of it the source gave. */
import type { Room, SceneObject } from '../../../shared/scene.js';
import type { Vec2 } from './polygon.js';
import { ensureCounterClockwise, polygonArea } from './polygon.js';
import { DEFAULT_ROOM_HEIGHT, estimateFloorZ, estimateRoomBounds } from './roomBounds.js';

export interface RoomGeometry {
  /** Counter-clockwise floor polygon. */
  polygon: Vec2[];
  floorZ: number;
  height: number;
}

/** Uses the polygon when given, else the bounds' rectangle, else an estimate from area, centre and objects. */
export function resolveRoomGeometry(room: Room, objects: readonly SceneObject[]): RoomGeometry {
  let polygon: Vec2[] | undefined;
  if (room.floorPolygon && room.floorPolygon.length >= 3 && polygonArea(room.floorPolygon) > 1e-6) {
    polygon = ensureCounterClockwise(room.floorPolygon);
  } else if (room.bounds) {
    const { min, max } = room.bounds;
    polygon = [
      [min[0], min[1]],
      [max[0], min[1]],
      [max[0], max[1]],
      [min[0], max[1]],
    ];
  }
  let floorZ = room.floorZ ?? room.bounds?.min[2];
  let height = room.height ?? (room.bounds ? room.bounds.max[2] - room.bounds.min[2] : undefined);
  if (!polygon) {
    const est = estimateRoomBounds(objects, room.area, room.center);
    polygon = est.floorPolygon;
    floorZ ??= est.floorZ;
    height ??= est.height;
  }
  floorZ ??= estimateFloorZ(objects) ?? room.center[2] - DEFAULT_ROOM_HEIGHT / 2;
  if (!(height !== undefined && height > 0)) height = DEFAULT_ROOM_HEIGHT;
  return { polygon, floorZ, height };
}
