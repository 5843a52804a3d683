/**
 * Where a person can walk: a grid over the floor plan whose free cells keep a margin from the walls and a
 * clearance from every obstacle footprint, with shortest paths and line-of-sight tests on it.
 *
 * A cell is free only if its centre keeps margin + half a cell diagonal + a sixth of a cell: every point of a free
 * cell then keeps the margin plus a sixth (distance is 1-Lipschitz), and line-of-sight tests sample segments every
 * third of a cell, so every point of a checked segment, not just its samples, keeps the margin.
 */
import { hypot } from '../math.js';
import type { Vec2 } from './polygon.js';
import { distanceToConvex, insideClearance, polygonBounds } from './polygon.js';

export interface Obstacle {
  footprint: Vec2[];
  min: Vec2;
  max: Vec2;
}

/** Distances measured once per scene; free cells for any margin up to `maxReach` are derived from them. */
export interface DistanceGrid {
  x0: number;
  y0: number;
  res: number;
  nx: number;
  ny: number;
  /** Signed distance to the room boundary at each cell centre (negative outside). */
  wall: Float32Array;
  /** Distance to the nearest obstacle footprint, capped at maxReach. */
  obstacle: Float32Array;
  /** Added to every margin so whole cells and the segments between line-of-sight samples keep it. */
  slack: number;
}

/** Grids stay near 40 000 cells whatever the room size, so planning time does not grow with area. */
const TARGET_CELLS = 40_000;

export function buildDistanceGrid(polygon: readonly Vec2[], obstacles: readonly Obstacle[], maxReach: number): DistanceGrid {
  const b = polygonBounds(polygon);
  const w = Math.max(1e-3, b.max[0] - b.min[0]);
  const h = Math.max(1e-3, b.max[1] - b.min[1]);
  const res = Math.max(0.1, Math.sqrt((w * h) / TARGET_CELLS));
  const nx = Math.max(1, Math.ceil(w / res));
  const ny = Math.max(1, Math.ceil(h / res));
  const slack = res * (Math.SQRT2 / 2 + 1 / 6);
  const wall = new Float32Array(nx * ny);
  const obstacle = new Float32Array(nx * ny).fill(maxReach + slack + res);
  for (let j = 0; j < ny; j++) {
    const y = b.min[1] + (j + 0.5) * res;
    for (let i = 0; i < nx; i++) wall[j * nx + i] = insideClearance(b.min[0] + (i + 0.5) * res, y, polygon);
  }
  const reach = maxReach + slack + res;
  for (const o of obstacles) {
    const i0 = Math.max(0, Math.floor((o.min[0] - reach - b.min[0]) / res));
    const i1 = Math.min(nx - 1, Math.ceil((o.max[0] + reach - b.min[0]) / res));
    const j0 = Math.max(0, Math.floor((o.min[1] - reach - b.min[1]) / res));
    const j1 = Math.min(ny - 1, Math.ceil((o.max[1] + reach - b.min[1]) / res));
    for (let j = j0; j <= j1; j++) {
      const y = b.min[1] + (j + 0.5) * res;
      for (let i = i0; i <= i1; i++) {
        const k = j * nx + i;
        const d = distanceToConvex(b.min[0] + (i + 0.5) * res, y, o.footprint);
        if (d < obstacle[k]!) obstacle[k] = d;
      }
    }
  }
  return { x0: b.min[0], y0: b.min[1], res, nx, ny, wall, obstacle, slack };
}

export interface Walkable {
  grid: DistanceGrid;
  free: Uint8Array;
  /** Cells of the largest 8-connected free region, in index order. */
  component: number[];
  inComponent: Uint8Array;
  wallMargin: number;
  clearance: number;
}

export function walkableRegion(grid: DistanceGrid, wallMargin: number, clearance: number): Walkable {
  const { nx, ny, wall, obstacle, slack } = grid;
  const free = new Uint8Array(nx * ny);
  for (let k = 0; k < nx * ny; k++) free[k] = wall[k]! >= wallMargin + slack && obstacle[k]! >= clearance + slack ? 1 : 0;
  const label = new Int32Array(nx * ny).fill(-1);
  let best: number[] = [];
  const stack: number[] = [];
  const near = new Int32Array(8);
  for (let start = 0; start < nx * ny; start++) {
    if (!free[start] || label[start]! >= 0) continue;
    const cells: number[] = [];
    label[start] = start;
    stack.push(start);
    while (stack.length) {
      const k = stack.pop()!;
      cells.push(k);
      for (let q = 0, n = neighbours(grid, free, k, near); q < n; q++) {
        const m = near[q]! >> 3;
        if (label[m]! < 0) {
          label[m] = start;
          stack.push(m);
        }
      }
    }
    if (cells.length > best.length) best = cells;
  }
  best.sort((a, b) => a - b);
  const inComponent = new Uint8Array(nx * ny);
  for (const k of best) inComponent[k] = 1;
  return { grid, free, component: best, inComponent, wallMargin, clearance };
}

