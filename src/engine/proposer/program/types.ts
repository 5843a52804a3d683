/**
 * The program's view of a scene. `ProgramSceneData` is the JSON that crosses into the sandbox; `SceneApi` is
 * what `createSceneApi` builds from it, identically in the sandbox and on the host (see API.md).
 */

export type Triple = [number, number, number];

export interface ProgramObject {
  id: number;
  label: string;
  center: Triple;
  /** Full edge lengths along the box's local axes. */
  extents: Triple;
  /** Row-major local → world rotation; columns are the local axes (orthonormal, det = +1). */
  rotation: number[];
}

export interface ProgramVisibility {
  /** First frame whose visible fraction reaches the threshold, or null when never. */
  firstFrame: number | null;
  /** Ascending frames whose visible fraction reaches the threshold. */
  frames: number[];
  /** Largest visible fraction over all frames (0 without a trajectory). */
  maxFraction: number;
}

export interface ProgramCamera {
  /** Camera centre in world coordinates. */
  position: Triple;
  /** Unit optical axis (camera +z) in world coordinates. */
  forward: Triple;
}

/** Plain JSON (no Maps, no typed arrays) so it can be serialised into the sandbox unchanged. */
export interface ProgramSceneData {
  sceneId: string;
  /** Floor area in m². */
  roomArea: number;
  /** World Z of the floor: the room's when known, else the lowest box bottom (0 for an empty scene). */
  floorZ: number;
  objects: ProgramObject[];
  /** Number of video frames the program can refer to (0 when the scene has no trajectory). */
  frames: number;
  /** Frames per second of those frames, when the trajectory has timestamps. */
  fps?: number;
  /** Keyed by object id (as a JSON object key). Objects without an entry count as never visible. */
  visibility: Record<string, ProgramVisibility>;
  /** One per frame, in frame order. */
  cameras: ProgramCamera[];
  /**
   * Optional precomputed closest-point distances keyed "<smaller id>,<larger id>", computed by the host with
   * the same `createSceneApi` (see `withDistanceTable`).
   */
  distances?: Record<string, number>;
  /** The floor plan `route` walks on; absent in data built before route planning existed (route then throws). */
  floorPlan?: ProgramFloorPlan;
  /**
   * Optional free-space grid for the default route options, computed by the host with the same `createSceneApi`
   * (see `withFreeSpace`): building it is the slow part of `route`, too slow for the sandbox's time limit.
   */
  freeSpace?: FreeSpaceGrid;
  /**
   * Optional walks of `route` without avoided discs, computed by the host with the same `createSceneApi` and keyed
   * as its memo keys them ("<clearance>|<wallMargin>|<start cell>|<goal cell>"; null: no walk): a search takes the
   * sandbox's interpreter ~1 ms, V8 ~30 µs, and a route question's program repeats the walk its draft searched.
   */
  walks?: Record<string, RouteWalk | null>;
  /**
   * Optional walker cells of `route` (the free cell nearest an object's centre) on grids without avoided discs,
   * computed by the host with the same `createSceneApi` and keyed "<clearance>|<wallMargin>|<object id>" (−1: no
   * free cell): finding one scans the grid, and the sandbox's interpreter would do that for every object a batch's
   * routes start or end at.
   */
  stands?: Record<string, number>;
}

/** What `route` has found on a scene: kept by the host across rounds and sent to the sandbox with the data. */
export interface RouteMemo {
  /** As `ProgramSceneData.walks`. */
  walks: Map<string, RouteWalk | null>;
  /** As `ProgramSceneData.stands`. */
  stands: Map<string, number>;
}

/** A walk between two cells of a free-space grid: its corners (straightened, simplified) and its length. */
export interface RouteWalk {
  corners: [number, number][];
  length: number;
}

export interface ProgramFloorPlan {
  /** Counter-clockwise floor polygon in the XY plane, metres. */
  polygon: [number, number][];
  /** True when the polygon was estimated (from the room size and the furniture), not measured or generated. */
  estimated: boolean;
}

/** Free cells of the floor for one clearance and wall margin (see API.md, `route`). */
export interface FreeSpaceGrid {
  clearance: number;
  wallMargin: number;
  /** Lower-left corner of cell (0, 0) and the cell size, metres. */
  x0: number;
  y0: number;
  res: number;
  nx: number;
  ny: number;
  /** One character per cell, row by row from y0 (cell index j·nx + i): '1' free, '0' blocked. */
  cells: string;
}

/** A walk from one object to another on the free grid (API.md, `route`). */
export interface RouteView {
  /** Length of the taut path (metres). */
  readonly length: number;
  /** Corners of the simplified path, from the start position to the goal position. */
  readonly points: readonly (readonly [number, number])[];
  /** Signed turn (degrees, + = left) before each leg points[i] → points[i + 1]; turns[0] is relative to facing. */
  readonly turns: readonly number[];
}

export interface RouteOptions {
  /** Distance kept from every object footprint that a walker could bump into (default 0.25 m). */
  clearance?: number;
  /** Distance kept from the walls (default 0.25 m). */
  wallMargin?: number;
  /** Extra round obstacles [x, y, radius]. */
  avoid?: [number, number, number][];
}

/** A read-only object as programs see it. */
export interface ObjectView {
  readonly id: number;
  readonly label: string;
  readonly center: readonly [number, number, number];
  readonly extents: readonly [number, number, number];
  readonly rotation: readonly [number, number, number, number, number, number, number, number, number];
}

/** Every object argument accepts a view or an object id. */
export type ObjectRef = ObjectView | number;

/** The read-only scene API given to programs as `scene`. Definitions: API.md. */
export interface SceneApi {
  objects(): readonly ObjectView[];
  byLabel(label: string): readonly ObjectView[];
  count(label: string): number;
  unique(label: string): ObjectView;
  object(id: number): ObjectView;
  labels(): readonly string[];
  distance(a: ObjectRef, b: ObjectRef): number;
  centerDistance(a: ObjectRef, b: ObjectRef): number;
  longestDimension(a: ObjectRef): number;
  height(a: ObjectRef): number;
  bottom(a: ObjectRef): number;
  top(a: ObjectRef): number;
  volume(a: ObjectRef): number;
  floorAngle(from: ObjectRef, facing: ObjectRef, target: ObjectRef): number;
  roomArea(): number;
  floorZ(): number;
  frameCount(): number;
  firstVisibleFrame(a: ObjectRef): number | null;
  visibleFrames(a: ObjectRef): readonly number[];
  cameraDistance(a: ObjectRef, frame: number): number;
  round(x: number, digits?: number): number;
  floorPlan(): { readonly polygon: readonly (readonly [number, number])[]; readonly estimated: boolean } | null;
  freeSpace(options?: Omit<RouteOptions, 'avoid'>): Readonly<FreeSpaceGrid>;
  route(start: ObjectRef, facing: ObjectRef, goal: ObjectRef, options?: RouteOptions): RouteView | null;
}
