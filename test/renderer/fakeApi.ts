/**
 * An in-memory WorkbenchApi for renderer tests: a few scenes, two runs (closed loop and a no-feedback baseline)
 * with rounds, metrics and controller decisions, and QA with solver outputs. queryQa filters, sorts and
 * pages like the host does (family order is binary string order, ties by id). Every call is recorded; a
 * method can be made to reject its next calls; events are pushed with `emit`.
 */
import type {
  CompareQuery,
  Comparison,
  CurveSeries,
  ExperimentArmView,
  ExperimentView,
  FrameImage,
  HeatmapCell,
  HeatmapData,
  HeatmapQuery,
  PointCloudData,
  ProgramRerun,
  QaDetail,
  QaPage,
  QaQueryInput,
  RunDeletion,
  RunDetail,
  RunPatch,
  RunSummary,
  SceneDetail,
  SceneConfidenceByRound,
  SceneObjectConfidence,
  SceneQuery,
  TrainingPoint,
  TrainingSeries,
  TrainingSeriesQuery,
  GroupRoundStat,
  RunGroup,
  WorkbenchApi,
  WorkbenchInfo,
} from '../../src/shared/api.js';
import { API_VERSION } from '../../src/shared/api.js';
import type { LoopConfig, LoopConfigInput, LoopEvent } from '../../src/shared/loop.js';
import { FAMILIES, bucketOf, type Mix, type NamedObject, type ProgramArgs } from '../../src/shared/proposer.js';
import type { ControllerDecisionRecord, RoundRecord, MetricRecord, QaRecord, SolverOutputRecord, TrainingStatRecord } from '../../src/shared/records.js';
import { formatDifference, meanInterval, pairedDifference } from '../../src/shared/statistics.js';
import type { CameraFrame, Mat3, Mat4, SceneObject } from '../../src/shared/scene.js';
import type { RunDebias } from '../../src/shared/debiased.js';
import type { HeldoutScore } from '../../src/shared/loop.js';
import { syntheticCloud } from '../../src/renderer/src/views/bench/benchData.js';

export const DEFAULT_CONFIG: LoopConfig = {
  endpoint: null,
  trainerCommand: null,
  awaitModel: false,
  proposer: null,
  name: 'closed loop',
  mode: 'closed-loop',
  scenes: ['synthetic:8'],
  heldoutScenes: [],
  heldoutFraction: 0.25,
  rounds: 4,
  steps: 200,
  batch: 64,
  lr: 0.001,
  warmupSteps: 50,
  thresholds: { easy: 0.9, hard: 0.1 },
  candidates: 2000,
  acceptPerRound: 0,
  strategy: 'reference',
  selection: 'frontier-first',
  referenceCheckpoint: 0,
  extraLabels: [],
  balance: 'none',
  families: [...FAMILIES],
  staticSamples: 1000,
  benchmarkPerFamily: 20,
  model: 'default',
  executionProvider: 'cpu',
  threads: 0,
  frames: 16,
  seed: 1,
  dataSeed: 7,
  initCheckpoint: 0,
};

export type Method = Exclude<keyof WorkbenchApi, 'subscribe'>;

const ROT_Z = (a: number): Mat3 => [Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1];

export function makeObjects(n: number): Omit<SceneObject, 'pointIndices'>[] {
  const labels = ['chair', 'table', 'sofa', 'bed', 'lamp', 'tv'];
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    label: labels[i % labels.length]!,
    rawLabel: labels[i % labels.length]!,
    box: { center: [1 + i, 1 + (i % 3), 0.5], extents: [0.6 + 0.1 * i, 0.5, 1], rotation: ROT_Z(i * 0.3) },
  }));
}

/**
 * Named objects and program arguments as each family writes them (src/engine/proposer/families), over labels that
 * are unique in the fake's scenes s1 and s2 (chair, table, sofa, bed), so the scene's question context can place them.
 */
export function fakeFacts(family: string): { named: NamedObject[]; args: ProgramArgs } {
  const unique = (...labels: string[]): NamedObject[] => labels.map((label) => ({ label, role: 'unique' as const }));
  switch (family) {
    case 'object_counting':
      return { named: [{ label: 'chair', role: 'every' }], args: { category: 'chair' } };
    case 'object_abs_distance':
      return { named: unique('table', 'bed'), args: { a: 'table', b: 'bed' } };
    case 'object_size_estimation':
    case 'camera_object_distance':
      return { named: unique('sofa'), args: { object: 'sofa' } };
    case 'room_size_estimation':
      return { named: [], args: {} };
    case 'object_rel_distance':
      return { named: unique('bed', 'chair', 'table', 'sofa'), args: { reference: 'bed', candidates: ['chair', 'table', 'sofa'] } };
    case 'object_rel_direction_easy':
    case 'object_rel_direction_medium':
    case 'object_rel_direction_hard':
      return { named: unique('bed', 'table', 'sofa'), args: { standingBy: 'bed', facing: 'table', query: 'sofa' } };
    case 'obj_appearance_order':
      return { named: ['chair', 'table', 'sofa', 'bed'].map((label) => ({ label, role: 'any' as const })), args: { categories: ['chair', 'table', 'sofa', 'bed'] } };
    default:
      return { named: unique('chair', 'table', 'sofa'), args: { candidates: ['chair', 'table', 'sofa'] } };
  }
}

/** A camera at (x, 0, 1.5) looking along +y (OpenCV axes: x right, y down, z forward). */
export function makeFrame(index: number): CameraFrame {
  // Columns: camera x → world +x, camera y → world −z, camera z → world +y.
  const pose: Mat4 = [1, 0, 0, index * 0.5, 0, 0, 1, 0, 0, -1, 0, 1.5, 0, 0, 0, 1];
  return { index, timestamp: index * 0.5, pose, intrinsics: { fx: 100, fy: 100, cx: 64, cy: 48 }, width: 128, height: 96 };
}

