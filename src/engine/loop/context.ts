/**
 * What every stage of a run needs, opened once per start or resume: the resolved config, the run's scenes
 * (from the store, never from the original source files, which may have moved), prepared training scenes, the
 * held-out benchmark, the observation cache, the program sandbox, and the solver positioned after a given
 * round. Events and cancellation travel with it.
 */
import type { LoopConfig, LoopEvent } from '../../shared/loop.js';
import type { Family, Mix, MixKey } from '../../shared/proposer.js';
import type { BenchmarkQuestionRecord, LoopStage, RunRecord } from '../../shared/records.js';
import type { Scene } from '../../shared/scene.js';
import { FAMILY_SPECS } from '../proposer/families/index.js';
import { type PreparedScene, prepareScene } from '../proposer/prepare.js';
import type { ProgramRunner } from '../proposer/runner.js';
import { startSandboxRunner } from '../proposer/sandboxRunner.js';
import { Solver } from '../solver/solver.js';
import type { Store } from '../store/index.js';
import { getEndpointResponse, registeredEndpointModel, listCheckpoints, listMetrics, listRunScenes, loadScene, putEndpointResponse, readCheckpoint, setRunProvider } from '../store/index.js';
import { endpointAnswerer, type Answerer } from './answerer.js';
import { ensureBenchmark } from './benchmark.js';
import { aheadByDefault, ProposalAhead } from './ahead.js';
import { MODEL_PRESETS } from './config.js';
import { Observations } from './samples.js';
import { type ShippedSource, shippedSources } from './shipped.js';

export class Cancelled extends Error {
  constructor(where: string) {
    super(`cancelled ${where}`);
    this.name = 'Cancelled';
  }
}

/**
 * Something outside the run stopped it (the trainer command failed, the endpoint is down or refuses): what the
 * run wrote is whole, and resuming once that is fixed continues it, so the run is paused with the reason.
 */
export class OutsideStop extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutsideStop';
  }
}

export interface LoopContext {
  store: Store;
  run: RunRecord;
  config: LoopConfig;
  trainIds: string[];
  heldoutIds: string[];
  /** The run's scenes; with their point clouds only when an endpoint model answers (see openContext). */
  scenes: Map<string, Scene>;
  observations: Observations;
  runner: ProgramRunner;
  benchmark: { setId: string; questions: BenchmarkQuestionRecord[] };
  /** Every (train scene, family, bin) the proposer can be asked for: the cells of the mix. */
  cells: MixKey[];
  /** Shipped model files (shipped.ts): a starting model one of them holds may come with its scores on this benchmark. */
  shipped: readonly ShippedSource[];
  emit(event: LoopEvent): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  signal: AbortSignal | undefined;
  checkCancelled(where: string): void;
  /** Prepared training scenes (visibility, program data), made on first use: static rounds after 0 need none. */
  trainPrepared(): PreparedScene[];
  /** The worker proposing rounds ahead (ahead.ts), when this run uses one. */
  ahead: ProposalAhead | undefined;
  /** The solver holding the state after round `round` was trained (−1: freshly initialised). */
  solverAfter(round: number): Promise<Solver>;
  /**
   * What answers questions after round `round` was trained: the built-in solver (`solverAfter`), or the
   * endpoint's model (config.endpoint) as the trainer left it.
   */
  answererAfter(round: number): Promise<Answerer>;
  /** The irreducible-loss model (config.referenceCheckpoint), loaded once: what RHO-LOSS compares the solver's loss with. */
  referenceSolver(): Promise<Solver>;
  /** The solver's state came from training round `round` in this process (so no reload is needed). */
  solverTrained(round: number): void;
  checkpointIdAfter(round: number): number | null;
  dispose(): Promise<void>;
}

export function uniformMix(cells: readonly MixKey[]): Mix {
  return { entries: cells.map((c) => ({ ...c, weight: 1 / cells.length })) };
}

function cellsOf(sceneIds: readonly string[], families: readonly Family[]): MixKey[] {
  const out: MixKey[] = [];
  for (const sceneId of sceneIds)
    for (const family of families) for (let bin = 0; bin < FAMILY_SPECS[family].bins; bin++) out.push({ sceneId, family, bin });
  return out;
}

export interface ContextOptions {
  onEvent?: (event: LoopEvent) => void;
  signal?: AbortSignal;
  shipped?: readonly ShippedSource[];
  /** Propose rounds ahead on a worker thread (ahead.ts); default `aheadByDefault(config)`. Changes no result. */
  proposeAhead?: boolean;
  /** Called once the context is usable and before the held-out benchmark is made (which takes a while). */
  beforeBenchmark?: (ctx: LoopContext) => void;
}

