/**
 * Furniture groups that real rooms repeat: a dining table with chairs facing it, a desk with its chair and
 * computer, a bed between nightstands, a sofa facing a TV. Groups that only make sense whole (a dining table
 * with no room for a single chair) are rolled back when they do not fit.
 */
import type { Vec2 } from './polygon.js';
import type { Placer } from './placement.js';
import type { Wall } from './roomShapes.js';

const HALF_PI = Math.PI / 2;

/** Where an object's centre projects along a wall, in metres from the wall's start. */
export function alongWall(p: Placer, index: number, wall: Wall): number {
  const o = p.objects[index]!;
  return (o.center[0] - wall.start[0]) * wall.direction[0] + (o.center[1] - wall.start[1]) * wall.direction[1];
}

/** Front direction (local +y) of a placed object. */
export function frontOf(p: Placer, index: number): Vec2 {
  const yaw = p.objects[index]!.yaw;
  return [-Math.sin(yaw), Math.cos(yaw)];
}

/** Integer in [lo, hi]. */
export function between(p: Placer, lo: number, hi: number): number {
  return lo + p.rng.int(hi - lo + 1);
}

/** Doors first (their approach is kept clear of furniture), then windows, some with a radiator beneath. */
export function openings(p: Placer, opts: { doors?: [number, number]; windows: [number, number]; radiatorChance: number }): void {
  const [d0, d1] = opts.doors ?? [1, 1];
  for (let i = between(p, d0, d1); i > 0; i--) {
    const door = p.onWall('door', { elevation: 0 });
    if (door !== undefined) p.keepClearInFront(door, 1.0, 0.15, 2.2);
  }
  for (let i = between(p, opts.windows[0], opts.windows[1]); i > 0; i--) {
    const win = p.onWall('window');
    if (win === undefined || !p.rng.chance(opts.radiatorChance)) continue;
    const wallIndex = p.objects[win]!.wallIndex!;
    p.onWall('radiator', {
      attempts: 10,
      wall: (w) => (w.index === wallIndex ? 1 : 0),
      t: (w) => alongWall(p, win, w),
    });
  }
}

/** Chairs along the long sides (and maybe the ends) of a table, all of one model, facing it. */
export function chairsAround(p: Placer, table: number, count: number, opts: { key?: 'chair' | 'stool'; ends?: boolean; rawLabel?: string } = {}): number {
  const t = p.objects[table]!;
  const [tw, td] = t.extents;
  const key = opts.key ?? 'chair';
  const ext = p.size(key);
  const gap = p.rng.range(0.05, 0.25);
  const perSide = Math.max(1, Math.floor(tw / 0.62));
  const slots: { u: number; v: number; yaw: number }[] = [];
  for (const side of [1, -1]) {
    for (let k = 0; k < perSide; k++) {
      // Chairs on the +y side face −y: a half turn; on the −y side they already face +y.
      slots.push({ u: (k + 0.5 - perSide / 2) * (tw / perSide), v: side * (td / 2 + gap + ext[1] / 2), yaw: side > 0 ? Math.PI : 0 });
    }
  }
  if (opts.ends) {
    slots.push({ u: tw / 2 + gap + ext[1] / 2, v: 0, yaw: HALF_PI });
    slots.push({ u: -(tw / 2 + gap + ext[1] / 2), v: 0, yaw: -HALF_PI });
  }
  p.rng.shuffle(slots);
  let placed = 0;
  for (const s of slots) {
    if (placed >= count) break;
    const jitter = p.rng.range(-0.12, 0.12);
    const i = p.relativeTo(table, key, s.u + p.rng.range(-0.04, 0.04), s.v, s.yaw + jitter, {
      extents: ext,
      clearance: 0.02,
      ...(opts.rawLabel ? { rawLabel: opts.rawLabel } : {}),
    });
    if (i !== undefined) placed++;
  }
  return placed;
}

/** A table standing free with chairs around it; rolled back when fewer than `minChairs` fit. */
export function diningSet(p: Placer, opts: { table?: 'table' | 'meetingTable'; chairs: [number, number]; minChairs?: number; ends?: boolean; stools?: boolean }): number | undefined {
  for (let attempt = 0; attempt < 12; attempt++) {
    const mark = p.objects.length;
    const table = p.inOpen(opts.table ?? 'table', { attempts: 15, wallDistance: 0.5 });
    if (table === undefined) continue;
    const want = between(p, opts.chairs[0], opts.chairs[1]);
    const got = chairsAround(p, table, want, { ends: opts.ends ?? false, ...(opts.stools ? { key: 'stool' } : {}) });
    if (got >= Math.min(want, opts.minChairs ?? 2)) return table;
    p.rollback(mark);
  }
  return undefined;
}