export function makeScene(id: string, objects = 6, frames = 8): SceneDetail {
  const objs = makeObjects(objects);
  return {
    summary: {
      id,
      dataset: 'synthetic',
      source: 'synthetic',
      objectCount: objs.length,
      labelCount: new Set(objs.map((o) => o.label)).size,
      pointCount: 1000,
      frameCount: frames,
      roomArea: 30,
      synthesised: ['pointCloud', 'trajectory'],
    },
    version: '0123456789abcdef',
    objects: objs,
    room: {
      area: 30,
      center: [3, 2.5, 1.3],
      floorZ: 0,
      height: 2.6,
      floorPolygon: [
        [0, 0],
        [6, 0],
        [6, 5],
        [0, 5],
      ],
      bounds: { min: [0, 0, 0], max: [6, 5, 2.6] },
    },
    trajectory: Array.from({ length: frames }, (_, i) => makeFrame(i)),
    provenance: {
      source: 'synthetic',
      sourceId: id,
      files: [],
      conversion: { upAxis: '+z', units: 'm', transform: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], notes: [] },
      synthesised: ['pointCloud', 'trajectory'],
      seeds: { layout: 1 },
      warnings: [],
    },
  };
}

function mix(weights: Record<string, number>): Mix {
  return {
    entries: Object.entries(weights).flatMap(([family, w]) => [
      { sceneId: 'synthetic:s1', family: family as Mix['entries'][number]['family'], bin: 0, weight: w / 2 },
      { sceneId: 'synthetic:s2', family: family as Mix['entries'][number]['family'], bin: 1, weight: w / 2 },
    ]),
  };
}

interface RunState {
  summary: RunSummary;
  detail: RunDetail;
}

export interface FakeOptions {
  /** QA rows per run (spread over families, scenes, rounds). */
  qaPerRun?: number;
  /** Start with no runs at all. */
  empty?: boolean;
  /** How many runs (2, the default: run-a and run-b; more add static baselines run-c, run-d…, each newer). */
  runs?: number;
  /** Points in scene synthetic:s1, a room-shaped cloud (the viewer benchmark's), instead of 1000 on a lattice. */
  points?: number;
  /** One RGB colour for every point of every scene (colour-management checks). */
  pointColor?: readonly [number, number, number];
  /**
   * Add a small data-efficiency experiment: arms reference, no feedback and static × seeds 0–2, named as
   * `npm run experiment` names them (`experiment quick: <arm>, seed <n>`), two rounds each.
   */
  experiment?: boolean;
  /** Scenes the host would mark as VSI-Bench evaluation scenes (SceneSummary.evalScene, RunDetail.evalScenes). */
  evalScenes?: readonly string[];
}

/**
 * The fake's benchmark in two versions: object_counting loses 5 of 20 questions to the blind rule; the solver's
 * debiased score is its full score − 0.05, the blind model scores 0.3 on the full version and 0.1 on the debiased one.
 */
export function fakeDebias(round: number, metrics: readonly MetricRecord[]): RunDebias {
  const score = (family: string | null): number => metrics.find((m) => m.round === round && m.metric === 'score' && m.family === family)!.value;
  const full: HeldoutScore = { overall: score(null), families: [{ family: 'object_counting', score: score('object_counting'), n: 20 }] };
  const debiased: HeldoutScore = { overall: full.overall - 0.05, families: [{ family: 'object_counting', score: full.families[0]!.score - 0.05, n: 15 }] };
  return {
    rule: 'removed: questions the blind baseline answers correctly with confidence ≥ 0.7',
    questions: { full: 20, debiased: 15 },
    removedByFamily: [{ family: 'object_counting', removed: 5, of: 20 }],
    blind: {
      full: { overall: 0.3, families: [{ family: 'object_counting', score: 0.3, n: 20 }] },
      debiased: { overall: 0.1, families: [{ family: 'object_counting', score: 0.1, n: 15 }] },
    },
    solver: { round, full, debiased },
  };
}

/** Training steps per round in the fake's runs. */
export const FAKE_STEPS_PER_ROUND = 5;

/** Final-score offsets of the fake experiment's arms per seed (seed 0, 1, 2), over a shared seed effect. */
export const FAKE_EXPERIMENT: readonly { arm: string; mode: RunSummary['mode']; strategy: string; offsets: readonly number[] }[] = [
  { arm: 'closed loop: reference', mode: 'closed-loop', strategy: 'reference', offsets: [0.01, 0.012, 0.008] },
  { arm: 'no feedback', mode: 'no-feedback', strategy: 'reference', offsets: [0, 0, 0] },
  { arm: 'static', mode: 'static', strategy: 'reference', offsets: [0.03, -0.02, 0.01] },
];

export class FakeApi implements WorkbenchApi {
  readonly calls: { method: Method; args: unknown[] }[] = [];
  readonly scenes: SceneDetail[] = [makeScene('synthetic:s1'), makeScene('synthetic:s2', 4, 5), makeScene('synthetic:s3', 3, 0)];
  readonly runs = new Map<string, RunState>();
  readonly qa: QaRecord[] = [];
  readonly outputs: SolverOutputRecord[] = [];
  readonly objectIds = new Map<number, number[]>();
  private failures = new Map<Method, { error: Error; times: number }>();
  private listeners = new Set<(e: LoopEvent) => void>();
  private nextRun = 1;
  info_: WorkbenchInfo = {
    apiVersion: API_VERSION,
    appVersion: '0.1.0-test',
    transport: 'http',
    workspaceDir: '/tmp/ws',
    writable: true,
    defaultConfig: DEFAULT_CONFIG,
  };