/** The 8 steps (di, dj) and their lengths, in the order every search visits them. */
const STEP_DI = [1, -1, 0, 0, 1, 1, -1, -1];
const STEP_DJ = [0, 0, 1, -1, 1, -1, 1, -1];
const STEP_COST = [1, 1, 1, 1, Math.SQRT2, Math.SQRT2, Math.SQRT2, Math.SQRT2];

/**
 * Cell k's 8-neighbourhood without cutting corners (a diagonal step needs both orthogonal cells free), written
 * into `out` as `cell << 3 | step` in step order (grids stay near TARGET_CELLS, far below 2^28 cells); returns how
 * many. Not a visitor callback: the flood fill and the path search run it for every cell, and a closure per call
 * was a fifth of planning.
 */
function neighbours(grid: DistanceGrid, free: Uint8Array, k: number, out: Int32Array): number {
  const { nx, ny } = grid;
  const i = k % nx;
  const j = (k - i) / nx;
  let n = 0;
  for (let s = 0; s < 8; s++) {
    const di = STEP_DI[s]!;
    const dj = STEP_DJ[s]!;
    const a = i + di;
    const b = j + dj;
    if (a < 0 || b < 0 || a >= nx || b >= ny) continue;
    const m = b * nx + a;
    if (!free[m]) continue;
    if (di !== 0 && dj !== 0 && (!free[j * nx + a] || !free[b * nx + i])) continue;
    out[n++] = (m << 3) | s;
  }
  return n;
}

export function cellCenter(grid: DistanceGrid, k: number): Vec2 {
  const i = k % grid.nx;
  const j = (k - i) / grid.nx;
  return [grid.x0 + (i + 0.5) * grid.res, grid.y0 + (j + 0.5) * grid.res];
}

export function cellAt(grid: DistanceGrid, x: number, y: number): number {
  const i = Math.floor((x - grid.x0) / grid.res);
  const j = Math.floor((y - grid.y0) / grid.res);
  if (i < 0 || j < 0 || i >= grid.nx || j >= grid.ny) return -1;
  return j * grid.nx + i;
}

/** Whether the straight segment a→b stays in free cells, sampled three times per cell. */
export function lineOfSight(w: Walkable, a: Vec2, b: Vec2): boolean {
  const len = hypot(b[0] - a[0], b[1] - a[1]);
  const n = Math.max(1, Math.ceil((3 * len) / w.grid.res));
  for (let s = 0; s <= n; s++) {
    const t = s / n;
    const k = cellAt(w.grid, a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]));
    if (k < 0 || !w.inComponent[k]) return false;
  }
  return true;
}

/** Dijkstra on the 8-connected free grid; cell indices from `from` to `to` inclusive. */
export function shortestPath(w: Walkable, from: number, to: number): number[] {
  const { nx, ny } = w.grid;
  const dist = new Float64Array(nx * ny).fill(Infinity);
  const prev = new Int32Array(nx * ny).fill(-1);
  const heap = new MinHeap();
  const near = new Int32Array(8);
  dist[from] = 0;
  heap.push(from, 0);
  while (heap.size > 0) {
    const d = heap.topPriority();
    const k = heap.pop();
    if (d > dist[k]!) continue;
    if (k === to) break;
    for (let q = 0, n = neighbours(w.grid, w.inComponent, k, near); q < n; q++) {
      const m = near[q]! >> 3;
      const nd = d + STEP_COST[near[q]! & 7]!;
      if (nd < dist[m]!) {
        dist[m] = nd;
        prev[m] = k;
        heap.push(m, nd);
      }
    }
  }
  if (from !== to && prev[to] === -1) return [from];
  const path: number[] = [];
  for (let k = to; k !== -1; k = k === from ? -1 : prev[k]!) path.push(k);
  return path.reverse();
}

/** Binary min-heap of (cell, priority), ties broken by cell index so results never depend on insertion luck. */
class MinHeap {
  private keys = new Int32Array(1024);
  private prio = new Float64Array(1024);
  private count = 0;
  get size(): number {
    return this.count;
  }
  private less(a: number, b: number): boolean {
    const pa = this.prio[a]!;
    const pb = this.prio[b]!;
    return pa < pb || (pa === pb && this.keys[a]! < this.keys[b]!);
  }
  private swap(a: number, b: number): void {
    const k = this.keys[a]!;
    this.keys[a] = this.keys[b]!;
    this.keys[b] = k;
    const p = this.prio[a]!;
    this.prio[a] = this.prio[b]!;
    this.prio[b] = p;
  }
  push(key: number, p: number): void {
    if (this.count === this.keys.length) {
      const keys = new Int32Array(2 * this.count);
      const prio = new Float64Array(2 * this.count);
      keys.set(this.keys);
      prio.set(this.prio);
      this.keys = keys;
      this.prio = prio;
    }
    let i = this.count++;
    this.keys[i] = key;
    this.prio[i] = p;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  topPriority(): number {
    return this.prio[0]!;
  }
  /** Removes and returns the top cell. */
  pop(): number {
    const top = this.keys[0]!;
    const last = --this.count;
    if (last > 0) {
      this.keys[0] = this.keys[last]!;
      this.prio[0] = this.prio[last]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < last && this.less(l, m)) m = l;
        if (r < last && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}
