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
  JsonObject,
  RoundRecord,
  MetricRecord,
  QaRecord,
  RunRecord,
  RunSceneEntry,
  SolverOutputRecord,
  TrainingStatRecord,
} from './records.js';
import type { RunDebias } from './debiased.js';
import type { CameraFrame, FrameImageMime, Room, SceneObject, SceneSummary, Provenance } from './scene.js';
import type { LoopConfig, LoopConfigInput, LoopEvent, ProposerRoundStats } from './loop.js';
import type { MeanInterval, PairedDifference } from './statistics.js';

export const API_VERSION = 5;

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
  /** How long each completed round took (ms, start to finish), in round order: elapsed time and the ETA come from these. */
  roundMs: number[];
  /** When the round under way started (ms since the epoch); null when no round is running. */
  roundStartedAt: number | null;
}

/** A round's training figures as the store has them, so the rounds table shows them for runs it never saw live. */
export interface RoundFigures {
  round: number;
  /** Training samples seen by the end of the round, over the whole run; null until the round is evaluated. */
  samplesSeen: number | null;
  /** Mean loss over the round's training steps; null until it trained (or when it recorded none). */
  meanLoss: number | null;
}

/** What `updateRun` may change: the run's display name, its tags (replacing the old ones) and its notes. */
export interface RunPatch {
  name?: string;
  tags?: string[];
  notes?: string;
}

/** What deleting a run freed: blob files (checkpoints, replaced scene versions) nothing else referred to. */
export interface RunDeletion {
  runId: string;
  removedBlobs: number;
  freedBytes: number;
}