  constructor(private readonly opts: FakeOptions = {}) {
    if (opts.points !== undefined) this.scenes[0]!.summary.pointCount = opts.points;
    if (opts.empty) return;
    const qaPerRun = opts.qaPerRun ?? 240;
    this.addRun('run-a', 'closed loop', 'closed-loop', 3, 1000, qaPerRun);
    this.addRun('run-b', 'no feedback', 'no-feedback', 2, 2000, qaPerRun);
    for (let i = 2; i < (opts.runs ?? 2); i++) {
      const letter = String.fromCharCode(97 + i);
      this.addRun(`run-${letter}`, `static ${letter}`, 'static', 2, 1000 * (i + 1), qaPerRun);
    }
    if (opts.experiment) {
      let t = 3000;
      for (const seed of [0, 1, 2])
        for (const a of FAKE_EXPERIMENT) {
          const id = `exp-${a.mode}-${seed}`;
          this.addRun(id, `experiment quick: ${a.arm}, seed ${seed}`, a.mode, 2, t++, 0, { seed, settings: { strategy: a.strategy, rounds: 2, steps: 25 }, final: 0.6 + 0.02 * seed + a.offsets[seed]! });
        }
    }
  }

  // ── test controls ──────────────────────────────────────────────────────────────────────────────────────
  failNext(method: Method, message: string, times = 1): void {
    this.failures.set(method, { error: new Error(message), times });
  }

