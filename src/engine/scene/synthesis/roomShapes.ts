/** Floor plans of generated rooms: rectangles and L-shapes of a requested area, and their walls. */
import type { Rng } from '../../../shared/random.js';
import type { Vec2 } from './polygon.js';

export type RoomShapeKind = 'rectangle' | 'l-shape';

export interface RoomShape {
  kind: RoomShapeKind;
  /** Counter-clockwise, its bounding rectangle centred on the origin. */
  polygon: Vec2[];
}

export interface Wall {
  index: number;
  start: Vec2;
  end: Vec2;
  length: number;
  /** Unit vector from start to end. */
  direction: Vec2;
  /** Unit normal pointing into the room. */
  normal: Vec2;
}

/** Narrowest a room or an arm of an L may be: room for furniture along one wall and a walkway. */
const MIN_SIDE = 2.4;
/** Below this an L-shape would leave arms too narrow to furnish. */
const MIN_L_AREA = 20;

const round2 = (v: number): number => Math.round(v * 100) / 100;

export function rectanglePolygon(width: number, depth: number): Vec2[] {
  const w = width / 2;
  const d = depth / 2;
  return [
    [-w, -d],
    [w, -d],
    [w, d],
    [-w, d],
  ];
}

/** The width × depth rectangle without its (+x, +y) corner notch, turned by `quarterTurns` × 90°. */
export function lShapePolygon(width: number, depth: number, notchWidth: number, notchDepth: number, quarterTurns: number): Vec2[] {
  const w = width / 2;
  const d = depth / 2;
  const base: Vec2[] = [
    [-w, -d],
    [w, -d],
    [w, d - notchDepth],
    [w - notchWidth, d - notchDepth],
    [w - notchWidth, d],
    [-w, d],
  ];
  // Exact quarter turns keep coordinates on the centimetre grid (no 1e-17 noise from cos(π/2)).
  const q = ((quarterTurns % 4) + 4) % 4;
  return base.map((p): Vec2 => {
    const r: Vec2 = q === 0 ? p : q === 1 ? [-p[1], p[0]] : q === 2 ? [-p[0], -p[1]] : [p[1], -p[0]];
    return [r[0] + 0, r[1] + 0];
  });
}

/**
 * A floor plan of about `area` m² (exactly its polygon's area after rounding sides to the centimetre). Small
 * rooms are always rectangles.
 */
export function sampleRoomShape(rng: Rng, area: number, lShapeProbability: number): RoomShape {
  if (area >= MIN_L_AREA && rng.chance(lShapeProbability)) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const fx = rng.range(0.3, 0.5);
      const fy = rng.range(0.3, 0.5);
      const aspect = rng.range(1, 1.6);
      const total = area / (1 - fx * fy);
      let width = Math.sqrt(total * aspect);
      let depth = total / width;
      if (rng.chance(0.5)) [width, depth] = [depth, width];
      const nw = round2(fx * width);
      const nd = round2(fy * depth);
      width = round2(width);
      depth = round2(depth);
      if (width - nw < MIN_SIDE || depth - nd < MIN_SIDE) continue;
      return { kind: 'l-shape', polygon: lShapePolygon(width, depth, nw, nd, rng.int(4)) };
    }
  }
  const aspect = rng.range(1, area < 15 ? 1.4 : 1.8);
  let width = Math.max(MIN_SIDE, Math.sqrt(area * aspect));
  let depth = Math.max(MIN_SIDE, area / width);
  if (rng.chance(0.5)) [width, depth] = [depth, width];
  return { kind: 'rectangle', polygon: rectanglePolygon(round2(width), round2(depth)) };
}

export function wallsOf(polygon: readonly Vec2[]): Wall[] {
  return polygon.map((start, index) => {
    const end = polygon[(index + 1) % polygon.length]!;
    const length = Math.hypot(end[0] - start[0], end[1] - start[1]);
    const direction: Vec2 = [(end[0] - start[0]) / length, (end[1] - start[1]) / length];
    return { index, start, end, length, direction, normal: [-direction[1], direction[0]] };
  });
}