export interface RunDetail {
  run: RunSummary;
  rounds: RoundRecord[];
  /** Per stored round, in round order. */
  roundFigures: RoundFigures[];
  split: RunSceneEntry[];
  /** The run's training scenes that are VSI-Bench evaluation scenes (SceneSummary.evalScene), sorted; usually empty. */
  evalScenes: string[];
  /** The held-out benchmark full and debiased: blind and solver scores on both (null before the first evaluation). */
  debias: RunDebias | null;
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
  /** Only questions the solver has (true) or has not yet (false) answered: what a heatmap's answered metrics count. */
  answered?: boolean;
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

/** Per-object confidence of a run's questions about a scene after one round (see `sceneConfidenceByRound`). */
export interface SceneConfidenceRound {
  round: number;
  /** By object id: the mean, over the questions naming it, of each question's latest answer of a round ≤ `round`. */
  objects: ObjectConfidence[];
  /** Questions proposed and answered by then that name at least one object of the scene. */
  questions: number;
}

/** A scene's per-object confidence after every round of one run: the replay's colours, fetched once. */
export interface SceneConfidenceByRound {
  sceneId: string;
  runId: string;
  rounds: SceneConfidenceRound[];
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

/** Which runs' training statistics to plot, and at most how many points per run. */
export interface TrainingSeriesQuery {
  runIds: string[];
  /** Most points per run (default 1,000, about a chart's width in pixels); longer series are downsampled. */
  maxPoints?: number;
}

/**
 * One optimizer step, or, in a downsampled series, a bucket of consecutive steps of one round: its mean with the
 * minimum and maximum kept, so a spike a step had survives the downsampling. Buckets never span two rounds.
 */
export interface TrainingPoint {
  /** First and last optimizer step (counted over the run) the point covers; equal for a single step. */
  step: number;
  stepLast: number;
  round: number;
  /** round + the share of the round's training steps done by this point (1-based): the round axis's x. */
  roundPosition: number;
  /** Training time up to this point, summed over the run's rounds (ms); the other stages of the loop excluded. */
  trainingMs: number;
  /** Steps the point covers. */
  n: number;
  loss: number;
  lossMin: number;
  lossMax: number;
  lr: number;
  lrMin: number;
  lrMax: number;
  /** null where no step of the point recorded a gradient norm. */
  gradNorm: number | null;
  gradNormMin: number | null;
  gradNormMax: number | null;
}

export interface TrainingSeries {
  runId: string;
  name: string;
  mode: string;
  status: string;
  /** Steps stored for the run; more than `points.length` when downsampled. */
  total: number;
  downsampled: boolean;
  points: TrainingPoint[];
}

/** Runs to compare, grouped by their settings; `a` and `b`: two group keys to difference, paired by seed. */
export interface CompareQuery {
  /** Default: every run in the workspace. Only completed runs are grouped; the others are listed as left out. */
  runIds?: string[];
  a?: string;
  b?: string;
}

/** A group's held-out score after one round over its runs (round −1: the starting model, before training). */
export interface GroupRoundStat {
  round: number;
  /** Mean over the runs that have the round, with its Student-t 95% interval; `n` of them. */
  score: MeanInterval;
  /** Mean training samples seen by then over the same runs. */
  samplesSeen: number;
}

export interface GroupRun {
  runId: string;
  name: string;
  seed: number;
  dataSeed: number;
  /** Held-out overall score by round (round −1: the starting model). */
  scores: { round: number; score: number }[];
}

/** Runs whose settings are equal but for `seed`, `dataSeed` and `name`. */
export interface RunGroup {
  /** Stable id of the settings (a hash), what `CompareQuery.a` / `b` name. */
  key: string;
  /** The runs' shared name with any ", seed N" removed, or the first run's name. */
  title: string;
  /** The settings in which this group differs from the others compared, e.g. `mode: no-feedback`. */
  label: string;
  /** The settings the group's runs share (seed, dataSeed and name left out). */
  settings: JsonObject;
  /** One run per (seed, dataSeed), in seed order. */
  runs: GroupRun[];
  rounds: GroupRoundStat[];
}

/** a − b after one round, over the (seed, dataSeed) pairs both groups have. */
export interface RoundDifference {
  round: number;
  pairs: { seed: number; dataSeed: number; a: number; b: number }[];
  /** Mean, 95% t-interval and verdict: "no difference" whenever the interval holds 0 (or there is one pair). */
  difference: PairedDifference;
}

export interface Comparison {
  groups: RunGroup[];
  /** Setting names whose values differ between the groups (what the labels are made of). */
  differing: string[];
  /** When `a` and `b` name two groups: a − b per round both have; null otherwise. */
  difference: { a: string; b: string; rounds: RoundDifference[] } | null;
  /** Runs not grouped, and why (not completed, no held-out score, a duplicate of a newer run's seeds). */
  excluded: { runId: string; name: string; reason: string }[];
}

/** One arm of one seed: the arms × seeds table's cell. */
export interface ExperimentCell {
  seed: number;
  runId: string;
  status: string;
  /** Held-out overall after the last round; null until the run has one. */
  final: number | null;
}

export interface ExperimentArmView {
  arm: string;
  cells: ExperimentCell[];
  /** Over the completed seeds, as the report states them. */
  seeds: number;
  score: MeanInterval | null;
  gain: MeanInterval | null;
  /** Paired by seed against no feedback (null for that arm, or without it). */
  vsNoFeedback: PairedDifference | null;
  samplesUsed: number;
  wallMs: number;
  /** Mean ± 95% CI over completed seeds per round (round −1: the base), against mean samples seen. */
  curve: GroupRoundStat[];
}

/**
 * The data-efficiency experiment as its runs in the workspace say it (runs named `experiment <preset>: <arm>,
 * seed <n>`, as `npm run experiment` names them): one per preset, base checkpoint and held-out benchmark.
 */
export interface ExperimentView {
  key: string;
  preset: string;
  /** The base checkpoint every arm starts from, and the benchmark set every arm is scored on. */
  initCheckpoint: number;
  benchmarkSetId: string;
  seeds: number[];
  /** The base model's held-out score (every arm's round −1). */
  base: number | null;
  arms: ExperimentArmView[];
  /** The report's target verdicts: each closed-loop arm against static ×10. */
  targets: { arm: string; met: boolean; sentence: string; difference: PairedDifference }[];
  /** The closed-loop rule that beats no feedback beyond the noise, if any, and the report's sentence on it. */
  winner: string | null;
  conclusion: string;
  /** Runs of the experiment not counted (not completed, or an older run of the same arm and seed). */
  excluded: { runId: string; name: string; reason: string }[];
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
  /** Renames a run, replaces its tags and/or its notes; returns the run as the list shows it. */
  updateRun(runId: string, patch: RunPatch): Promise<RunSummary>;
  /**
   * Deletes a run that is not running, with everything it made, and the blob files nothing else refers to. Refused
   * while other runs start from one of its checkpoints (they name it in their settings or answered with it).
   */
  deleteRun(runId: string): Promise<RunDeletion>;
  /** A run's settings as a new run would take them (a clone): settings added since it ran read as it ran them. */
  getRunConfig(runId: string): Promise<LoopConfig>;
  queryQa(query: QaQueryInput): Promise<QaPage>;
  getQa(qaId: number): Promise<QaDetail>;
  /** One call per scene view: the per-object aggregate is computed by the host, not from per-question calls. */
  sceneObjectConfidence(sceneId: string, runId?: string): Promise<SceneObjectConfidence>;
  /** Per-object confidence of one run's questions about the scene after each of its rounds (the replay). */
  sceneConfidenceByRound(sceneId: string, runId: string): Promise<SceneConfidenceByRound>;
  rerunProgram(qaId: number): Promise<ProgramRerun>;
  heatmap(query: HeatmapQuery): Promise<HeatmapData>;
  curves(runIds: string[]): Promise<CurveSeries[]>;
  /** Per-step loss, learning rate and gradient norm of each run, downsampled by the host beyond `maxPoints`. */
  trainingSeries(query: TrainingSeriesQuery): Promise<TrainingSeries[]>;
  /** Completed runs grouped by settings across seeds, each group's score per round, and a paired difference. */
  compareRuns(query?: CompareQuery): Promise<Comparison>;
  /** Every data-efficiency experiment found among the workspace's runs, summarised as its report does. */
  experiments(): Promise<ExperimentView[]>;
  /** Live progress of every run this host executes; returns the unsubscribe function. */
  subscribe(listener: (event: LoopEvent) => void): () => void;
}