  emit(event: LoopEvent): void {
    for (const l of this.listeners) l(event);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  callsOf(method: Method): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  private async call<T>(method: Method, args: unknown[], fn: () => T): Promise<T> {
    this.calls.push({ method, args });
    await Promise.resolve();
    const f = this.failures.get(method);
    if (f && f.times > 0) {
      f.times--;
      throw f.error;
    }
    return structuredCloneSafe(fn());
  }

  /**
   * `extra.final`: the held-out score after the last round (earlier rounds lead up to it from a base of 0.5, which
   * every run records as its starting model's score); `extra.seed` / `settings`: the run's settings.
   */
  addRun(id: string, name: string, mode: RunSummary['mode'], roundsDone: number, createdAt: number, qaCount: number, extra: { seed?: number; settings?: Partial<LoopConfig>; final?: number } = {}): void {
    const rounds: RoundRecord[] = Array.from({ length: roundsDone }, (_, i) => ({
      runId: id,
      round: i,
      status: 'completed',
      stage: 'evaluate',
      startedAt: createdAt + i * 100,
      finishedAt: createdAt + i * 100 + 80,
      activeMs: 80,
      counts: { proposed: 100, accepted: 60, rejected: 40, easy: 10 + i * 10, frontier: 30, hard: 20 - i * 5 },
    }));
    const metrics: MetricRecord[] = [];
    if (extra.final !== undefined && roundsDone > 0) metrics.push({ runId: id, round: 0, benchmarkSetId: 'b', family: null, metric: 'base_score', value: 0.5, n: 240 });
    for (let i = 0; i < roundsDone; i++) {
      const value = extra.final !== undefined ? 0.5 + ((extra.final - 0.5) * (i + 1)) / roundsDone : 0.3 + 0.1 * i + (mode === 'closed-loop' ? 0.05 : 0);
      metrics.push({ runId: id, round: i, benchmarkSetId: 'b', family: null, metric: 'score', value, n: 240 });
      if (extra.final !== undefined) metrics.push({ runId: id, round: i, benchmarkSetId: 'b', family: null, metric: 'samples_seen', value: 100 * (i + 1), n: 100 * (i + 1) });
      metrics.push({ runId: id, round: i, benchmarkSetId: 'b', family: 'object_counting', metric: 'score', value: 0.2 + 0.1 * i, n: 20 });
      metrics.push({ runId: id, round: i, benchmarkSetId: 'b', family: 'object_rel_direction_easy', metric: 'accuracy', value: 0.5 + 0.05 * i, n: 20 });
    }
    const decisions: ControllerDecisionRecord[] =
      mode === 'closed-loop'
        ? Array.from({ length: roundsDone }, (_, i) => ({
            runId: id,
            round: i,
            strategy: 'reference',
            weightsBefore: mix(i === 0 ? { object_counting: 0.5, object_abs_distance: 0.5 } : { object_counting: 0.4, object_abs_distance: 0.6 }),
            weightsAfter: mix({ object_counting: 0.4 - i * 0.1, object_abs_distance: 0.6 + i * 0.1 }),
            stats: {},
            reason: `round ${i}: more frontier-like distance questions`,
            createdAt: createdAt + i,
          }))
        : [];
    const summary: RunSummary = {
      id,
      name,
      mode,
      config: { ...DEFAULT_CONFIG, ...extra.settings, name, mode, seed: extra.seed ?? 1 } as unknown as RunSummary['config'],
      seeds: { seed: extra.seed ?? 1, dataSeed: 7 },
      codeVersion: '0.1.0+test',
      provider: 'onnxruntime/cpu',
      status: 'completed',
      error: null,
      createdAt,
      updatedAt: createdAt,
      tags: [],
      notes: '',
      roundsDone,
      heldoutScore: roundsDone > 0 ? metrics.filter((m) => m.family === null && m.metric === 'score').at(-1)!.value : null,
      executionProvider: 'cpu',
      roundMs: rounds.map((it) => it.finishedAt! - it.startedAt!),
      roundStartedAt: null,
    };
    const detail: RunDetail = {
      run: summary,
      rounds,
      roundFigures: rounds.map((it) => ({ round: it.round, samplesSeen: (it.round + 1) * 60, meanLoss: 1.5 - 0.25 * it.round })),
      proposers: [],
      split: [
        { sceneId: 'synthetic:s1', split: 'train' },
        { sceneId: 'synthetic:s2', split: 'train' },
        { sceneId: 'synthetic:s3', split: 'heldout' },
      ],
      evalScenes: ['synthetic:s1', 'synthetic:s2'].filter((sceneId) => this.opts.evalScenes?.includes(sceneId)),
      debias: roundsDone > 0 ? fakeDebias(roundsDone - 1, metrics) : null,
      metrics,
      decisions,
      checkpoints: [],
      training: fakeTraining(id, roundsDone),
    };
    this.runs.set(id, { summary, detail });
    const base = this.qa.length;
    for (let k = 0; k < qaCount; k++) {
      const qid = base + k + 1;
      const family = FAMILIES[k % FAMILIES.length]!;
      const sceneId = this.scenes[k % 2]!.summary.id;
      // Every family in every round (k % 3 would tie each family to one round, as 3 divides 12).
      const round = Math.floor(k / FAMILIES.length) % Math.max(1, roundsDone);
      const answered = k % 5 !== 4;
      const confidence = answered ? ((k * 37) % 100) / 100 : null;
      const accepted = k % 7 !== 6;
      const objs = [1 + (k % 4), 2 + (k % 3)];
      const choice = family.startsWith('object_rel');
      // Numeric predictions as a solver writes them: raw floats, in the family's unit.
      const prediction = !answered ? null : choice ? `pred-${qid}` : String((2 + (k % 5)) * 1.0379 + 0.000123456789);
      this.objectIds.set(qid, objs);
      this.qa.push({
        id: qid,
        runId: id,
        round,
        sceneId,
        proposalId: `${sceneId}/${family}/${k}`,
        proposer: 'programmatic',
        family,
        difficulty: { distractors: k % 4, gap: 0.25 },
        bin: k % 3,
        question: `Question ${k} about the ${k % 2 ? 'chair' : 'table, "big"'}?`,
        options: choice ? ['A. chair', 'B. table', 'C. sofa'] : null,
        answerType: choice ? 'choice' : 'number',
        answer: choice ? 'A' : 2 + (k % 5),
        program: 'return scene.objects("chair").length;',
        programResult: 2 + (k % 5),
        verdict: accepted ? 'accepted' : 'rejected',
        rejectedBy: accepted ? null : 'margin',
        reason: accepted ? null : 'candidates too close',
        filterVerdicts: [
          { filter: 'program', passed: true },
          { filter: 'margin', passed: accepted, value: 0.12, ...(accepted ? {} : { reason: 'candidates too close' }) },
        ],
        ...fakeFacts(family),
        // Camera questions name a frame of their scene's trajectory (s1 has 8, s2 has 5).
        frame: family === 'camera_object_distance' ? 1 + (k % 4) : null,
        seed: k,
        createdAt: createdAt + k,
        bucket: confidence === null ? null : bucketOf(confidence),
        confidence,
        prediction,
        trainedRound: accepted && answered ? round : null,
      });
      if (answered) {
        this.outputs.push({
          id: this.outputs.length + 1,
          qaId: qid,
          runId: id,
          round,
          checkpointId: null,
          prediction: prediction!,
          confidence: confidence!,
          bucket: bucketOf(confidence!),
          answerTokenProbs: [confidence!],
          pCorrect: confidence!,
          loss: -Math.log(confidence!),
          referenceLoss: null,
          selectionScore: null,
          confidenceMethod: null,
          createdAt: createdAt + k,
        });
      }
    }
  }

  // ── WorkbenchApi ───────────────────────────────────────────────────────────────────────────────────────
  info(): Promise<WorkbenchInfo> {
    return this.call('info', [], () => this.info_);
  }

  listScenes(query?: SceneQuery): Promise<import('../../src/shared/scene.js').SceneSummary[]> {
    return this.call('listScenes', [query], () => {
      const all = this.scenes.map((s) => ({ ...s.summary, evalScene: this.opts.evalScenes?.includes(s.summary.id) ?? false })).filter((s) => !query?.dataset || s.dataset === query.dataset);
      const offset = query?.offset ?? 0;
      return all.slice(offset, offset + (query?.limit ?? all.length));
    });
  }

  getScene(sceneId: string): Promise<SceneDetail> {
    return this.call('getScene', [sceneId], () => {
      const s = this.scenes.find((x) => x.summary.id === sceneId);
      if (!s) throw new Error(notFound(sceneId));
      return s;
    });
  }

  getScenePoints(sceneId: string, maxPoints: number): Promise<PointCloudData> {
    return this.call('getScenePoints', [sceneId, maxPoints], () => {
      const s = this.scenes.find((x) => x.summary.id === sceneId);
      if (!s) throw new Error(notFound(sceneId));
      const total = s.summary.pointCount;
      const count = Math.min(total, maxPoints);
      if (this.opts.points !== undefined && s === this.scenes[0]) {
        const cloud = syntheticCloud(count, 7);
        if (this.opts.pointColor) for (let i = 0; i < count; i++) cloud.colors.set(this.opts.pointColor, 3 * i);
        return { sceneId, total, count, positions: cloud.positions, colors: cloud.colors, objectIds: null };
      }
      const positions = new Float32Array(count * 3);
      const colors = new Uint8Array(count * 3);
      const objectIds = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        positions.set([(i % 60) / 10, (i % 50) / 10, (i % 26) / 10], 3 * i);
        colors.set([i % 256, 128, 255 - (i % 256)], 3 * i);
        objectIds[i] = (i % 7) - 1;
      }
      if (this.opts.pointColor) for (let i = 0; i < count; i++) colors.set(this.opts.pointColor, 3 * i);
      return { sceneId, total, count, positions, colors, objectIds };
    });
  }

