/**
 * The one contract between the renderer and the engine host. Desktop (IPC through the preload) and browser
 * mode (HTTP + WebSocket) are two transports of this same interface, so every view works in both. Every
 * argument is validated where it enters the host (apiValidation.ts); every result is plain JSON except the
 * binary payloads named below (typed arrays / PNG bytes), which each transport carries natively.
 */
import type { Bucket } from './proposer.js';
import type {
  CheckpointRef,
  ControllerDecisionRecord,
  RoundRecord,
  MetricRecord,
  QaRecord,
  RunRecord,
  RunSceneEntry,
  SolverOutputRecord,
  TrainingStatRecord,
} from './records.js';
import type { CameraFrame, FrameImageMime, Room, SceneObject, SceneSummary, Provenance } from './scene.js';
import type { LoopConfig, LoopConfigInput, LoopEvent, ProposerRoundStats } from './loop.js';

export const API_VERSION = 3;

export interface WorkbenchInfo {
  apiVersion: number;
  appVersion: string;
  transport: 'ipc' | 'http';
  workspaceDir: string;
  /** Whether this host may start runs (false when the workspace is open read-only). */
  writable: boolean;
  /** The settings a new run starts from, for the config form. */
  defaultConfig: LoopConfig;
}

export interface SceneQuery {
  dataset?: string;
  limit?: number;
  offset?: number;
}

/** A scene without its point cloud: what the 3D view draws boxes, room and trajectory from. */
export interface SceneDetail {
  summary: SceneSummary;
  /** The content version shown: a re-import under the same id makes a new one (runs keep theirs). */
  version: string;
  objects: Omit<SceneObject, 'pointIndices'>[];
  room: Room;
  trajectory: CameraFrame[];
  provenance: Provenance;
}

/** A point cloud subsampled to a budget (uniformly, seeded), flat arrays ready for GPU buffers. */
export interface PointCloudData {
  sceneId: string;
  /** Points in the scene in total, and how many are in these arrays. */
  total: number;
  count: number;
  positions: Float32Array;
  /** RGB 0…255 per point, or null when the scene has no colours. */
  colors: Uint8Array | null;
  /** Object id per point (−1 for none), or null when unknown. */
  objectIds: Int32Array | null;
}

export interface ProjectedBox {
  objectId: number;
  label: string;
  /** [x0, y0, x1, y1] in pixels. */
  box: [number, number, number, number];
  visibleFraction: number;
}

/**
 * One trajectory frame as the filmstrip shows it: the camera's stored image when the source had one, else a small
 * rendering (PNG), and the objects' projected boxes in its pixels.
 */
export interface FrameImage {
  sceneId: string;
  frame: number;
  /** Size of `image` in pixels. */
  width: number;
  height: number;
  /** The image's bytes, of type `mime`. */
  image: Uint8Array;
  mime: FrameImageMime;
  /** `camera`: the source's image of this frame (`CameraFrame.imageBlob`); `render`: drawn from the scene. */
  origin: 'camera' | 'render';
  /** Empty over a camera image whose pose is synthesised (video frames attached by index): it would mislead. */
  boxes: ProjectedBox[];
}

/** A run as the Runs list shows it. */
export interface RunSummary extends RunRecord {
  roundsDone: number;
  /** Latest held-out overall score, or null before the first evaluation. */
  heldoutScore: number | null;
  /** Which execution provider trained it and why (e.g. "cpu: CUDA provider library not found"). */
  executionProvider: string | null;
}

export interface RunDetail {
  run: RunSummary;
  rounds: RoundRecord[];
  split: RunSceneEntry[];
  metrics: MetricRecord[];
  decisions: ControllerDecisionRecord[];
  checkpoints: CheckpointRef[];
  training: TrainingStatRecord[];
  /** Per round, each proposer's drafts, acceptances and rejection reasons (programmatic, and the LLM's when used). */
  proposers: { round: number; proposers: ProposerRoundStats[] }[];
}

export type QaSortKey = 'id' | 'confidence' | 'family' | 'round';

