/**
 * Room kinds of the procedural generator: floor-area ranges typical of homes, offices and schools, and a
 * furnishing programme each. Programmes place the anchors first (bed, sofa, desks, counters), then what
 * belongs with them, then optional pieces while floor is left (a room more than ~45% covered leaves no walk).
 */
import type { Placer } from './placement.js';
import type { Range } from '../categories.js';
import { alongWall, between, bedSet, corners, decor, deskSet, diningSet, openings, sofaSet } from './groups.js';

export type RoomKind = 'living room' | 'bedroom' | 'office' | 'kitchen' | 'classroom' | 'meeting room' | 'bathroom';

export interface RoomKindSpec {
  kind: RoomKind;
  /** Floor area in m². */
  area: Range;
  lShapeProbability: number;
  /** Relative frequency among generated scenes. */
  weight: number;
  furnish(p: Placer): void;
}

const MAX_COVERAGE = 0.45;
const roomLeft = (p: Placer): boolean => p.coverage() < MAX_COVERAGE;

function livingRoom(p: Placer): void {
  openings(p, { windows: [1, 3], radiatorChance: 0.5 });
  sofaSet(p);
  if (p.area > 25 && p.rng.chance(0.4)) p.againstWall('sofa', { rawLabel: 'couch' });
  if (p.area > 28 && p.rng.chance(0.5)) diningSet(p, { chairs: [2, 6], ends: true });
  for (let k = between(p, 0, 2); k > 0 && roomLeft(p); k--) p.againstWall('bookshelf');
  if (p.rng.chance(0.15) && roomLeft(p)) p.againstWall('fireplace');
  if (p.rng.chance(0.1) && roomLeft(p)) p.againstWall('piano');
  if (p.rng.chance(0.3) && roomLeft(p)) p.againstWall('cabinet');
  corners(p, 'plant', between(p, 1, 3));
  corners(p, 'floorLamp', between(p, 0, 2));
  if (p.rng.chance(0.1)) corners(p, 'guitar', 1);
  if (p.rng.chance(0.1)) corners(p, 'fan', 1);
  corners(p, 'trashBin', between(p, 0, 1));
  decor(p, { clocks: [0, 1], pictures: [0, 3], mirrors: [0, 1] });
}

function bedroom(p: Placer): void {
  openings(p, { windows: [1, 2], radiatorChance: 0.5 });
  bedSet(p);
  if (p.rng.chance(0.6) && roomLeft(p)) p.againstWall('closet', { rawLabel: p.rng.pick(['wardrobe', 'closet']) });
  if (p.rng.chance(0.5) && roomLeft(p)) {
    const dresser = p.againstWall('dresser');
    if (dresser !== undefined && p.rng.chance(0.25)) p.onTop(dresser, 'tv', { v: 'back' });
    else if (dresser !== undefined && p.rng.chance(0.4)) {
      const wallIndex = p.objects[dresser]!.wallIndex!;
      p.onWall('mirror', { attempts: 10, wall: (w) => (w.index === wallIndex ? 1 : 0), t: (w) => alongWall(p, dresser, w) });
    }
  }
  if (p.rng.chance(0.4) && roomLeft(p)) deskSet(p, { monitors: [0, 1] });
  if (p.rng.chance(0.2) && roomLeft(p)) p.againstWall('armchair');
  corners(p, 'plant', between(p, 0, 2));
  corners(p, 'trashBin', between(p, 0, 1));
  corners(p, 'backpack', between(p, 0, 1));
  if (p.rng.chance(0.1)) corners(p, 'guitar', 1);
  decor(p, { clocks: [0, 1], pictures: [0, 2], mirrors: [0, 1] });
}