  getFrameImage(sceneId: string, frame: number): Promise<FrameImage> {
    return this.call('getFrameImage', [sceneId, frame], () => {
      const s = this.scenes.find((x) => x.summary.id === sceneId);
      if (!s || frame >= s.trajectory.length) throw new Error(`getFrameImage(frame): no frame ${frame} in "${sceneId}"`);
      return {
        sceneId,
        frame,
        width: 128,
        height: 96,
        image: new Uint8Array([137, 80, 78, 71, frame]),
        mime: 'image/png',
        origin: 'render',
        boxes: [{ objectId: 1, label: 'chair', box: [10, 10, 40, 50], visibleFraction: 0.8 }],
      };
    });
  }

  listRuns(): Promise<RunSummary[]> {
    return this.call('listRuns', [], () => [...this.runs.values()].map((r) => r.summary));
  }

  getRun(runId: string): Promise<RunDetail> {
    return this.call('getRun', [runId], () => {
      const r = this.runs.get(runId);
      if (!r) throw new Error(`getRun(runId): no run "${runId}"`);
      return { ...r.detail, run: r.summary };
    });
  }

  startRun(config: LoopConfigInput): Promise<{ runId: string }> {
    return this.call('startRun', [config], () => {
      const id = `run-new-${this.nextRun++}`;
      this.addRun(id, config.name ?? 'new', config.mode ?? 'closed-loop', 0, 5000 + this.nextRun, 0);
      const r = this.runs.get(id)!;
      r.summary.status = 'running';
      return { runId: id };
    });
  }

  stopRun(runId: string): Promise<void> {
    return this.call('stopRun', [runId], () => {
      const r = this.runs.get(runId);
      if (!r) throw new Error(`stopRun(runId): no run "${runId}"`);
      r.summary.status = 'paused';
    });
  }

  resumeRun(runId: string, model?: string): Promise<void> {
    return this.call('resumeRun', model === undefined ? [runId] : [runId, model], () => {
      const r = this.runs.get(runId);
      if (!r) throw new Error(`resumeRun(runId): no run "${runId}"`);
      r.summary.status = 'running';
    });
  }

  /** Trims and dedupes tags and refuses a blank name, as the host does. */
  updateRun(runId: string, patch: RunPatch): Promise<RunSummary> {
    return this.call('updateRun', [runId, patch], () => {
      const r = this.runs.get(runId);
      if (!r) throw new Error(`updateRun(runId): no run "${runId}"`);
      if (patch.name !== undefined) {
        if (patch.name.trim() === '') throw new Error('updateRun(patch).name: expected a name of 1 to 200 characters, not only spaces, found " "');
        r.summary.name = patch.name.trim();
      }
      if (patch.tags !== undefined) r.summary.tags = [...new Set(patch.tags.map((t) => t.trim()).filter((t) => t !== ''))].sort();
      if (patch.notes !== undefined) r.summary.notes = patch.notes;
      return r.summary;
    });
  }

  /** Refuses running runs as the host does; removes the run and its QA. */
  deleteRun(runId: string): Promise<RunDeletion> {
    return this.call('deleteRun', [runId], () => {
      const r = this.runs.get(runId);
      if (!r) throw new Error(`deleteRun(runId): no run "${runId}"`);
      if (r.summary.status === 'running' || r.summary.status === 'queued') throw new Error(`run "${r.summary.name}" (${runId}) is ${r.summary.status}: stop it before deleting it`);
      this.runs.delete(runId);
      for (let i = this.qa.length - 1; i >= 0; i--) if (this.qa[i]!.runId === runId) this.qa.splice(i, 1);
      return { runId, removedBlobs: r.detail.checkpoints.length, freedBytes: 0 };
    });
  }

  getRunConfig(runId: string): Promise<LoopConfig> {
    return this.call('getRunConfig', [runId], () => {
      const r = this.runs.get(runId);
      if (!r) throw new Error(`getRunConfig(runId): no run "${runId}"`);
      return { ...DEFAULT_CONFIG, ...(r.summary.config as unknown as Partial<LoopConfig>) };
    });
  }

  filterQa(q: QaQueryInput): QaRecord[] {
    const search = q.search?.toLowerCase();
    return this.qa.filter(
      (r) =>
        r.runId === q.runId &&
        (q.round === undefined || r.round === q.round) &&
        (q.family === undefined || r.family === q.family) &&
        (q.sceneId === undefined || r.sceneId === q.sceneId) &&
        (q.bucket === undefined || r.bucket === q.bucket) &&
        (q.verdict === undefined || r.verdict === q.verdict) &&
        (q.answered === undefined || (r.bucket !== null) === q.answered) &&
        (q.bin === undefined || r.bin === q.bin) &&
        (search === undefined || r.question.toLowerCase().includes(search)),
    );
  }

  queryQa(q: QaQueryInput): Promise<QaPage> {
    return this.call('queryQa', [q], () => {
      const rows = this.filterQa(q);
      const key = q.sort ?? 'id';
      const dir = q.descending ? -1 : 1;
      rows.sort((a, b) => {
        let c = 0;
        if (key === 'family') c = a.family < b.family ? -1 : a.family > b.family ? 1 : 0;
        else if (key === 'confidence') c = (a.confidence ?? -1) - (b.confidence ?? -1);
        else if (key === 'round') c = a.round - b.round;
        return c !== 0 ? c * dir : a.id - b.id;
      });
      const offset = q.offset ?? 0;
      return { rows: rows.slice(offset, offset + (q.limit ?? 100)), total: rows.length };
    });
  }

  getQa(qaId: number): Promise<QaDetail> {
    return this.call('getQa', [qaId], () => {
      const qa = this.qa.find((r) => r.id === qaId);
      if (!qa) throw new Error(`getQa(qaId): no QA ${qaId}`);
      return { qa, outputs: this.outputs.filter((o) => o.qaId === qaId), objectIds: this.objectIds.get(qaId) ?? [] };
    });
  }