export async function openContext(store: Store, run: RunRecord, config: LoopConfig, options: ContextOptions): Promise<LoopContext> {
  // The sandbox starts on its own thread (~0.4 s) while this one reads the run's scenes.
  const starting = startSandboxRunner();
  let split: ReturnType<typeof listRunScenes>;
  let scenes: Map<string, Scene>;
  try {
    split = listRunScenes(store, run.id);
    // Each scene as the run first saw it: a re-import since made a new version and left this one (store/scenes.ts).
    // Point clouds only where an endpoint model is asked: its camera images are rendered from them
    // (perception/cameraImage.ts); nothing else a run does reads them (0.7 s of the main job's 196 scenes).
    const points = config.endpoint !== null;
    scenes = new Map(split.map((s) => [s.sceneId, loadScene(store, s.sceneId, s.sceneVersion, { points })]));
  } catch (e) {
    starting.dispose();
    throw e;
  }
  const trainIds = split.filter((s) => s.split === 'train').map((s) => s.sceneId);
  const heldoutIds = split.filter((s) => s.split === 'heldout').map((s) => s.sceneId);
  const observations = new Observations(scenes, config.dataSeed, config.frames);
  const emit = (event: LoopEvent): void => options.onEvent?.(event);
  const log = (level: 'info' | 'warn' | 'error', message: string): void => emit({ type: 'log', runId: run.id, level, message });
  const runner = await starting.ready;

  let prepared: PreparedScene[] | undefined;
  let solver: Solver | undefined;
  let solverRound = Number.NaN;
  const providerNotes: string[] = [];
  const labels = [...new Set([...[...scenes.values()].flatMap((s) => s.objects.map((o) => o.label)), ...config.extraLabels])].sort();
  let reference: Solver | undefined;
  const runtime = {
    executionProvider: config.executionProvider,
    ...(config.threads > 0 ? { threads: config.threads } : {}),
    log: (m: string) => {
      providerNotes.push(m);
      log('warn', m);
    },
  };

  const ctx: LoopContext = {
    store,
    run,
    config,
    trainIds,
    heldoutIds,
    scenes,
    observations,
    runner,
    benchmark: { setId: '', questions: [] },
    cells: cellsOf(trainIds, config.families),
    shipped: options.shipped ?? shippedSources(),
    emit,
    log,
    signal: options.signal,
    checkCancelled(where) {
      if (options.signal?.aborted) throw new Cancelled(where);
    },
    trainPrepared() {
      prepared ??= trainIds.map((id) => prepareScene(scenes.get(id)!));
      return prepared;
    },
    async solverAfter(round) {
      if (solver && solverRound === round) return solver;
      await solver?.dispose();
      solver = undefined;
      if (round < 0 && config.initCheckpoint > 0) {
        solver = await Solver.fromCheckpoint(readCheckpoint(store, config.initCheckpoint), runtime);
      } else if (round < 0) {
        solver = await Solver.create({ model: MODEL_PRESETS[config.model], extraLabels: labels }, config.seed, runtime);
      } else {
        const id = ctx.checkpointIdAfter(round);
        if (id === null) throw new Error(`run ${run.id}: no checkpoint after round ${round} to continue from`);
        solver = await Solver.fromCheckpoint(readCheckpoint(store, id), runtime);
      }
      solverRound = round;
      const why = providerNotes.length > 0 ? ` (${providerNotes[providerNotes.length - 1]})` : '';
      setRunProvider(store, run.id, `onnxruntime/${solver.provider}${why}`);
      return solver;
    },
    async answererAfter(round) {
      const endpoint = config.endpoint;
      if (endpoint) {
        const roundsTrained = config.trainerCommand !== null || config.awaitModel ? round + 1 : 0;
        // A model registered by hand for this point (awaitModel) wins over the configured name.
        const registered = roundsTrained > 0 ? registeredEndpointModel(store, run.id, roundsTrained) : undefined;
        const a = endpointAnswerer(registered !== undefined ? { ...endpoint, model: registered } : endpoint, roundsTrained, {
          scenes,
          images: store,
          cache: { get: (k) => getEndpointResponse(store, k), put: (k, m, r) => putEndpointResponse(store, k, m, r) },
          ...(options.signal ? { signal: options.signal } : {}),
        });
        setRunProvider(store, run.id, a.provider);
        return a;
      }
      const s = await ctx.solverAfter(round);
      return {
        provider: s.provider,
        answer: async (samples) => (await s.answer(samples)).map((a) => ({ ...a, confidenceMethod: 'teacher-forced' as const })),
        predict: (samples) => s.predict(samples),
      };
    },
    async referenceSolver() {
      if (config.referenceCheckpoint === 0) throw new Error(`run ${run.id}: the reducible-loss rule needs config.referenceCheckpoint`);
      reference ??= await Solver.fromCheckpoint(readCheckpoint(store, config.referenceCheckpoint), runtime);
      return reference;
    },
    solverTrained(round) {
      solverRound = round;
    },
    checkpointIdAfter(round) {
      const list = listCheckpoints(store, run.id).filter((c) => c.round === round);
      return list.length > 0 ? list[list.length - 1]!.id : null;
    },
    ahead: (options.proposeAhead ?? aheadByDefault(config)) ? new ProposalAhead(() => trainIds.map((id) => scenes.get(id)!)) : undefined,
    async dispose() {
      await ctx.ahead?.dispose();
      runner.dispose();
      await solver?.dispose();
      await reference?.dispose();
    },
  };

  try {
    options.beforeBenchmark?.(ctx);
    const stage: LoopStage = 'evaluate';
    emit({ type: 'stage', runId: run.id, round: -1, stage, phase: 'start', detail: 'preparing the held-out benchmark' });
    const t0 = performance.now();
    const heldout = heldoutIds.map((id) => scenes.get(id)!);
    const versions = new Map(split.map((s) => [s.sceneId, s.sceneVersion ?? '']));
    const scoredOn = listMetrics(store, { runId: run.id, family: null })[0]?.benchmarkSetId;
    const bench = await ensureBenchmark(store, heldout, versions, config.benchmarkPerFamily, config.dataSeed, runner, scoredOn);
    ctx.benchmark = { setId: bench.setId, questions: bench.questions };
    for (const s of bench.short) log('warn', `benchmark: only ${s.found} of ${config.benchmarkPerFamily} ${s.family} questions could be made on the held-out scenes`);
    emit({
      type: 'stage',
      runId: run.id,
      round: -1,
      stage,
      phase: 'end',
      ms: performance.now() - t0,
      detail: `${bench.created ? 'created' : 'reused'} benchmark ${bench.setId} (${bench.questions.length} questions)`,
    });
  } catch (e) {
    await ctx.dispose();
    throw e;
  }
  return ctx;
}
