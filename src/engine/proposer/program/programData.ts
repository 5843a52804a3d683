/**
 * The program's scene data, built from a scene and what perception says the camera sees. It lives beside the
 * types it fills (types.ts), so perception never needs the proposer's shapes: perception measures, the proposer
 * decides what a program may read of it.
 */
import type { Scene } from '../../../shared/scene.js';
import type { SceneVisibility } from '../../perception/visibility.js';
import { resolveRoomGeometry } from '../../scene/synthesis/roomGeometry.js';
import type { ProgramSceneData, ProgramVisibility } from './types.js';

/** The JSON a program runs against: boxes as given, visibility thresholded, one camera per evaluated frame. */
export function buildProgramData(scene: Scene, visibility: SceneVisibility): ProgramSceneData {
  const objects = [...scene.objects]
    .sort((a, b) => a.id - b.id)
    .map((o) => ({
      id: o.id,
      label: o.label,
      center: [...o.box.center] as [number, number, number],
      extents: [...o.box.extents] as [number, number, number],
      rotation: [...o.box.rotation],
    }));
  const lowest = objects.reduce((z, o) => {
    const r = o.rotation;
    const reach = (Math.abs(r[6]!) * o.extents[0] + Math.abs(r[7]!) * o.extents[1] + Math.abs(r[8]!) * o.extents[2]) / 2;
    return Math.min(z, o.center[2] - reach);
  }, Infinity);
  const vis: Record<string, ProgramVisibility> = {};
  for (const o of objects) {
    const v = visibility.perObject.get(o.id);
    vis[String(o.id)] = v ? { firstFrame: v.firstFrame, frames: [...v.frames], maxFraction: v.maxFraction } : { firstFrame: null, frames: [], maxFraction: 0 };
  }
  const data: ProgramSceneData = {
    sceneId: scene.id,
    roomArea: scene.room.area,
    floorZ: scene.room.floorZ ?? (Number.isFinite(lowest) ? lowest : 0),
    objects,
    frames: visibility.frames,
    visibility: vis,
    cameras: visibility.cameras.map((c) => ({ position: [...c.position], forward: [...c.forward] })),
    floorPlan: floorPlanOf(scene),
  };
  const ts = visibility.timestamps;
  const span = ts.length >= 2 ? ts[ts.length - 1]! - ts[0]! : 0;
  if (span > 0) data.fps = (ts.length - 1) / span;
  return data;
}

/**
 * The floor plan routes walk on: the room's polygon (or bounds' rectangle, or an estimate) as perception's renderer
 * resolves it. It counts as estimated unless the source gave the polygon itself (synthetic rooms do; box-only
 * sources such as VSI-Bench's metadata mark their room bounds as synthesised).
 */
function floorPlanOf(scene: Scene): { polygon: [number, number][]; estimated: boolean } {
  const { polygon } = resolveRoomGeometry(scene.room, scene.objects);
  const madeUp = scene.provenance.synthesised.some((p) => p === 'room' || p === 'roomBounds');
  return { polygon: polygon.map((p): [number, number] => [p[0], p[1]]), estimated: madeUp || !scene.room.floorPolygon };
}