  /** Aggregates `objectIds` (what getQa names) over the scene's answered QA, as the host does in SQL. */
  sceneObjectConfidence(sceneId: string, runId?: string): Promise<SceneObjectConfidence> {
    return this.call('sceneObjectConfidence', runId === undefined ? [sceneId] : [sceneId, runId], () => {
      const scene = this.scenes.find((x) => x.summary.id === sceneId);
      if (!scene) throw new Error(notFound(sceneId));
      const inScene = new Set(scene.objects.map((o) => o.id));
      const sums = new Map<number, { sum: number; n: number }>();
      let questions = 0;
      for (const r of this.qa) {
        if (r.sceneId !== sceneId || (runId !== undefined && r.runId !== runId) || r.confidence === null) continue;
        const ids = new Set((this.objectIds.get(r.id) ?? []).filter((id) => inScene.has(id)));
        if (ids.size > 0) questions++;
        for (const id of ids) {
          const acc = sums.get(id) ?? { sum: 0, n: 0 };
          acc.sum += r.confidence;
          acc.n++;
          sums.set(id, acc);
        }
      }
      const objects = [...sums].sort(([a], [b]) => a - b).map(([objectId, { sum, n }]) => ({ objectId, mean: sum / n, n }));
      return { sceneId, runId: runId ?? null, objects, questions };
    });
  }

  /** As the host: per round k, each question of the run proposed by k at its latest answer of a round ≤ k. */
  sceneConfidenceByRound(sceneId: string, runId: string): Promise<SceneConfidenceByRound> {
    return this.call('sceneConfidenceByRound', [sceneId, runId], () => {
      const scene = this.scenes.find((x) => x.summary.id === sceneId);
      if (!scene) throw new Error(`sceneConfidenceByRound(sceneId): no scene "${sceneId}"`);
      const run = this.runs.get(runId);
      if (!run) throw new Error(`sceneConfidenceByRound(runId): no run "${runId}"`);
      const inScene = new Set(scene.objects.map((o) => o.id));
      const rounds = run.detail.rounds.map(({ round }) => {
        const sums = new Map<number, { sum: number; n: number }>();
        let questions = 0;
        for (const q of this.qa) {
          if (q.sceneId !== sceneId || q.runId !== runId || q.round > round) continue;
          const latest = this.outputs.filter((o) => o.qaId === q.id && o.round <= round).sort((x, y) => y.round - x.round || y.id - x.id)[0];
          if (!latest) continue;
          const ids = new Set((this.objectIds.get(q.id) ?? []).filter((id) => inScene.has(id)));
          if (ids.size > 0) questions++;
          for (const id of ids) {
            const acc = sums.get(id) ?? { sum: 0, n: 0 };
            acc.sum += latest.confidence;
            acc.n++;
            sums.set(id, acc);
          }
        }
        const objects = [...sums].sort(([x], [y]) => x - y).map(([objectId, { sum, n }]) => ({ objectId, mean: sum / n, n }));
        return { round, objects, questions };
      });
      return { sceneId, runId, rounds };
    });
  }

  rerunProgram(qaId: number): Promise<ProgramRerun> {
    return this.call('rerunProgram', [qaId], () => {
      const qa = this.qa.find((r) => r.id === qaId);
      if (!qa) throw new Error(`rerunProgram(qaId): no QA ${qaId}`);
      return { ok: true, value: qa.programResult, matchesStored: true, ms: 1.5 };
    });
  }

  heatmap(query: HeatmapQuery): Promise<HeatmapData> {
    return this.call('heatmap', [query], () => {
      // As the host: accepted questions only (rejected ones are never answered).
      const rows = this.filterQa({ runId: query.runId, verdict: 'accepted' });
      const keyOf = (r: QaRecord): [string, string] =>
        query.kind === 'family-round' ? [r.family, String(r.round)] : query.kind === 'scene-family' ? [r.sceneId, r.family] : [String(r.bin), String(r.round)];
      const groups = new Map<string, QaRecord[]>();
      for (const r of rows) {
        if (query.kind === 'bin-round' && query.family && r.family !== query.family) continue;
        const k = keyOf(r).join('\u0000');
        groups.set(k, [...(groups.get(k) ?? []), r]);
      }
      const cells: HeatmapCell[] = [...groups].map(([k, rs]) => {
        const [row, col] = k.split('\u0000') as [string, string];
        const answered = rs.filter((r) => r.confidence !== null);
        const n = query.metric === 'count' ? rs.length : answered.length;
        let value: number | null;
        if (query.metric === 'count') value = rs.length;
        else if (answered.length === 0) value = null;
        else if (query.metric === 'confidence') value = answered.reduce((a, r) => a + r.confidence!, 0) / answered.length;
        else if (query.metric === 'accuracy') value = 0.5;
        else value = answered.filter((r) => r.bucket === query.metric).length / answered.length;
        return { row, col, value, n };
      });
      return { query, rows: [...new Set(cells.map((c) => c.row))], cols: [...new Set(cells.map((c) => c.col))], cells };
    });
  }

  curves(runIds: string[]): Promise<CurveSeries[]> {
    return this.call('curves', [runIds], () =>
      // Deliberately in reverse order: the store must restore the caller's order.
      [...runIds].reverse().flatMap((id) => {
        const r = this.runs.get(id);
        if (!r) return [];
        const points = r.detail.metrics
          .filter((m) => m.family === null)
          .map((m) => ({
            samplesSeen: (m.round + 1) * 1000,
            round: m.round,
            overall: m.value,
            families: Object.fromEntries(r.detail.metrics.filter((x) => x.round === m.round && x.family !== null).map((x) => [x.family!, x.value])),
          }));
        return [{ runId: id, name: r.summary.name, mode: r.summary.mode, points }];
      }),
    );
  }