export interface QaQueryInput {
  runId: string;
  round?: number;
  family?: string;
  sceneId?: string;
  bucket?: Bucket;
  verdict?: 'accepted' | 'rejected';
  bin?: number;
  /** Case-insensitive substring of the question. */
  search?: string;
  sort?: QaSortKey;
  descending?: boolean;
  limit?: number;
  offset?: number;
}

/** Rows carry each question's latest bucket, confidence and prediction, so a page is the whole table row. */
export interface QaPage {
  rows: QaRecord[];
  total: number;
}

export interface QaDetail {
  qa: QaRecord;
  outputs: SolverOutputRecord[];
  /** Object ids the question names (for highlighting in the scene). */
  objectIds: number[];
}

/** One object's solver confidence: the mean latest confidence of the `n` answered questions naming it. */
export interface ObjectConfidence {
  objectId: number;
  mean: number;
  n: number;
}

/**
 * Per-object confidence over a scene's answered questions (of one run, or of every run): what the scene view
 * colours objects by. A question names every object of the scene's current version whose label it names (as
 * `QaDetail.objectIds` does for the version its run saw); objects no answered question names are absent.
 */
export interface SceneObjectConfidence {
  sceneId: string;
  runId: string | null;
  /** By object id. */
  objects: ObjectConfidence[];
  /** Answered questions naming at least one object of the scene. */
  questions: number;
}

/** Re-running a stored program in the sandbox against the stored scene. */
export interface ProgramRerun {
  ok: boolean;
  value?: unknown;
  error?: string;
  /** Whether the fresh result equals the stored one. */
  matchesStored: boolean;
  ms: number;
}

export type HeatmapKind = 'family-round' | 'scene-family' | 'bin-round';
export type HeatmapMetric = 'confidence' | 'accuracy' | 'easy' | 'frontier' | 'hard' | 'count';

export interface HeatmapQuery {
  runId: string;
  kind: HeatmapKind;
  metric: HeatmapMetric;
  /** For `bin-round`: the family whose bins form the rows (all families' bins when absent). */
  family?: string;
}

export interface HeatmapCell {
  row: string;
  col: string;
  /** null when the cell has no samples. */
  value: number | null;
  n: number;
}

export interface HeatmapData {
  query: HeatmapQuery;
  rows: string[];
  cols: string[];
  cells: HeatmapCell[];
}

export interface CurvePoint {
  samplesSeen: number;
  round: number;
  overall: number;
  families: Record<string, number>;
}

export interface CurveSeries {
  runId: string;
  name: string;
  mode: string;
  points: CurvePoint[];
}

export interface WorkbenchApi {
  info(): Promise<WorkbenchInfo>;
  listScenes(query?: SceneQuery): Promise<SceneSummary[]>;
  getScene(sceneId: string): Promise<SceneDetail>;
  getScenePoints(sceneId: string, maxPoints: number): Promise<PointCloudData>;
  getFrameImage(sceneId: string, frame: number): Promise<FrameImage>;
  listRuns(): Promise<RunSummary[]>;
  getRun(runId: string): Promise<RunDetail>;
  startRun(config: LoopConfigInput): Promise<{ runId: string }>;
  stopRun(runId: string): Promise<void>;
  /**
   * Resumes a paused run. `model`: for a run awaiting its next model (LoopConfig.awaitModel), the name of the model
   * trained on the waiting round's export, registered before the run goes on.
   */
  resumeRun(runId: string, model?: string): Promise<void>;
  queryQa(query: QaQueryInput): Promise<QaPage>;
  getQa(qaId: number): Promise<QaDetail>;
  /** One call per scene view: the per-object aggregate is computed by the host, not from per-question calls. */
  sceneObjectConfidence(sceneId: string, runId?: string): Promise<SceneObjectConfidence>;
  rerunProgram(qaId: number): Promise<ProgramRerun>;
  heatmap(query: HeatmapQuery): Promise<HeatmapData>;
  curves(runIds: string[]): Promise<CurveSeries[]>;
  /** Live progress of every run this host executes; returns the unsubscribe function. */
  subscribe(listener: (event: LoopEvent) => void): () => void;
}