function office(p: Placer): void {
  openings(p, { windows: [1, 3], radiatorChance: 0.6 });
  const desks = Math.max(1, Math.min(6, Math.floor(p.area / 7) + between(p, -1, 0)));
  for (let k = 0; k < desks && roomLeft(p); k++) deskSet(p, { free: p.area > 20 && p.rng.chance(0.4), monitors: [1, 2], extras: 2 });
  for (let k = between(p, 1, 3); k > 0 && roomLeft(p); k--) {
    const cab = p.againstWall('cabinet');
    if (cab !== undefined && p.rng.chance(0.35)) p.onTop(cab, 'printer');
  }
  for (let k = between(p, 0, 2); k > 0 && roomLeft(p); k--) p.againstWall('bookshelf');
  if (p.rng.chance(0.4)) p.onWall('whiteboard');
  if (p.rng.chance(0.15) && roomLeft(p)) p.againstWall('armchair');
  corners(p, 'plant', between(p, 0, 3));
  corners(p, 'trashBin', between(p, 1, 2));
  if (p.rng.chance(0.1)) corners(p, 'fan', 1);
  decor(p, { clocks: [0, 1], pictures: [0, 2] });
}

function kitchen(p: Placer): void {
  openings(p, { windows: [1, 2], radiatorChance: 0.3 });
  const fridge = p.againstWall('refrigerator', { along: 'corner', attempts: 60 });
  const runWall = fridge !== undefined ? p.objects[fridge]!.wallIndex! : -1;
  // The rest of the kitchen lines up along the fridge's wall where it can.
  const sameWall = { wall: (w: { index: number }) => (w.index === runWall ? 1 : 0), gap: [0.005, 0.02] as const };
  p.againstWall('stove', sameWall);
  p.againstWall('sink', sameWall);
  const counters: number[] = [];
  for (let k = between(p, 1, 3); k > 0; k--) {
    const c = p.againstWall('counter', { ...sameWall, rawLabel: p.rng.pick(['kitchen counter', 'counter']) });
    if (c !== undefined) counters.push(c);
  }
  if (p.rng.chance(0.5)) p.againstWall('dishwasher', sameWall);
  for (let k = between(p, 0, 2); k > 0; k--) p.againstWall('cabinet', sameWall);
  if (p.rng.chance(0.15)) p.againstWall('washingMachine', { rawLabel: p.rng.pick(['washer', 'washing machine']) });
  if (counters.length > 0 && p.rng.chance(0.75)) p.onTop(p.rng.pick(counters), 'microwave', { v: 'back' });
  if (roomLeft(p)) diningSet(p, { chairs: [2, 6], ends: p.rng.chance(0.5), stools: p.rng.chance(0.15) });
  corners(p, 'trashBin', between(p, 1, 2));
  corners(p, 'plant', between(p, 0, 1));
  decor(p, { clocks: [0, 1], pictures: [0, 1] });
}

function classroom(p: Placer): void {
  openings(p, { doors: [1, 2], windows: [2, 4], radiatorChance: 0.5 });
  const board = p.onWall('whiteboard', { wall: (w) => w.length });
  if (board !== undefined) {
    const b = p.objects[board]!;
    const desk = p.size('desk');
    const teacher = p.relativeTo(board, 'desk', p.rng.range(-0.8, 0.8), 1.1 + desk[1] / 2, Math.PI, { extents: desk });
    if (teacher !== undefined) {
      const ch = p.size('chair');
      p.relativeTo(teacher, 'chair', 0, desk[1] / 2 + 0.15 + ch[1] / 2, Math.PI, { extents: ch, clearance: 0.02 });
      if (p.rng.chance(0.6)) p.onTop(teacher, 'laptop', { v: 'any' });
    }
    // Rows of two-seat desks facing the board; every desk and chair of a classroom is the same model.
    const sd = p.size('schoolDesk');
    const ch = p.size('chair');
    const rowPitch = sd[1] + ch[1] + p.rng.range(0.45, 0.7);
    const colPitch = sd[0] + p.rng.range(0.5, 0.8);
    const wallLength = p.walls[b.wallIndex!]!.length;
    const cols = Math.max(1, Math.floor((wallLength - 1.2) / colPitch));
    for (let r = 0; r < 8; r++) {
      for (let cIdx = 0; cIdx < cols; cIdx++) {
        const u = (cIdx - (cols - 1) / 2) * colPitch;
        const v = 2.6 + r * rowPitch;
        const d = p.relativeTo(board, 'schoolDesk', u, v, 0, { extents: sd });
        if (d === undefined) continue;
        for (const side of [-1, 1]) {
          p.relativeTo(d, 'chair', side * sd[0] * 0.25, sd[1] / 2 + 0.08 + ch[1] / 2, Math.PI, { extents: ch, clearance: 0.02 });
        }
        if (p.rng.chance(0.25)) p.onTop(d, 'laptop', { v: 'any' });
      }
    }
  }
  if (p.rng.chance(0.3)) p.onWall('wallTv');
  for (let k = between(p, 0, 2); k > 0; k--) p.againstWall('cabinet');
  for (let k = between(p, 0, 2); k > 0; k--) p.againstWall('bookshelf');
  corners(p, 'backpack', between(p, 1, 4));
  corners(p, 'trashBin', between(p, 1, 2));
  corners(p, 'plant', between(p, 0, 2));
  decor(p, { clocks: [1, 1], pictures: [0, 2] });
}