  /** Every step when it fits in maxPoints, else equal chunks per round (the host's rule, tested with the host). */
  trainingSeries(query: TrainingSeriesQuery): Promise<TrainingSeries[]> {
    return this.call('trainingSeries', [query], () =>
      [...new Set(query.runIds)].map((id) => {
        const r = this.runs.get(id);
        if (!r) throw new Error(`trainingSeries(query).runIds: no run "${id}"`);
        const rows = r.detail.training;
        const max = query.maxPoints ?? 1000;
        const size = rows.length > max ? Math.ceil(rows.length / max) : 1;
        const points: TrainingPoint[] = [];
        for (let i = 0; i < rows.length; i += size) {
          const chunk = rows.slice(i, i + size).filter((x) => x.round === rows[i]!.round);
          const mean = (f: (x: TrainingStatRecord) => number): number => chunk.reduce((a, x) => a + f(x), 0) / chunk.length;
          const k = (rows[i]!.step - 1) % FAKE_STEPS_PER_ROUND;
          points.push({
            step: chunk[0]!.step,
            stepLast: chunk.at(-1)!.step,
            round: chunk[0]!.round,
            roundPosition: chunk[0]!.round + (k + chunk.length) / FAKE_STEPS_PER_ROUND,
            trainingMs: mean((x) => x.round * 10 * FAKE_STEPS_PER_ROUND + x.elapsedMs),
            n: chunk.length,
            loss: mean((x) => x.loss),
            lossMin: Math.min(...chunk.map((x) => x.loss)),
            lossMax: Math.max(...chunk.map((x) => x.loss)),
            lr: mean((x) => x.lr),
            lrMin: Math.min(...chunk.map((x) => x.lr)),
            lrMax: Math.max(...chunk.map((x) => x.lr)),
            gradNorm: mean((x) => x.gradNorm ?? 0),
            gradNormMin: Math.min(...chunk.map((x) => x.gradNorm ?? 0)),
            gradNormMax: Math.max(...chunk.map((x) => x.gradNorm ?? 0)),
          });
        }
        return { runId: id, name: r.summary.name, mode: r.summary.mode, status: r.summary.status, total: rows.length, downsampled: size > 1, points };
      }),
    );
  }

  /** Groups completed runs by settings minus seed, dataSeed and name; the key is that JSON (the host hashes it). */
  compareRuns(query?: CompareQuery): Promise<Comparison> {
    return this.call('compareRuns', query === undefined ? [] : [query], () => {
      const all = [...this.runs.values()].filter((r) => !query?.runIds || query.runIds.includes(r.summary.id));
      const groups = new Map<string, RunState[]>();
      const excluded: Comparison['excluded'] = [];
      for (const r of all) {
        if (r.summary.status !== 'completed' || r.summary.roundsDone === 0) {
          excluded.push({ runId: r.summary.id, name: r.summary.name, reason: r.summary.status !== 'completed' ? `${r.summary.status}, not completed` : 'no held-out score' });
          continue;
        }
        const { seed: _s, dataSeed: _d, name: _n, ...settings } = r.summary.config as Record<string, unknown>;
        const key = JSON.stringify(Object.fromEntries(Object.entries(settings).sort(([a], [b]) => (a < b ? -1 : 1))));
        groups.set(key, [...(groups.get(key) ?? []), r]);
      }
      const out: RunGroup[] = [...groups].map(([key, rs]) => {
        const runs = rs
          .map((r) => ({ runId: r.summary.id, name: r.summary.name, seed: r.summary.seeds.seed ?? 0, dataSeed: r.summary.seeds.dataSeed ?? 0, scores: fakeCurve(r.detail.metrics).map((p) => ({ round: p.round, score: p.score })) }))
          .sort((a, b) => a.seed - b.seed);
        return { key, title: runs[0]!.name.replace(/, seed \d+$/, ''), label: '', settings: JSON.parse(key) as RunGroup['settings'], runs, rounds: fakeRoundStats(rs.map((r) => fakeCurve(r.detail.metrics))) };
      });
      const differing = [...new Set(out.flatMap((g) => Object.keys(g.settings)))].filter((k) => new Set(out.map((g) => JSON.stringify(g.settings[k]))).size > 1).sort();
      for (const g of out) g.label = differing.map((k) => `${k}: ${typeof g.settings[k] === 'string' ? g.settings[k] : JSON.stringify(g.settings[k])}`).join(' · ');
      let difference: Comparison['difference'] = null;
      if (query?.a !== undefined || query?.b !== undefined) {
        const a = out.find((g) => g.key === query.a);
        const b = out.find((g) => g.key === query.b);
        if (!a || !b) throw new Error(`compareRuns(query).${a ? 'b' : 'a'}: no group with that key among the compared runs`);
        const rounds = a.rounds.map((x) => x.round).filter((k) => b.rounds.some((y) => y.round === k));
        difference = {
          a: a.key,
          b: b.key,
          rounds: rounds.flatMap((round) => {
            const pairs = a.runs.flatMap((ra) => {
              const rb = b.runs.find((x) => x.seed === ra.seed && x.dataSeed === ra.dataSeed);
              const sa = ra.scores.find((x) => x.round === round)?.score;
              const sb = rb?.scores.find((x) => x.round === round)?.score;
              return sa !== undefined && sb !== undefined ? [{ seed: ra.seed, dataSeed: ra.dataSeed, a: sa, b: sb }] : [];
            });
            return pairs.length > 0 ? [{ round, pairs, difference: pairedDifference(pairs.map((p) => p.a), pairs.map((p) => p.b)) }] : [];
          }),
        };
      }
      return { groups: out, differing, difference, excluded };
    });
  }

