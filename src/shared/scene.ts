/**
 * The canonical scene: every source converts into this, every later stage reads only this.
 *
 * World frame: right-handed, Z up, metres. The floor is not required to be at z = 0 (real scans put it
 * wherever their registration did); `room.floorZ` says where it is when known.
 *
 * Camera frame (trajectory poses): OpenCV convention — x right, y down, z forward (optical axis).
 * `pose` maps camera coordinates to world coordinates.
 */

/**
 * The kinds of scene source a run or an import names (`kind:argument`, e.g. `synthetic:8`, `ply:/data/room.ply`):
 * the engine's importers (src/engine/sources) and the start form's field check read the same list.
 */
export const SOURCE_KINDS = ['synthetic', 'vsibench', 'scannet', 'scannetpp', 'arkitscenes', 'ply'] as const;
export type SourceSpecKind = (typeof SOURCE_KINDS)[number];

export type Vec3 = [number, number, number];

/** Row-major 3×3 matrix. For a box rotation its columns are the box's local axes expressed in world. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

/** Row-major 4×4 rigid transform. */
export type Mat4 = [
  number, number, number, number,
  number, number, number, number,
  number, number, number, number,
  number, number, number, number,
];

export interface OrientedBox {
  center: Vec3;
  /** Full edge lengths along the box's local x, y, z axes (not half sizes). */
  extents: Vec3;
  /** Local → world rotation; columns are the local axes. Proper rotation (det = +1). */
  rotation: Mat3;
}

export interface SceneObject {
  /** Stable within the scene: derived deterministically from the source, never from round order of a hash. */
  id: number;
  /** Normalised vocabulary label (see `normalizeLabel`). */
  label: string;
  /** The label exactly as the source spelled it. */
  rawLabel: string;
  box: OrientedBox;
  /** Indices into the scene's point cloud, when the source segments points per object. */
  pointIndices?: Uint32Array;
}

export interface Room {
  /** Floor area in m². */
  area: number;
  center: Vec3;
  /** Axis-aligned bounds of the room volume, when known or estimated. */
  bounds?: { min: Vec3; max: Vec3 };
  /** Counter-clockwise floor polygon in the XY plane, when known. */
  floorPolygon?: [number, number][];
  floorZ?: number;
  height?: number;
}

export interface PointCloud {
  /** xyz interleaved, length 3·N. */
  positions: Float32Array;
  /** rgb interleaved, length 3·N. */
  colors: Uint8Array;
  /** Per point: the SceneObject id it belongs to, or -1. */
  objectIds?: Int32Array;
}

export interface Intrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
}

export interface CameraFrame {
  index: number;
  /** Seconds from the start of the sequence. */
  timestamp: number;
  /** Camera → world, OpenCV camera axes. */
  pose: Mat4;
  intrinsics: Intrinsics;
  width: number;
  height: number;
  /**
   * The camera image of this frame, when the source has one (ScanNet colour frames, ARKitScenes lowres_wide, a
   * frame sampled from the scene's video): the SHA-256 (hex) of its PNG or JPEG bytes, stored as a workspace blob.
   * Absent: the frame has no image and viewers render one from the scene. When the trajectory is synthesised
   * (`provenance.synthesised` has 'trajectory'), the pose does not describe the image (video frames attached by
   * uniform index), so nothing should be projected onto it.
   */
  imageBlob?: string;
}

/** The image formats a frame's stored image may have. */
export type FrameImageMime = 'image/png' | 'image/jpeg';

export type SourceKind = 'synthetic' | 'vsibench-meta' | 'scannet' | 'scannetpp' | 'arkitscenes' | 'ply';

export type SynthesisedPart = 'pointCloud' | 'trajectory' | 'roomBounds' | 'room';

export interface Provenance {
  source: SourceKind;
  /** The id the source uses for this scene (ScanNet scene name, ARKit video id, …). */
  sourceId: string;
  /** Files the scene was read from (as given to the importer). Empty for synthetic scenes. */
  files: string[];
  /** What the source's frame was and what was done to reach the canonical frame. */
  conversion: {
    upAxis: '+x' | '-x' | '+y' | '-y' | '+z' | '-z';
    units: 'm' | 'mm' | 'cm';
    /** Row-major source → canonical transform that was applied (identity when none). */
    transform: Mat4;
    notes: string[];
  };
  /** Parts that were not in the source but generated, so no one mistakes them for measurements. */
  synthesised: SynthesisedPart[];
  /** Seeds of every random choice made while building the scene. */
  seeds: Record<string, number>;
  /** Non-fatal oddities in the source that the importer resolved, each saying how. */
  warnings: string[];
}

export interface Scene {
  /** Unique within a workspace: `<source>:<sourceId>`. */
  id: string;
  /** Dataset name for grouping (scannet, arkitscenes, synthetic, …). */
  dataset: string;
  objects: SceneObject[];
  room: Room;
  points?: PointCloud;
  trajectory?: CameraFrame[];
  provenance: Provenance;
  /**
   * Bytes of the frames' images an importer read and the store has not yet saved, by `CameraFrame.imageBlob`.
   * A scene loaded from the store has none: its images are blobs there.
   */
  frameImages?: Map<string, Uint8Array>;
}

export const IDENTITY3: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
export const IDENTITY4: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/** A summary small enough to list thousands of scenes in the UI. */
export interface SceneSummary {
  id: string;
  dataset: string;
  source: SourceKind;
  objectCount: number;
  labelCount: number;
  pointCount: number;
  frameCount: number;
  roomArea: number;
  synthesised: SynthesisedPart[];
  /**
   * True for one of VSI-Bench's evaluation scenes (its val sets; src/engine/sources/evalScenes.ts): training on
   * it contaminates a VSI-Bench score. Set by the host when it lists scenes; absent where nobody checked.
   */
  evalScene?: boolean;
}

export function summarizeScene(scene: Scene): SceneSummary {
  return {
    id: scene.id,
    dataset: scene.dataset,
    source: scene.provenance.source,
    objectCount: scene.objects.length,
    labelCount: new Set(scene.objects.map((o) => o.label)).size,
    pointCount: scene.points ? scene.points.positions.length / 3 : 0,
    frameCount: scene.trajectory?.length ?? 0,
    roomArea: scene.room.area,
    synthesised: [...scene.provenance.synthesised],
  };
}
