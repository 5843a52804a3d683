/**
 * The read-only scene API that programs run against. One implementation serves both sides: the host calls
 * `createSceneApi` directly (filters, families) and the sandbox evaluates `sceneApiPrelude()`, which is the
 * same function as source text. That is why `createSceneApi` must stay self-contained: no imported values, no
 * module-level helpers, only ES2023 built-ins — anything else would be a ReferenceError inside QuickJS.
 * Definitions of every function: API.md beside this file.
 */
import type { FreeSpaceGrid, ObjectRef, ObjectView, ProgramSceneData, RouteMemo, RouteView, RouteWalk, SceneApi } from './types.js';

interface Geometry {
  view: ObjectView;
  /** Centre. */
  c: number[];
  /** Local axes: axis j is (a[3j], a[3j+1], a[3j+2]). */
  a: number[];
  /** Half extents. */
  h: number[];
  /** 8 corners, xyz interleaved, corner k has signs (k&1 ? +x : −x, k&2 ? +y : −y, k&4 ? +z : −z); empty until `shaped`. */
  corners: number[];
  /** Per edge (EDGES order): midpoint xyz and half length, 4 numbers each; bounds prune edge pairs. Empty until `shaped`. */
  edges: number[];
  zMin: number;
  zMax: number;
}

/**
 * `memo` (host only): where `route` keeps its walks and walker cells, owned by the caller so what the host found can
 * go to the sandbox with the scene data (`ProgramSceneData.walks`, `.stands`) instead of being searched again there.
 */