  /** The runs named `experiment <preset>: <arm>, seed <n>` as one experiment per preset (no checkpoint or benchmark split). */
  experiments(): Promise<ExperimentView[]> {
    return this.call('experiments', [], () => {
      const byPreset = new Map<string, { arm: string; seed: number; r: RunState }[]>();
      for (const r of this.runs.values()) {
        const m = /^experiment ([^:]+): (.+), seed (\d+)$/.exec(r.summary.name);
        if (m) byPreset.set(m[1]!, [...(byPreset.get(m[1]!) ?? []), { arm: m[2]!, seed: Number(m[3]), r }]);
      }
      return [...byPreset].map(([preset, found]) => {
        const arms = [...new Set(found.map((f) => f.arm))];
        const finals = (arm: string) => found.filter((f) => f.arm === arm && f.r.summary.status === 'completed').sort((a, b) => a.seed - b.seed).map((f) => ({ seed: f.seed, v: fakeCurve(f.r.detail.metrics).at(-1)!.score }));
        const nf = finals('no feedback');
        const views: ExperimentArmView[] = arms.map((arm) => {
          const fs = finals(arm);
          const paired = fs.filter((f) => nf.some((x) => x.seed === f.seed));
          return {
            arm,
            cells: found.filter((f) => f.arm === arm).sort((a, b) => a.seed - b.seed).map((f) => ({ seed: f.seed, runId: f.r.summary.id, status: f.r.summary.status, final: f.r.summary.heldoutScore })),
            seeds: fs.length,
            score: fs.length > 0 ? meanInterval(fs.map((f) => f.v)) : null,
            gain: fs.length > 0 ? meanInterval(fs.map((f) => f.v - 0.5)) : null,
            vsNoFeedback: arm === 'no feedback' || paired.length === 0 ? null : pairedDifference(paired.map((f) => f.v), paired.map((f) => nf.find((x) => x.seed === f.seed)!.v)),
            samplesUsed: 200,
            wallMs: 1000,
            curve: fakeRoundStats(found.filter((f) => f.arm === arm && f.r.summary.status === 'completed').map((f) => fakeCurve(f.r.detail.metrics))),
          };
        });
        const winner = views.filter((v) => v.arm.startsWith('closed loop: ') && v.vsNoFeedback?.verdict === 'better').sort((a, b) => b.vsNoFeedback!.mean - a.vsNoFeedback!.mean)[0];
        return {
          key: `fake-${preset}`,
          preset,
          initCheckpoint: 1,
          benchmarkSetId: 'b',
          seeds: [...new Set(found.map((f) => f.seed))].sort((a, b) => a - b),
          base: 0.5,
          arms: views,
          targets: [],
          winner: winner?.arm ?? null,
          conclusion: winner
            ? `Rule that beats no feedback beyond the noise: ${winner.arm} (${formatDifference(winner.vsNoFeedback!, 100)}).`
            : 'No rule beats no feedback beyond the noise (every paired 95% interval includes zero or lies below it).',
          excluded: [],
        };
      });
    });
  }

  subscribe(listener: (event: LoopEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The host's message for an unknown scene, the same whichever call asked (a StoreError from its scene cache). */
function notFound(sceneId: string): string {
  return `no scene "${sceneId}" in /tmp/ws/workbench.db`;
}

/** Per-step statistics of a fake run: loss falling with a wiggle, a warm-up then a flat learning rate. */
function fakeTraining(runId: string, rounds: number): TrainingStatRecord[] {
  return Array.from({ length: rounds * FAKE_STEPS_PER_ROUND }, (_, i) => ({
    runId,
    round: Math.floor(i / FAKE_STEPS_PER_ROUND),
    step: i + 1,
    loss: 2 - 0.1 * i + (i % 2 === 0 ? 0.05 : -0.05),
    lr: i < 2 ? 5e-4 * (i + 1) : 1e-3,
    gradNorm: 1 + 0.1 * (i % 3),
    elapsedMs: 10 * ((i % FAKE_STEPS_PER_ROUND) + 1),
  }));
}

/** (round, overall, samples seen) from a fake run's metrics, the starting model's score as round −1. */
function fakeCurve(metrics: readonly MetricRecord[]): { round: number; score: number; samplesSeen: number }[] {
  const base = metrics.find((m) => m.metric === 'base_score' && m.family === null);
  const seen = (round: number): number => metrics.find((m) => m.metric === 'samples_seen' && m.round === round)?.value ?? round;
  return [
    ...(base ? [{ round: -1, score: base.value, samplesSeen: 0 }] : []),
    ...metrics.filter((m) => m.metric === 'score' && m.family === null).map((m) => ({ round: m.round, score: m.value, samplesSeen: seen(m.round) })),
  ];
}

function fakeRoundStats(curves: readonly { round: number; score: number; samplesSeen: number }[][]): GroupRoundStat[] {
  const rounds = [...new Set(curves.flatMap((c) => c.map((p) => p.round)))].sort((a, b) => a - b);
  return rounds.map((round) => {
    const at = curves.flatMap((c) => c.filter((p) => p.round === round));
    return { round, score: meanInterval(at.map((p) => p.score)), samplesSeen: at.reduce((a, p) => a + p.samplesSeen, 0) / at.length };
  });
}

/** Results are copied so a store can never mutate the fake's data (typed arrays are kept as they are). */
function structuredCloneSafe<T>(v: T): T {
  return structuredClone(v);
}

/** Resolves after every queued microtask and pending promise chain of the fake has run. */
export async function flush(times = 10): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((r) => setTimeout(r, 0));
}
