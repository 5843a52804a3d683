/** Where an object stands on the floor plan: the XY projection of its oriented box. */
import type { OrientedBox } from '../../../shared/scene.js';
import { boxCorners } from '../obb.js';
import type { Vec2 } from './polygon.js';
import { convexHull } from './polygon.js';

/**
 * Convex counter-clockwise XY footprint of any oriented box. Yaw-only boxes give their rectangle; tilted
 * boxes (PCA-oriented real annotations) give the hexagon their shadow really is.
 */
export function boxFootprint(box: OrientedBox): Vec2[] {
  return convexHull(boxCorners(box).map((c): Vec2 => [c[0], c[1]]));
}

/** Counter-clockwise rectangle of a box of width × depth centred at (cx, cy), its local x axis at `yaw`. */
export function rectangleFootprint(cx: number, cy: number, width: number, depth: number, yaw: number): Vec2[] {
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  const hw = width / 2;
  const hd = depth / 2;
  const corner = (u: number, v: number): Vec2 => [cx + c * u - s * v, cy + s * u + c * v];
  return [corner(-hw, -hd), corner(hw, -hd), corner(hw, hd), corner(-hw, hd)];
}