/** A desk (against a wall or free), its chair, and what people keep on desks. */
export function deskSet(p: Placer, opts: { free?: boolean; monitors?: [number, number]; extras?: number } = {}): number | undefined {
  for (let attempt = 0; attempt < 6; attempt++) {
    const mark = p.objects.length;
    const desk = opts.free ? p.inOpen('desk', { attempts: 15, wallDistance: 0.4 }) : p.againstWall('desk', { attempts: 15 });
    if (desk === undefined) continue;
    const d = p.objects[desk]!;
    const chairExt = p.size('chair');
    const chair = p.relativeTo(desk, 'chair', p.rng.range(-0.15, 0.15), d.extents[1] / 2 + p.rng.range(0.05, 0.3) + chairExt[1] / 2, Math.PI + p.rng.range(-0.2, 0.2), {
      extents: chairExt,
      rawLabel: p.rng.pick(['chair', 'office chair']),
      clearance: 0.02,
    });
    if (chair === undefined) {
      p.rollback(mark);
      continue;
    }
    const [m0, m1] = opts.monitors ?? [0, 2];
    const monitors = between(p, m0, m1);
    for (let m = 0; m < monitors; m++) {
      p.onTop(desk, 'monitor', { v: 'back', u: monitors === 1 ? 0 : (m - 0.5) * 0.6 });
    }
    if (monitors > 0 || p.rng.chance(0.5)) {
      const kb = p.onTop(desk, 'keyboard', { v: 'front', u: 0 });
      if (kb !== undefined && p.rng.chance(0.6)) p.onTop(desk, 'mouse', { v: 'front', u: 0.32 });
    }
    if (monitors === 0 || p.rng.chance(0.2)) p.onTop(desk, 'laptop', { v: 'any' });
    const extras = opts.extras ?? 1;
    for (let e = 0; e < extras; e++) {
      const which = p.rng.pick(['tableLamp', 'telephone', 'none', 'none'] as const);
      if (which !== 'none') p.onTop(desk, which, { v: 'back' });
    }
    if (p.rng.chance(0.3)) {
      const bag = p.size('backpack');
      p.relativeTo(desk, 'backpack', (p.rng.chance(0.5) ? 1 : -1) * (d.extents[0] / 2 + 0.1 + bag[0] / 2), d.extents[1] / 2 - bag[1] / 2, p.rng.range(-0.5, 0.5), { extents: bag });
    }
    return desk;
  }
  return undefined;
}

/** A bed with its head to a wall, nightstands either side, lamps on them and pillows at the head. */
export function bedSet(p: Placer): number | undefined {
  const bed = p.againstWall('bed', { attempts: 60, wall: (w) => w.length });
  if (bed === undefined) return undefined;
  const b = p.objects[bed]!;
  const [bw, bd] = b.extents;
  const double = bw >= 1.35;
  const ns = p.size('nightstand');
  const sides = p.rng.shuffle([1, -1]).slice(0, double ? between(p, 1, 2) : 1);
  for (const side of sides) {
    const i = p.relativeTo(bed, 'nightstand', side * (bw / 2 + p.rng.range(0.03, 0.12) + ns[0] / 2), -bd / 2 + ns[1] / 2, 0, { extents: ns, clearance: 0.02 });
    if (i !== undefined && p.rng.chance(0.75)) p.onTop(i, 'tableLamp', { rawLabel: 'lamp' });
    else if (i !== undefined && p.rng.chance(0.3)) p.onTop(i, 'telephone');
  }
  const pillows = double ? between(p, 1, 3) : between(p, 0, 1);
  const pillowExt = p.size('pillow');
  for (let k = 0; k < pillows; k++) {
    p.onTop(bed, 'pillow', { extents: pillowExt, v: 'back', u: pillows === 1 ? 0 : (k / (pillows - 1) - 0.5) * (bw - pillowExt[0] - 0.1) });
  }
  return bed;
}

/** A sofa against a wall, a coffee table before it, armchairs at the table's ends and a TV across. */
export function sofaSet(p: Placer): number | undefined {
  const sofa = p.againstWall('sofa', { attempts: 60, wall: (w) => w.length });
  if (sofa === undefined) return undefined;
  const s = p.objects[sofa]!;
  const ct = p.size('coffeeTable');
  const table = p.relativeTo(sofa, 'coffeeTable', p.rng.range(-0.1, 0.1), s.extents[1] / 2 + p.rng.range(0.35, 0.55) + ct[1] / 2, 0, { extents: ct });
  if (table !== undefined) {
    const arm = p.size('armchair');
    for (const side of p.rng.shuffle([1, -1]).slice(0, between(p, 0, 2))) {
      // An armchair at the table's +x end faces −x: a quarter turn; at the −x end the opposite quarter.
      p.relativeTo(table, 'armchair', side * (ct[0] / 2 + p.rng.range(0.3, 0.45) + arm[1] / 2), 0, side * HALF_PI + p.rng.range(-0.15, 0.15), { extents: arm });
    }
  }
  const front = frontOf(p, sofa);
  const across = (w: Wall): number => -(w.normal[0] * front[0] + w.normal[1] * front[1]);
  const target: Vec2 = [s.center[0], s.center[1]];
  if (p.rng.chance(0.6)) {
    const stand = p.againstWall('tvStand', { wall: across, along: target });
    if (stand !== undefined) p.onTop(stand, 'tv', { v: 'back', u: 0 });
  } else {
    p.onWall('wallTv', { wall: across, t: (w) => (target[0] - w.start[0]) * w.direction[0] + (target[1] - w.start[1]) * w.direction[1] });
  }
  return sofa;
}

/** Small things that stand in corners or along walls. */
export function corners(p: Placer, key: 'plant' | 'floorLamp' | 'trashBin' | 'fan' | 'guitar' | 'backpack', count: number): void {
  for (let k = 0; k < count; k++) {
    if (p.rng.chance(0.7)) p.againstWall(key, { along: 'corner', gap: [0.02, 0.2], attempts: 20 });
    else p.inOpen(key, { anyYaw: true, attempts: 20 });
  }
}

/** Things on the walls at their usual heights. */
export function decor(p: Placer, opts: { clocks?: [number, number]; pictures?: [number, number]; mirrors?: [number, number] }): void {
  const [c0, c1] = opts.clocks ?? [0, 1];
  for (let k = between(p, c0, c1); k > 0; k--) p.onWall('clock');
  const [p0, p1] = opts.pictures ?? [0, 2];
  for (let k = between(p, p0, p1); k > 0; k--) p.onWall('picture');
  const [m0, m1] = opts.mirrors ?? [0, 0];
  for (let k = between(p, m0, m1); k > 0; k--) p.onWall('mirror');
}