function meetingRoom(p: Placer): void {
  openings(p, { windows: [1, 3], radiatorChance: 0.4 });
  const table = diningSet(p, { table: p.area > 22 ? 'meetingTable' : 'table', chairs: [4, 12], minChairs: 4, ends: p.rng.chance(0.5) });
  if (table !== undefined) {
    for (let k = between(p, 0, 3); k > 0; k--) p.onTop(table, 'laptop', { v: 'any' });
    if (p.rng.chance(0.5)) p.onTop(table, 'telephone', { v: 'any' });
  }
  p.onWall('wallTv', { wall: (w) => -w.length });
  if (p.rng.chance(0.6)) p.onWall('whiteboard');
  if (p.rng.chance(0.5)) p.againstWall('cabinet');
  corners(p, 'plant', between(p, 0, 2));
  corners(p, 'trashBin', between(p, 0, 1));
  decor(p, { clocks: [0, 1], pictures: [0, 2] });
}

function bathroom(p: Placer): void {
  openings(p, { windows: [0, 1], radiatorChance: 0.3 });
  if (p.rng.chance(0.6)) p.againstWall('bathtub', { along: 'corner', attempts: 60, gap: [0.005, 0.02] });
  p.againstWall('toilet', { attempts: 60 });
  const vanity = p.againstWall('vanity', { attempts: 60 });
  if (vanity !== undefined) {
    const wallIndex = p.objects[vanity]!.wallIndex!;
    p.onWall('mirror', { attempts: 10, wall: (w) => (w.index === wallIndex ? 1 : 0), t: (w) => alongWall(p, vanity, w) });
  }
  if (p.rng.chance(0.3)) p.againstWall('washingMachine', { rawLabel: p.rng.pick(['washer', 'washing machine']) });
  if (p.rng.chance(0.3)) p.againstWall('cabinet');
  for (let k = between(p, 1, 2); k > 0; k--) p.onWall('towel');
  corners(p, 'trashBin', 1);
  if (p.rng.chance(0.3)) decor(p, { clocks: [0, 0], pictures: [0, 1] });
}

export const ROOM_KINDS: Record<RoomKind, RoomKindSpec> = {
  'living room': { kind: 'living room', area: [15, 45], lShapeProbability: 0.3, weight: 0.22, furnish: livingRoom },
  bedroom: { kind: 'bedroom', area: [9, 25], lShapeProbability: 0.15, weight: 0.2, furnish: bedroom },
  office: { kind: 'office', area: [9, 40], lShapeProbability: 0.25, weight: 0.18, furnish: office },
  kitchen: { kind: 'kitchen', area: [10, 35], lShapeProbability: 0.3, weight: 0.16, furnish: kitchen },
  classroom: { kind: 'classroom', area: [35, 60], lShapeProbability: 0.1, weight: 0.06, furnish: classroom },
  'meeting room': { kind: 'meeting room', area: [15, 40], lShapeProbability: 0.1, weight: 0.08, furnish: meetingRoom },
  bathroom: { kind: 'bathroom', area: [5, 12], lShapeProbability: 0, weight: 0.1, furnish: bathroom },
};

export const ROOM_KIND_NAMES = Object.keys(ROOM_KINDS) as RoomKind[];