export function createSceneApi(data: ProgramSceneData, memo: RouteMemo = { walks: new Map(), stands: new Map() }): SceneApi {
  // Corner-index pairs of the 12 box edges (corners differ in exactly one sign bit).
  const EDGES = [0, 1, 2, 3, 4, 5, 6, 7, 0, 2, 1, 3, 4, 6, 5, 7, 0, 4, 1, 5, 2, 6, 3, 7];
  // Below this a distance is rounding noise of touching boxes, reported as contact.
  const CONTACT = 1e-9;

  const fail = (message: string): never => {
    throw new Error(message);
  };

  const finiteList = (v: unknown, n: number, what: string): number[] => {
    if (!Array.isArray(v) || v.length !== n) return fail(`${what}: expected ${n} numbers`);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const x: unknown = v[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) return fail(`${what}[${i}]: expected a finite number`);
      out.push(x);
    }
    return out;
  };

  const freezeList = <T>(items: T[]): readonly T[] => Object.freeze(items);

  // A table the host computed with this same function and sent with the data (distances, walks, walker cells):
  // read an entry when it is first needed, as building every table's memo up front was most of opening a scene in
  // the sandbox's interpreter.
  const sent = <T>(table: Record<string, T> | undefined, key: string): T | undefined =>
    table && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;

  // ---- objects -------------------------------------------------------------------------------------------

  const byId = new Map<number, Geometry>();
  const labelLists = new Map<string, ObjectView[]>();
  if (!data || !Array.isArray(data.objects)) fail('scene data: expected an objects array');
  for (const o of data.objects) {
    if (typeof o.id !== 'number' || !Number.isFinite(o.id)) fail('scene data: object id must be a finite number');
    if (typeof o.label !== 'string') fail(`object ${o.id}: label must be a string`);
    if (byId.has(o.id)) fail(`scene data: duplicate object id ${o.id}`);
    const c = finiteList(o.center, 3, `object ${o.id} center`);
    const e = finiteList(o.extents, 3, `object ${o.id} extents`);
    const r = finiteList(o.rotation, 9, `object ${o.id} rotation`);
    const a = [r[0]!, r[3]!, r[6]!, r[1]!, r[4]!, r[7]!, r[2]!, r[5]!, r[8]!];
    const h = [e[0]! / 2, e[1]! / 2, e[2]! / 2];
    const zReach = Math.abs(r[6]!) * h[0]! + Math.abs(r[7]!) * h[1]! + Math.abs(r[8]!) * h[2]!;
    const view = Object.freeze({
      id: o.id,
      label: o.label,
      center: Object.freeze([c[0]!, c[1]!, c[2]!] as [number, number, number]),
      extents: Object.freeze([e[0]!, e[1]!, e[2]!] as [number, number, number]),
      rotation: Object.freeze(r as [number, number, number, number, number, number, number, number, number]),
    });
    byId.set(o.id, { view, c, a, h, corners: [], edges: [], zMin: c[2]! - zReach, zMax: c[2]! + zReach });
  }

  // Corners and edges are made when first needed: with the host's distance table the sandbox rarely needs them,
  // and making them for every object was a third of opening a scene there.
  const shaped = (g: Geometry): Geometry => {
    if (g.corners.length > 0) return g;
    const { c, a, h, corners, edges } = g;
    for (let k = 0; k < 8; k++) {
      const sx = k & 1 ? h[0]! : -h[0]!;
      const sy = k & 2 ? h[1]! : -h[1]!;
      const sz = k & 4 ? h[2]! : -h[2]!;
      for (let i = 0; i < 3; i++) corners.push(c[i]! + a[i]! * sx + a[3 + i]! * sy + a[6 + i]! * sz);
    }
    for (let k = 0; k < 24; k += 2) {
      const p = 3 * EDGES[k]!, q = 3 * EDGES[k + 1]!;
      const dx = corners[q]! - corners[p]!, dy = corners[q + 1]! - corners[p + 1]!, dz = corners[q + 2]! - corners[p + 2]!;
      edges.push((corners[p]! + corners[q]!) / 2, (corners[p + 1]! + corners[q + 1]!) / 2, (corners[p + 2]! + corners[q + 2]!) / 2, Math.sqrt(dx * dx + dy * dy + dz * dz) / 2);
    }
    return g;
  };
  const sortedIds = Array.from(byId.keys()).sort((x, y) => x - y);
  const allViews = freezeList(sortedIds.map((id) => byId.get(id)!.view));
  for (const v of allViews) {
    const list = labelLists.get(v.label);
    if (list) list.push(v);
    else labelLists.set(v.label, [v]);
  }
  const frozenLabelLists = new Map<string, readonly ObjectView[]>();
  for (const [label, list] of labelLists) frozenLabelLists.set(label, freezeList(list));
  // Plain code-unit order, never localeCompare: the sandbox and the host must sort identically.
  const allLabels = freezeList(Array.from(labelLists.keys()).sort());
  const NONE = freezeList<ObjectView>([]);
  const NONE_FRAMES = freezeList<number>([]);

  const describe = (v: unknown): string => {
    if (v === null) return 'null';
    if (typeof v === 'string') return JSON.stringify(v);
    return typeof v;
  };

  const geom = (ref: ObjectRef, what: string): Geometry => {
    const r: unknown = ref;
    let id: unknown;
    if (typeof r === 'number') id = r;
    else if (r !== null && typeof r === 'object') id = (r as { id?: unknown }).id;
    if (typeof id !== 'number') throw new TypeError(`${what}: expected an object or an object id, got ${describe(r)}`);
    const g = byId.get(id);
    if (!g) return fail(`${what}: no object with id ${id}`);
    return g;
  };

  // ---- frames --------------------------------------------------------------------------------------------

  const frames = data.frames;
  if (typeof frames !== 'number' || !Number.isInteger(frames) || frames < 0) fail('scene data: frames must be a non-negative integer');
  if (!Array.isArray(data.cameras) || data.cameras.length !== frames) fail(`scene data: expected ${frames} cameras, one per frame`);
  const cameraPositions = data.cameras.map((cam, i) => finiteList(cam.position, 3, `camera ${i} position`));
  const visibility = data.visibility || {};
  const visibleLists = new Map<number, readonly number[]>();
  const firstFrames = new Map<number, number | null>();
  for (const id of sortedIds) {
    const key = String(id);
    const v = Object.prototype.hasOwnProperty.call(visibility, key) ? visibility[key] : undefined;
    visibleLists.set(id, freezeList(v && Array.isArray(v.frames) ? v.frames.slice() : []));
    firstFrames.set(id, v && typeof v.firstFrame === 'number' ? v.firstFrame : null);
  }

  const checkFrame = (frame: unknown): number => {
    if (typeof frame !== 'number' || !Number.isInteger(frame) || frame < 0 || frame >= frames) {
      const range = frames === 0 ? 'the scene has no video frames' : `frames are 0 to ${frames - 1}`;
      throw new RangeError(`frame ${String(frame)} out of range: ${range}`);
    }
    return frame;
  };

  // ---- geometry ------------------------------------------------------------------------------------------

  /** Squared distance from a point to the solid box (0 inside). */
  const pointBoxSq = (g: Geometry, px: number, py: number, pz: number): number => {
    const dx = px - g.c[0]!;
    const dy = py - g.c[1]!;
    const dz = pz - g.c[2]!;
    let s = 0;
    for (let j = 0; j < 3; j++) {
      const t = g.a[3 * j]! * dx + g.a[3 * j + 1]! * dy + g.a[3 * j + 2]! * dz;
      const over = Math.abs(t) - g.h[j]!;
      if (over > 0) s += over * over;
    }
    return s;
  };

  const clamp = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

  /** Squared distance between segments P = p[i..], Q = q[j..] of two corner arrays (Ericson, RTCD 5.1.9). */
  const segmentSq = (p: number[], p0: number, p1: number, q: number[], q0: number, q1: number): number => {
    const d1x = p[p1]! - p[p0]!, d1y = p[p1 + 1]! - p[p0 + 1]!, d1z = p[p1 + 2]! - p[p0 + 2]!;
    const d2x = q[q1]! - q[q0]!, d2y = q[q1 + 1]! - q[q0 + 1]!, d2z = q[q1 + 2]! - q[q0 + 2]!;
    const rx = p[p0]! - q[q0]!, ry = p[p0 + 1]! - q[q0 + 1]!, rz = p[p0 + 2]! - q[q0 + 2]!;
    const a = d1x * d1x + d1y * d1y + d1z * d1z;
    const e = d2x * d2x + d2y * d2y + d2z * d2z;
    const f = d2x * rx + d2y * ry + d2z * rz;
    let s = 0;
    let t = 0;
    if (a <= 1e-30 && e <= 1e-30) {
      s = 0;
      t = 0;
    } else if (a <= 1e-30) {
      t = clamp(f / e);
    } else {
      const c = d1x * rx + d1y * ry + d1z * rz;
      if (e <= 1e-30) {
        s = clamp(-c / a);
      } else {
        const b = d1x * d2x + d1y * d2y + d1z * d2z;
        const denom = a * e - b * b;
        // Parallel edges: any s works; the clamps below then find the true closest pair.
        s = denom > 1e-12 * a * e ? clamp((b * f - c * e) / denom) : 0;
        t = (b * s + f) / e;
        if (t < 0) {
          t = 0;
          s = clamp(-c / a);
        } else if (t > 1) {
          t = 1;
          s = clamp((b - c) / a);
        }
      }
    }
    const x = rx + d1x * s - d2x * t;
    const y = ry + d1y * s - d2y * t;
    const z = rz + d1z * s - d2z * t;
    return x * x + y * y + z * z;
  };

  /** Half-width of the box's projection onto unit axis (lx, ly, lz). */
  const radiusAlong = (g: Geometry, lx: number, ly: number, lz: number): number =>
    g.h[0]! * Math.abs(g.a[0]! * lx + g.a[1]! * ly + g.a[2]! * lz) +
    g.h[1]! * Math.abs(g.a[3]! * lx + g.a[4]! * ly + g.a[5]! * lz) +
    g.h[2]! * Math.abs(g.a[6]! * lx + g.a[7]! * ly + g.a[8]! * lz);

  /** Gap between the boxes' projections onto unit axis l (t = B's centre − A's): a lower bound of their distance. */
  const axisGap = (A: Geometry, B: Geometry, tx: number, ty: number, tz: number, lx: number, ly: number, lz: number): number =>
    Math.abs(tx * lx + ty * ly + tz * lz) - radiusAlong(A, lx, ly, lz) - radiusAlong(B, lx, ly, lz);

  /**
   * Exact distance between two solid oriented boxes. The separating-axis test (15 axes) decides overlap; for
   * disjoint boxes the closest pair lies on a vertex–box or an edge–edge pair (the contact set of two convex
   * polytopes is a planar polygon intersection, whose vertices are polytope vertices or edge crossings), so the
   * minimum over those 16 + 144 features is the distance, not an approximation.
   */
  const boxDistance = (A: Geometry, B: Geometry): number => {
    const tx = B.c[0]! - A.c[0]!, ty = B.c[1]! - A.c[1]!, tz = B.c[2]! - A.c[2]!;
    let gap = -Infinity;
    for (let j = 0; j < 3; j++) {
      gap = Math.max(gap, axisGap(A, B, tx, ty, tz, A.a[3 * j]!, A.a[3 * j + 1]!, A.a[3 * j + 2]!));
      gap = Math.max(gap, axisGap(A, B, tx, ty, tz, B.a[3 * j]!, B.a[3 * j + 1]!, B.a[3 * j + 2]!));
    }
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const ax = A.a[3 * i]!, ay = A.a[3 * i + 1]!, az = A.a[3 * i + 2]!;
        const bx = B.a[3 * j]!, by = B.a[3 * j + 1]!, bz = B.a[3 * j + 2]!;
        const lx = ay * bz - az * by, ly = az * bx - ax * bz, lz = ax * by - ay * bx;
        const n = Math.sqrt(lx * lx + ly * ly + lz * lz);
        // Near-parallel edges give no axis the face axes do not already cover.
        if (n > 1e-9) gap = Math.max(gap, axisGap(A, B, tx, ty, tz, lx / n, ly / n, lz / n));
      }
    if (gap <= 0) return 0;
    shaped(A);
    shaped(B);
    let best = Infinity;
    for (let k = 0; k < 24; k += 3) {
      best = Math.min(best, pointBoxSq(B, A.corners[k]!, A.corners[k + 1]!, A.corners[k + 2]!));
      best = Math.min(best, pointBoxSq(A, B.corners[k]!, B.corners[k + 1]!, B.corners[k + 2]!));
    }
    let reach = Math.sqrt(best);
    for (let i = 0; i < 12; i++)
      for (let j = 0; j < 12; j++) {
        // Two segments are no closer than their midpoints' distance less both half lengths.
        const mx = A.edges[4 * i]! - B.edges[4 * j]!, my = A.edges[4 * i + 1]! - B.edges[4 * j + 1]!, mz = A.edges[4 * i + 2]! - B.edges[4 * j + 2]!;
        const r = reach + A.edges[4 * i + 3]! + B.edges[4 * j + 3]!;
        if (mx * mx + my * my + mz * mz > r * r) continue;
        const sq = segmentSq(A.corners, 3 * EDGES[2 * i]!, 3 * EDGES[2 * i + 1]!, B.corners, 3 * EDGES[2 * j]!, 3 * EDGES[2 * j + 1]!);
        if (sq < best) {
          best = sq;
          reach = Math.sqrt(best);
        }
      }
    // Every axis gap is a lower bound of the distance; taking the max guards the rounding of the minimum.
    const d = Math.max(Math.sqrt(best), gap);
    return d < CONTACT ? 0 : d;
  };

  // The host may hand in distances it computed with this same function (V8 is ~40× faster than the sandbox's
  // interpreter); a program's scene.distance() then looks them up (`sent`).
  const distanceMemo = new Map<string, number>();

  // ---- free space and routes -----------------------------------------------------------------------------

  // A walker is 1.8 m tall: anything whose bottom is higher (wall shelves, ceiling lamps) does not block it.
  const HEADROOM = 1.8;
  // Cells per grid (about), and the finest cell: a route search inside the sandbox's interpreter (about 10 µs per
  // cell on a loaded machine) must stay well within its 50 ms time limit.
  const MAX_CELLS = 1500;
  const MIN_RES = 0.15;
  // Path corners closer than this to the line through their neighbours are grid noise, not turns.
  const SIMPLIFY = 0.25;
  const ROUTE_CLEARANCE = 0.25;
  const ROUTE_WALL_MARGIN = 0.25;

  let floorPlanView: { readonly polygon: readonly (readonly [number, number])[]; readonly estimated: boolean } | null = null;
  let floorPoly: number[][] | null = null;
  if (data.floorPlan !== undefined) {
    const fp = data.floorPlan;
    if (!fp || !Array.isArray(fp.polygon) || fp.polygon.length < 3) fail('scene data: floorPlan.polygon must list at least 3 points');
    if (typeof fp.estimated !== 'boolean') fail('scene data: floorPlan.estimated must be a boolean');
    floorPoly = fp.polygon.map((p, i) => finiteList(p, 2, `floorPlan.polygon[${i}]`));
    floorPlanView = Object.freeze({ polygon: freezeList(floorPoly.map((p) => Object.freeze([p[0]!, p[1]!] as [number, number]))), estimated: fp.estimated });
  }

  const segmentDistance = (px: number, py: number, ax: number, ay: number, bx: number, by: number): number => {
    const dx = bx - ax, dy = by - ay;
    const l2 = dx * dx + dy * dy;
    const t = l2 > 0 ? clamp(((px - ax) * dx + (py - ay) * dy) / l2) : 0;
    return Math.hypot(px - ax - t * dx, py - ay - t * dy);
  };

  /** Floor-plan shadow of a box: convex hull (counter-clockwise) of its corners' XY, Andrew's monotone chain. */
  const footprintOf = (g: Geometry): number[][] => {
    const pts: number[][] = [];
    const { corners } = shaped(g);
    for (let k = 0; k < 24; k += 3) pts.push([corners[k]!, corners[k + 1]!]);
    pts.sort((p, q) => p[0]! - q[0]! || p[1]! - q[1]!);
    const cross = (o: number[], a: number[], b: number[]): number => (a[0]! - o[0]!) * (b[1]! - o[1]!) - (a[1]! - o[1]!) * (b[0]! - o[0]!);
    const half = (list: number[][]): number[][] => {
      const h: number[][] = [];
      for (const p of list) {
        while (h.length >= 2 && cross(h[h.length - 2]!, h[h.length - 1]!, p) <= 1e-12) h.pop();
        h.push(p);
      }
      h.pop();
      return h;
    };
    return half(pts).concat(half(pts.slice().reverse()));
  };

  /** Distance from a point to a convex counter-clockwise polygon, 0 inside. */
  const convexDistance = (px: number, py: number, hull: number[][]): number => {
    let inside = true;
    let best = Infinity;
    for (let i = 0; i < hull.length; i++) {
      const a = hull[i]!, b = hull[(i + 1) % hull.length]!;
      if ((b[0]! - a[0]!) * (py - a[1]!) - (b[1]! - a[1]!) * (px - a[0]!) < 0) inside = false;
      best = Math.min(best, segmentDistance(px, py, a[0]!, a[1]!, b[0]!, b[1]!));
    }
    return inside ? 0 : best;
  };

  /** Signed distance to the floor polygon's boundary: positive inside. */
  const wallDistance = (px: number, py: number, poly: number[][]): number => {
    let inside = false;
    let best = Infinity;
    for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
      const a = poly[i]!, b = poly[j]!;
      if (a[1]! > py !== b[1]! > py && px < ((b[0]! - a[0]!) * (py - a[1]!)) / (b[1]! - a[1]!) + a[0]!) inside = !inside;
      best = Math.min(best, segmentDistance(px, py, a[0]!, a[1]!, b[0]!, b[1]!));
    }
    return inside ? best : -best;
  };

  // Walks without avoided discs by grid options and end cells (null: no walk); the host's come with the data.
  const walkMemo = memo.walks;
  // Walker cells on grids without discs by grid options and object id; the host's come with the data: finding one
  // scans the whole grid, ~0.1 ms in the sandbox's interpreter for every object a batch's routes start or end at.
  const standMemo = memo.stands;
  // Walks with discs closed, by grid options, end objects and discs: the alternative-route margin closes the same
  // discs along a walk for every facing object drawn with its two ends.
  const detourMemo = new Map<string, RouteWalk | null>();
  // Walks without discs by grid, start object and goal object (the same walks as walkMemo's, found without a key),
  // with their route views by facing object (a view is frozen, so one serves every call that asks for it).
  const pairMemo = new Map<FreeSpaceGrid, Map<Geometry, Map<Geometry, { walk: RouteWalk | null; views: Map<Geometry, RouteView> }>>>();
  // Each walk's corners as the frozen points a RouteView hands out, made once per walk.
  const frozenPoints = new WeakMap<RouteWalk, RouteView['points']>();
  // Per grid (no discs closed): each object's walker cell, found without a key.
  const nearestMemo = new Map<FreeSpaceGrid, Map<Geometry, number>>();
  const freeSpaceMemo = new Map<string, FreeSpaceGrid>();
  // Each grid's cells as bytes (read-only once built: routes with discs to avoid work on a copy).
  const freeCellsMemo = new Map<FreeSpaceGrid, Uint8Array>();
  if (data.freeSpace) freeSpaceMemo.set(`${data.freeSpace.clearance}|${data.freeSpace.wallMargin}`, data.freeSpace);

  // The default options' grid, also without building its key: almost every route asks for it.
  let defaultGrid: FreeSpaceGrid | undefined;
  /** Cells whose centre keeps `wallMargin` from the walls and `clearance` from every footprint below HEADROOM. */
  const freeSpace = (clearance: number, wallMargin: number): FreeSpaceGrid => {
    const isDefault = clearance === ROUTE_CLEARANCE && wallMargin === ROUTE_WALL_MARGIN;
    if (isDefault && defaultGrid) return defaultGrid;
    const key = `${clearance}|${wallMargin}`;
    const known = freeSpaceMemo.get(key);
    if (known) return isDefault ? (defaultGrid = known) : known;
    const poly = floorPoly || fail('route: the scene has no floor plan');
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const p of poly) {
      x0 = Math.min(x0, p[0]!);
      y0 = Math.min(y0, p[1]!);
      x1 = Math.max(x1, p[0]!);
      y1 = Math.max(y1, p[1]!);
    }
    const res = Math.max(MIN_RES, Math.sqrt(((x1 - x0) * (y1 - y0)) / MAX_CELLS));
    const nx = Math.max(1, Math.ceil((x1 - x0) / res));
    const ny = Math.max(1, Math.ceil((y1 - y0) / res));
    const floor = data.floorZ;
    const obstacles: { hull: number[][]; lo: number[]; hi: number[] }[] = [];
    for (const id of sortedIds) {
      const g = byId.get(id)!;
      if (g.zMin - floor >= HEADROOM) continue;
      const hull = footprintOf(g);
      const lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
      for (const p of hull) for (let i = 0; i < 2; i++) {
        lo[i] = Math.min(lo[i]!, p[i]! - clearance);
        hi[i] = Math.max(hi[i]!, p[i]! + clearance);
      }
      obstacles.push({ hull, lo, hi });
    }
    let cells = '';
    for (let j = 0; j < ny; j++) {
      const y = y0 + (j + 0.5) * res;
      for (let i = 0; i < nx; i++) {
        const x = x0 + (i + 0.5) * res;
        let ok = wallDistance(x, y, poly) >= wallMargin;
        for (let k = 0; ok && k < obstacles.length; k++) {
          const o = obstacles[k]!;
          if (x >= o.lo[0]! && x <= o.hi[0]! && y >= o.lo[1]! && y <= o.hi[1]! && convexDistance(x, y, o.hull) < clearance) ok = false;
        }
        cells += ok ? '1' : '0';
      }
    }
    const grid: FreeSpaceGrid = { clearance, wallMargin, x0, y0, res, nx, ny, cells };
    freeSpaceMemo.set(key, grid);
    if (isDefault) defaultGrid = grid;
    return grid;
  };

  const DEFAULT_ROUTE = Object.freeze({ clearance: ROUTE_CLEARANCE, wallMargin: ROUTE_WALL_MARGIN, avoid: freezeList<number[]>([]) });
  const routeOptions = (options: unknown): { clearance: number; wallMargin: number; avoid: readonly number[][] } => {
    if (options === undefined) return DEFAULT_ROUTE;
    if (options === null || typeof options !== 'object') throw new TypeError(`route/freeSpace: options must be an object, got ${describe(options)}`);
    const o = options as { clearance?: unknown; wallMargin?: unknown; avoid?: unknown };
    const metres = (v: unknown, name: string, dflt: number): number => {
      if (v === undefined) return dflt;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 2) throw new RangeError(`route: options.${name} must be a number of metres from 0 to 2, got ${String(v)}`);
      return v;
    };
    if (o.avoid !== undefined && !Array.isArray(o.avoid)) throw new TypeError('route: options.avoid must be an array of [x, y, radius]');
    const avoid = ((o.avoid as unknown[] | undefined) || []).map((d, i) => finiteList(d, 3, `route: options.avoid[${i}]`));
    return { clearance: metres(o.clearance, 'clearance', ROUTE_CLEARANCE), wallMargin: metres(o.wallMargin, 'wallMargin', ROUTE_WALL_MARGIN), avoid };
  };

  /** Signed angle (degrees, + = counter-clockwise = left) from direction u to direction v in the floor plane. */
  const turnAngle = (ux: number, uy: number, vx: number, vy: number): number => {
    const deg = (Math.atan2(ux * vy - uy * vx, ux * vx + uy * vy) * 180) / Math.PI;
    return deg <= -180 ? 180 : deg;
  };

  /** Douglas–Peucker: keeps the corners that stand out more than `tol` from the line through their neighbours. */
  const simplify = (pts: number[][], tol: number): number[][] => {
    const keep = new Array<boolean>(pts.length).fill(false);
    keep[0] = true;
    keep[pts.length - 1] = true;
    const stack: number[][] = [[0, pts.length - 1]];
    while (stack.length > 0) {
      const [a, b] = stack.pop()!;
      let worst = -1, far = tol;
      for (let k = a! + 1; k < b!; k++) {
        const d = segmentDistance(pts[k]![0]!, pts[k]![1]!, pts[a!]![0]!, pts[a!]![1]!, pts[b!]![0]!, pts[b!]![1]!);
        if (d > far) {
          far = d;
          worst = k;
        }
      }
      if (worst >= 0) {
        keep[worst] = true;
        stack.push([a!, worst], [worst, b!]);
      }
    }
    return pts.filter((_, k) => keep[k]);
  };

  /** The walk between the walker cells of S and G on `grid` with the `avoid` discs closed, or null. */
  const walkBetween = (grid: FreeSpaceGrid, avoid: readonly (readonly number[])[], S: Geometry, G: Geometry): RouteWalk | null => {
    const { x0, y0, res, nx, ny } = grid;
    // The grid's cells as bytes, with the discs closed; only made when a walker cell or a walk must be searched
    // (a sandboxed route usually finds both among the host's).
    let free: Uint8Array | undefined;
    const freeCells = (): Uint8Array => {
      if (free) return free;
      let base = freeCellsMemo.get(grid);
      if (!base) {
        const n = nx * ny;
        base = new Uint8Array(n);
        for (let k = 0; k < n; k++) base[k] = grid.cells.charCodeAt(k) === 49 ? 1 : 0;
        freeCellsMemo.set(grid, base);
      }
      free = avoid.length > 0 ? base.slice() : base;
      for (const d of avoid) {
        const i0 = Math.max(0, Math.floor((d[0]! - d[2]! - x0) / res)), i1 = Math.min(nx - 1, Math.floor((d[0]! + d[2]! - x0) / res));
        const j0 = Math.max(0, Math.floor((d[1]! - d[2]! - y0) / res)), j1 = Math.min(ny - 1, Math.floor((d[1]! + d[2]! - y0) / res));
        for (let j = j0; j <= j1; j++)
          for (let i = i0; i <= i1; i++) if (Math.hypot(x0 + (i + 0.5) * res - d[0]!, y0 + (j + 0.5) * res - d[1]!) <= d[2]!) free[j * nx + i] = 0;
      }
      return free;
    };
    // Where the walker stands by an object: the free cell nearest its centre (lowest index on a tie).
    const nearest = (g: Geometry): number => {
      const cells = freeCells();
      let best = -1, bestD = Infinity;
      const gx = g.c[0]!, gy = g.c[1]!;
      for (let j = 0, k = 0; j < ny; j++) {
        const dy = y0 + (j + 0.5) * res - gy;
        const dy2 = dy * dy;
        if (dy2 >= bestD) {
          k += nx;
          continue;
        }
        for (let i = 0; i < nx; i++, k++) {
          if (!cells[k]) continue;
          const dx = x0 + (i + 0.5) * res - gx;
          const d = dx * dx + dy2;
          if (d < bestD) {
            bestD = d;
            best = k;
          }
        }
      }
      return best;
    };
    // Where an object's walker stands on the unchanged grid is looked up after the first time: by object here, by
    // key in the memo the host's cells come in and go out by.
    let stands = avoid.length === 0 ? nearestMemo.get(grid) : undefined;
    if (avoid.length === 0 && !stands) nearestMemo.set(grid, (stands = new Map()));
    const standing = (g: Geometry): number => {
      if (!stands) return nearest(g);
      let k = stands.get(g);
      if (k === undefined) {
        const key = `${grid.clearance}|${grid.wallMargin}|${g.view.id}`;
        k = standMemo.get(key) ?? sent(data.stands, key);
        if (k === undefined) k = nearest(g);
        standMemo.set(key, k);
        stands.set(g, k);
      }
      return k;
    };
    const s = standing(S), t = standing(G);
    if (s < 0 || t < 0) return null;
    // The walk depends on the grid, its two end cells and the discs closed, never on the facing object (only the
    // turns do): families draw many triples over the same few objects, so each walk is searched once.
    const walkKey = avoid.length === 0 ? `${grid.clearance}|${grid.wallMargin}|${s}|${t}` : '';
    let walk = walkKey ? walkMemo.get(walkKey) : undefined;
    if (walk === undefined && walkKey) {
      walk = sent(data.walks, walkKey);
      if (walk !== undefined) walkMemo.set(walkKey, walk);
    }
    if (walk === undefined) {
      walk = searchWalk(freeCells(), grid, s, t);
      if (walkKey) walkMemo.set(walkKey, walk);
    }
    return walk;
  };

  const route = (start: ObjectRef, facing: ObjectRef, goal: ObjectRef, options?: unknown): RouteView | null => {
    const S = geom(start, 'route'), F = geom(facing, 'route'), G = geom(goal, 'route');
    if (S === G) fail(`route: start and goal are the same object ('${S.view.label}' #${S.view.id})`);
    const fx = F.c[0]! - S.c[0]!, fy = F.c[1]! - S.c[1]!;
    if (Math.hypot(fx, fy) < CONTACT) fail(`route: facing is undefined: '${F.view.label}' #${F.view.id} stands at the floor position of '${S.view.label}' #${S.view.id}`);
    const opt = routeOptions(options);
    const grid = freeSpace(opt.clearance, opt.wallMargin);
    // Without discs the walk is looked up by its end objects first: a drafter asks for the same few pairs tens of
    // thousands of times a round (every facing object it tries), and building the cell key is most of a call.
    let walk: RouteWalk | null | undefined;
    let views: Map<Geometry, RouteView> | undefined;
    if (opt.avoid.length === 0) {
      let byStart = pairMemo.get(grid);
      if (!byStart) pairMemo.set(grid, (byStart = new Map()));
      let pairs = byStart.get(S);
      if (!pairs) byStart.set(S, (pairs = new Map()));
      let pair = pairs.get(G);
      if (!pair) pairs.set(G, (pair = { walk: walkBetween(grid, opt.avoid, S, G), views: new Map() }));
      walk = pair.walk;
      views = pair.views;
      const known = views.get(F);
      if (known) return known;
    } else {
      // With discs closed the walk is found by the end objects and the discs (the end cells move with the discs).
      const detourKey = `${grid.clearance}|${grid.wallMargin}|${S.view.id}|${G.view.id}|${opt.avoid.map((d) => d.join(',')).join(';')}`;
      walk = detourMemo.get(detourKey);
      if (walk === undefined) detourMemo.set(detourKey, (walk = walkBetween(grid, opt.avoid, S, G)));
    }
    if (!walk) return null;
    const { corners, length } = walk;
    let points = frozenPoints.get(walk);
    if (!points) {
      points = freezeList(corners.map((p) => Object.freeze([p[0], p[1]] as [number, number])));
      frozenPoints.set(walk, points);
    }
    const turns: number[] = [];
    let hx = fx, hy = fy;
    for (let i = 0; i + 1 < corners.length; i++) {
      const vx = corners[i + 1]![0]! - corners[i]![0]!, vy = corners[i + 1]![1]! - corners[i]![1]!;
      turns.push(turnAngle(hx, hy, vx, vy));
      hx = vx;
      hy = vy;
    }
    const view: RouteView = Object.freeze({ length, points, turns: freezeList(turns) });
    views?.set(F, view);
    return view;
  };

  /** Shortest walk from cell s to cell t on the free cells: its corners (straightened, simplified) and length. */
  const searchWalk = (free: Uint8Array, grid: FreeSpaceGrid, s: number, t: number): RouteWalk | null => {
    const { x0, y0, res, nx, ny } = grid;
    const n = nx * ny;
    const cx = (k: number): number => x0 + ((k % nx) + 0.5) * res;
    const cy = (k: number): number => y0 + (((k / nx) | 0) + 0.5) * res;
    // A* on the 8-connected grid (a diagonal step needs both orthogonal cells free); the octile heuristic is
    // consistent, so the first time the goal is popped its cost is the shortest. Ties go to the lower cell.
    // Written out in one loop with typed arrays: the sandbox's interpreter pays for every call.
    const tx = t % nx, ty = (t / nx) | 0;
    const D = Math.SQRT2 - 1;
    const DI = [1, -1, 0, 0, 1, 1, -1, -1], DJ = [0, 0, 1, -1, 1, -1, 1, -1];
    const cost = new Float64Array(n).fill(Infinity);
    const prev = new Int32Array(n).fill(-1);
    const closed = new Uint8Array(n);
    // Each cell enters the heap at most 8 times (once per neighbour that improves it), plus the start.
    const heapK = new Int32Array(8 * n + 1), heapP = new Float64Array(8 * n + 1);
    let size = 0;
    const push = (k: number, p: number): void => {
      let i = size++;
      while (i > 0) {
        const up = (i - 1) >> 1;
        const pu = heapP[up]!;
        if (pu < p || (pu === p && heapK[up]! < k)) break;
        heapK[i] = heapK[up]!;
        heapP[i] = pu;
        i = up;
      }
      heapK[i] = k;
      heapP[i] = p;
    };
    cost[s] = 0;
    {
      const si = s % nx, sj = (s / nx) | 0;
      const dx = si > tx ? si - tx : tx - si, dy = sj > ty ? sj - ty : ty - sj;
      push(s, dx > dy ? dx + D * dy : dy + D * dx);
    }
    while (size > 0) {
      const k = heapK[0]!;
      // Pop: move the last entry to the root and sift it down.
      size--;
      if (size > 0) {
        const lk = heapK[size]!, lp = heapP[size]!;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= size) break;
          let m = l;
          const r = l + 1;
          if (r < size && (heapP[r]! < heapP[l]! || (heapP[r] === heapP[l] && heapK[r]! < heapK[l]!))) m = r;
          if (lp < heapP[m]! || (lp === heapP[m] && lk < heapK[m]!)) break;
          heapK[i] = heapK[m]!;
          heapP[i] = heapP[m]!;
          i = m;
        }
        heapK[i] = lk;
        heapP[i] = lp;
      }
      if (closed[k]) continue;
      closed[k] = 1;
      if (k === t) break;
      const j = (k / nx) | 0, i = k - j * nx;
      const base = cost[k]!;
      for (let q = 0; q < 8; q++) {
        const a = i + DI[q]!, b = j + DJ[q]!;
        if (a < 0 || b < 0 || a >= nx || b >= ny) continue;
        const m = b * nx + a;
        if (!free[m] || closed[m]) continue;
        if (q >= 4 && (!free[j * nx + a] || !free[b * nx + i])) continue;
        const c = base + (q >= 4 ? Math.SQRT2 : 1);
        if (c < cost[m]!) {
          cost[m] = c;
          prev[m] = k;
          const dx = a > tx ? a - tx : tx - a, dy = b > ty ? b - ty : ty - b;
          push(m, c + (dx > dy ? dx + D * dy : dy + D * dx));
        }
      }
    }
    if (!closed[t]) return null;
    const cellsOnPath: number[] = [];
    for (let k = t; k !== -1; k = k === s ? -1 : prev[k]!) cellsOnPath.push(k);
    cellsOnPath.reverse();
    const pts = cellsOnPath.map((k) => [cx(k), cy(k)]);
    // Straight segments that stay on free cells, sampled three times per cell.
    const clear = (a: number[], b: number[]): boolean => {
      const steps = Math.max(1, Math.ceil((3 * Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!)) / res));
      for (let q = 0; q <= steps; q++) {
        const x = a[0]! + ((b[0]! - a[0]!) * q) / steps, y = a[1]! + ((b[1]! - a[1]!) * q) / steps;
        const i = Math.floor((x - x0) / res), j = Math.floor((y - y0) / res);
        if (i < 0 || j < 0 || i >= nx || j >= ny || !free[j * nx + i]) return false;
      }
      return true;
    };
    // String pulling: from each kept corner, walk straight to the farthest path cell still in sight.
    const taut: number[][] = [pts[0]!];
    for (let i = 0; i < pts.length - 1; ) {
      let j = i + 1;
      while (j + 1 < pts.length && clear(pts[i]!, pts[j + 1]!)) j++;
      taut.push(pts[j]!);
      i = j;
    }
    let length = 0;
    for (let i = 1; i < taut.length; i++) length += Math.hypot(taut[i]![0]! - taut[i - 1]![0]!, taut[i]![1]! - taut[i - 1]![1]!);
    const corners = simplify(taut, SIMPLIFY);
    return { corners: corners.map((p) => [p[0]!, p[1]!] as [number, number]), length };
  };

  // ---- the API -------------------------------------------------------------------------------------------

  const api: SceneApi = {
    objects: () => allViews,
    byLabel: (label) => frozenLabelLists.get(label) || NONE,
    count: (label) => (frozenLabelLists.get(label) || NONE).length,
    unique: (label) => {
      const list = frozenLabelLists.get(label) || NONE;
      if (list.length === 0) return fail(`label '${label}' not found: 0 objects`);
      if (list.length > 1) return fail(`label '${label}' is not unique: ${list.length} objects`);
      return list[0]!;
    },
    object: (id) => geom(id, 'object').view,
    labels: () => allLabels,
    distance: (a, b) => {
      const A = geom(a, 'distance');
      const B = geom(b, 'distance');
      if (A === B) return 0;
      const key = A.view.id < B.view.id ? `${A.view.id},${B.view.id}` : `${B.view.id},${A.view.id}`;
      let d = distanceMemo.get(key);
      if (d === undefined) {
        d = sent(data.distances, key) ?? (A.view.id < B.view.id ? boxDistance(A, B) : boxDistance(B, A));
        distanceMemo.set(key, d);
      }
      return d;
    },
    centerDistance: (a, b) => {
      const A = geom(a, 'centerDistance');
      const B = geom(b, 'centerDistance');
      return Math.hypot(A.c[0]! - B.c[0]!, A.c[1]! - B.c[1]!, A.c[2]! - B.c[2]!);
    },
    longestDimension: (a) => {
      const h = geom(a, 'longestDimension').h;
      return 2 * Math.max(h[0]!, h[1]!, h[2]!);
    },
    height: (a) => {
      const g = geom(a, 'height');
      return g.zMax - g.zMin;
    },
    bottom: (a) => geom(a, 'bottom').zMin,
    top: (a) => geom(a, 'top').zMax,
    volume: (a) => {
      const h = geom(a, 'volume').h;
      return 8 * h[0]! * h[1]! * h[2]!;
    },
    floorAngle: (from, facing, target) => {
      const P = geom(from, 'floorAngle');
      const O = geom(facing, 'floorAngle');
      const X = geom(target, 'floorAngle');
      const ux = O.c[0]! - P.c[0]!, uy = O.c[1]! - P.c[1]!;
      const vx = X.c[0]! - P.c[0]!, vy = X.c[1]! - P.c[1]!;
      const same = (q: Geometry): string => `'${q.view.label}' #${q.view.id} stands at the floor position of '${P.view.label}' #${P.view.id}`;
      if (Math.hypot(ux, uy) < CONTACT) fail(`floorAngle: facing is undefined: ${same(O)}`);
      if (Math.hypot(vx, vy) < CONTACT) fail(`floorAngle: direction is undefined: ${same(X)}`);
      const deg = (Math.atan2(ux * vy - uy * vx, ux * vx + uy * vy) * 180) / Math.PI;
      // atan2 gives −180 for a −0 cross product; the range is (−180, 180].
      return deg <= -180 ? 180 : deg;
    },
    roomArea: () => data.roomArea,
    floorZ: () => data.floorZ,
    frameCount: () => frames,
    firstVisibleFrame: (a) => firstFrames.get(geom(a, 'firstVisibleFrame').view.id) ?? null,
    visibleFrames: (a) => visibleLists.get(geom(a, 'visibleFrames').view.id) || NONE_FRAMES,
    cameraDistance: (a, frame) => {
      const g = geom(a, 'cameraDistance');
      const p = cameraPositions[checkFrame(frame)]!;
      return Math.sqrt(pointBoxSq(g, p[0]!, p[1]!, p[2]!));
    },
    round: (x, digits) => {
      const d = digits === undefined ? 0 : digits;
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > 12) throw new RangeError(`round: digits must be an integer from 0 to 12, got ${String(digits)}`);
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new TypeError(`round: expected a finite number, got ${String(x)}`);
      const f = Math.pow(10, d);
      // 15 significant digits first undoes binary representation error, so 1.005 rounds as the decimal it shows.
      const scaled = Number((Math.abs(x) * f).toPrecision(15));
      const r = (Math.sign(x) * Math.round(scaled)) / f;
      return r === 0 ? 0 : r;
    },
    floorPlan: () => floorPlanView,
    freeSpace: (options) => {
      const o = routeOptions(options);
      if (o.avoid.length > 0) throw new RangeError('freeSpace: options.avoid applies to route only');
      return Object.freeze(freeSpace(o.clearance, o.wallMargin));
    },
    route: (start, facing, goal, options) => route(start, facing, goal, options),
  };
  return Object.freeze(api);
}

/** Source text that defines `createSceneApi` in a fresh realm (the sandbox), runnable before `createSceneApi(DATA)`. */
export function sceneApiPrelude(): string {
  // Bundlers that keep function names wrap inner functions in __name(fn, "name"); make that a no-op.
  return 'const __name = (f, _n) => f;\nconst createSceneApi = ' + createSceneApi.toString() + ';';
}

/**
 * The scene data with every pairwise box distance filled in, computed host-side by the same implementation.
 * Sandboxed programs then look distances up instead of running the geometry in the interpreter.
 */
export function withDistanceTable(data: ProgramSceneData): ProgramSceneData {
  const api = createSceneApi(data);
  const ids = data.objects.map((o) => o.id).sort((a, b) => a - b);
  const distances: Record<string, number> = {};
  for (let i = 0; i < ids.length; i++)
    for (let j = i + 1; j < ids.length; j++) distances[`${ids[i]},${ids[j]}`] = api.distance(ids[i]!, ids[j]!);
  return { ...data, distances };
}

/**
 * The scene data with the default route options' free-space grid filled in, computed host-side by the same
 * implementation, so a sandboxed program's `scene.route` only searches it. Data without a floor plan is returned
 * unchanged.
 */
export function withFreeSpace(data: ProgramSceneData): ProgramSceneData {
  if (!data.floorPlan) return data;
  return { ...data, freeSpace: { ...createSceneApi(data).freeSpace() } };
}
