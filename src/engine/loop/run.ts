/**
 * Starting, resuming and driving a run. `startLoop` reads and validates every scene source and writes the
 * scenes, the run (config and seeds verbatim) and its split in one transaction before anything else happens,
 * so a bad source leaves no half-made run. The driver then walks the rounds, skipping the stages each round
 * has already committed (stages.ts). Cancelling leaves the run `paused` at a safe point; resuming continues it.
 */
import { describeError, InputError } from '../../shared/errors.js';
import type { LoopConfig, LoopConfigInput, LoopEvent } from '../../shared/loop.js';
import type { RoundRecord, JsonObject, LoopStage, RunRecord, RunSceneEntry } from '../../shared/records.js';
import { LOOP_STAGES } from '../../shared/records.js';
import type { Scene } from '../../shared/scene.js';
import { evalTrainingWarning } from '../../shared/evalScenes.js';
import { evalScenesAmong } from '../sources/evalScenes.js';
import type { SavedScene, Store } from '../store/index.js';
import {
  assignRunScenes,
  createRound,
  createRun,
  diskFullError,
  getCheckpoint,
  getRun,
  inTransaction,
  isDiskFull,
  isStoreError,
  listRounds,
  saveScenes,
  sceneChangeText,
  StoreError,
  updateRound,
  updateRunStatus,
} from '../store/index.js';
import { codeVersion } from './codeVersion.js';
import { acquireRunLease, type RunLease } from './lease.js';
import { summarizeRound } from './metrics.js';
import { resolveLoopConfig, storedLoopConfig } from './config.js';
import { Cancelled, type LoopContext, openContext, OutsideStop } from './context.js';
import { EndpointError } from '../solver/external/endpointSolver.js';
import type { ShippedSource } from './shipped.js';
import { loadRunScenes } from './runScenes.js';
import { sameSources, type ScenesAhead } from './scenesAhead.js';
import { control, evaluate, propose, proposeAhead, solve, train } from './stages.js';

export interface LoopOptions {
  onEvent?: (event: LoopEvent) => void;
  /** Aborting stops at the next safe point and leaves the run paused (resumable). */
  signal?: AbortSignal;
  /** Shipped model files whose start scores a run from their checkpoint may use (default: this build's, shipped.ts). */
  shipped?: readonly ShippedSource[];
  /** The run's scenes, loaded on a worker thread while the caller did something else (scenesAhead.ts); startLoop only. */
  scenesAhead?: ScenesAhead;
  /** Propose each round ahead on a worker thread (loop/ahead.ts); default: where a core is free for it (`aheadByDefault`). Changes no result. */
  proposeAhead?: boolean;
}

export interface LoopHandle {
  runId: string;
  /**
   * Scenes this start saved with content different from what the workspace had under the same id: the new run
   * uses the new version; runs that used the old one keep it. Empty on resume. Callers tell the user.
   */
  changedScenes: SavedScene[];
  /** Training scenes that are VSI-Bench evaluation scenes (sources/evalScenes.ts), warned about at start. Empty on resume. */
  evalScenes: string[];
  /**
   * Settles with the run as it ended: completed, paused (cancelled, or stopped by a full disk: `error` says which
   * file and workspace) or failed. Rejects only when the disk is full and even recording that failed: with a
   * `disk-full` StoreError; the run is then still marked running, and resuming it continues it.
   */
  done: Promise<RunRecord>;
}

/**
 * The run's scenes: loaded ahead (scenesAhead.ts) when that was for these sources and worked, else here; `note`
 * says they came from the worker, so a caller that loads them ahead can tell that it did (the CLI's test reads it).
 */
async function runScenes(config: LoopConfig, ahead: ScenesAhead | undefined): Promise<{ scenes: Scene[]; split: RunSceneEntry[]; note?: string; warning?: string }> {
  if (!ahead) return loadRunScenes(config);
  let warning: string;
  if (!sameSources(ahead.sources, config)) {
    warning = 'the scenes loaded ahead were for other sources; they were loaded again for this run';
  } else {
    try {
      const { scenes, split, ms } = await ahead.result;
      return { scenes, split, note: `${scenes.length} scenes read and synthesised ahead on a worker thread in ${(ms / 1000).toFixed(2)} s` };
    } catch (e) {
      // A bad source is the run's error whichever thread read it; anything else, the worker's, and this thread tries.
      if (e instanceof InputError) throw e;
      warning = `${describeError(e)}; the scenes were loaded on the loop's thread instead`;
    }
  }
  return { ...loadRunScenes(config), warning };
}

export async function startLoop(store: Store, input: LoopConfigInput, options: LoopOptions = {}): Promise<LoopHandle> {
  store.assertWritable('start a run');
  const config = resolveLoopConfig(input);
  for (const field of ['initCheckpoint', 'referenceCheckpoint'] as const) {
    if (config[field] === 0) continue;
    try {
      getCheckpoint(store, config[field]);
    } catch (e) {
      if (isStoreError(e) && e.code === 'not-found') throw new InputError({ field: `config.${field}`, message: `no checkpoint ${config[field]} in ${store.dbPath}` });
      throw e;
    }
  }
  const { scenes, split, note, warning } = await runScenes(config, options.scenesAhead);
  let changedScenes: SavedScene[] = [];
  // IMMEDIATE: take the write lock first. Saving unchanged scenes only reads, and a deferred transaction whose
  // first write comes after another process committed fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT),
  // which no busy timeout retries.
  const run = inTransaction(
    store,
    () => {
      changedScenes = saveScenes(store, scenes).filter((s) => s.change === 'changed');
      const r = createRun(store, {
        name: config.name,
        mode: config.mode,
        config: config as unknown as JsonObject,
        seeds: { seed: config.seed, dataSeed: config.dataSeed },
        codeVersion: codeVersion(),
        provider: `onnxruntime/${config.executionProvider} (requested)`,
      });
      assignRunScenes(store, r.id, split);
      return r;
    },
    { immediate: true },
  );
  const lease = acquireRunLease(store.workspaceDir, run.id);
  const trainIds = new Set(split.filter((e) => e.split === 'train').map((e) => e.sceneId));
  const evalScenes = evalScenesAmong(scenes.filter((s) => trainIds.has(s.id)));
  const warnings = [
    ...(warning ? [warning] : []),
    ...changedScenes.map((changed) => `${sceneChangeText(changed)}; this run uses the new version`),
    // Held-out eval scenes are fine (that is evaluation); training on them is the leak researchers ask about first.
    ...(evalScenes.length > 0 ? [evalTrainingWarning(evalScenes)] : []),
  ];
  const logs = [...(note ? [{ level: 'info' as const, message: note }] : []), ...warnings.map((message) => ({ level: 'warn' as const, message }))];
  for (const { level, message } of logs) {
    try {
      options.onEvent?.({ type: 'log', runId: run.id, level, message });
    } catch {
      // A listener's failure must not stop the run.
    }
  }
  return { runId: run.id, changedScenes, evalScenes, done: drive(store, run.id, options, lease) };
}

export async function resumeLoop(store: Store, runId: string, options: LoopOptions = {}): Promise<LoopHandle> {
  store.assertWritable('resume a run');
  const run = getRun(store, runId);
  if (run.status === 'completed') throw new InputError({ field: 'run', message: `run ${runId} is already completed; start a new run to train further` });
  if (run.status === 'failed' || run.status === 'cancelled') {
    throw new InputError({ field: 'run', message: `run ${runId} ${run.status === 'failed' ? `failed (${run.error ?? 'no reason recorded'})` : 'was cancelled'} and cannot be resumed; start a new run` });
  }
  storedLoopConfig(run.config);
  const lease = acquireRunLease(store.workspaceDir, runId);
  return { runId, changedScenes: [], evalScenes: [], done: drive(store, runId, options, lease) };
}

const stageIndex = (s: LoopStage | null): number => (s === null ? -1 : LOOP_STAGES.indexOf(s));

async function runRound(ctx: LoopContext, k: number, existing: RoundRecord | undefined): Promise<void> {
  const { store, run } = ctx;
  if (existing?.status === 'completed') return;
  // Active time: what earlier sessions of this round ran, plus this session's time through each completed stage.
  const resumedAt = Date.now();
  const before = existing?.activeMs ?? 0;
  if (!existing) createRound(store, { runId: run.id, round: k, status: 'running', startedAt: resumedAt });
  else if (existing.status !== 'running') updateRound(store, run.id, k, { status: 'running' });
  const reached = stageIndex(existing?.stage ?? null);
  const at = (s: LoopStage): boolean => reached < LOOP_STAGES.indexOf(s);
  const ran = async (stage: LoopStage, work: () => unknown): Promise<void> => {
    if (!at(stage)) return;
    await work();
    updateRound(store, run.id, k, { activeMs: before + (Date.now() - resumedAt) });
  };
  await ran('filter', () => propose(ctx, k));
  ctx.checkCancelled(`after round ${k}'s proposals`);
  await ran('solve', () => solve(ctx, k));
  ctx.checkCancelled(`after round ${k}'s answers`);
  await ran('control', () => control(ctx, k));
  ctx.checkCancelled(`after round ${k}'s controller decision`);
  // The next round's questions need only this decision: a worker drafts them while this round trains and scores.
  proposeAhead(ctx, k + 1);
  await ran('train', () => train(ctx, k));
  ctx.checkCancelled(`after round ${k}'s training`);
  await ran('evaluate', () => evaluate(ctx, k));
}

async function drive(store: Store, runId: string, options: LoopOptions, lease: RunLease): Promise<RunRecord> {
  const emit = (e: LoopEvent): void => {
    try {
      options.onEvent?.(e);
    } catch {
      // A listener's failure must not stop training.
    }
  };
  let ctx: LoopContext | undefined;
  try {
    const run = updateRunStatus(store, runId, 'running');
    emit({ type: 'run', runId, status: 'running' });
    const config = storedLoopConfig(run.config);
    // The first round still to propose starts on the ahead worker while the context makes the held-out benchmark.
    const first = listRounds(store, runId).filter((r) => stageIndex(r.stage) >= 0).length;
    ctx = await openContext(store, run, config, {
      onEvent: emit,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.shipped ? { shipped: options.shipped } : {}),
      ...(options.proposeAhead !== undefined ? { proposeAhead: options.proposeAhead } : {}),
      beforeBenchmark: (c) => proposeAhead(c, first),
    });
    for (let k = 0; k < config.rounds; k++) {
      const existing = listRounds(store, runId).find((i) => i.round === k);
      await runRound(ctx, k, existing);
      const it = listRounds(store, runId).find((i) => i.round === k)!;
      emit({ type: 'round', runId, summary: summarizeRound(store, runId, it) });
    }
    const done = updateRunStatus(store, runId, 'completed');
    emit({ type: 'run', runId, status: 'completed' });
    return done;
  } catch (e) {
    // A full disk is not the run's fault: what it wrote is whole (each stage commits at once) and resuming once
    // there is space redoes the rest with the same result, so the run is paused with the reason, not failed.
    const stop: { status: 'paused' | 'failed'; message: string; error: string | null } = isDiskFull(e)
      ? { status: 'paused', ...fullDisk(store, e) }
      : e instanceof Cancelled || options.signal?.aborted
        ? { status: 'paused', message: `${describeError(e)}; resume to continue`, error: null }
        : // The trainer or the endpoint stopped the run, not a fault in it: paused with the reason, resumable.
          e instanceof OutsideStop || e instanceof EndpointError
          ? { status: 'paused', message: `${describeError(e)}; resume the run once that is fixed`, error: describeError(e) }
          : { status: 'failed', message: describeError(e), error: describeError(e) };
    let ended: RunRecord;
    try {
      markRunning(store, runId, stop.status);
      ended = updateRunStatus(store, runId, stop.status, stop.error === null ? {} : { error: stop.error });
    } catch (recording) {
      if (!isDiskFull(recording)) throw recording;
      // Recording the stop needs the disk too. The run stays marked running, which resumes like paused (the lease
      // is released below); the rejection carries why, so the caller can still say where and how to resume.
      const why = isDiskFull(e) ? stop.error! : `${fullDisk(store, recording).error} (while recording that the run ${stop.status === 'failed' ? `failed: ${stop.message}` : 'stopped'})`;
      const message = `${why}; the run could not be marked ${stop.status} and is left marked running: free space, then resume it`;
      throw new StoreError('disk-full', message, { cause: e });
    }
    emit({ type: 'run', runId, status: stop.status, message: stop.message });
    return ended;
  } finally {
    await ctx?.dispose();
    lease.release();
  }
}

/** A full disk's stop, naming the file that could not be written (the database, unless a blob) and the workspace. */
function fullDisk(store: Store, e: unknown): { message: string; error: string } {
  const error = diskFullError(e, { workspaceDir: store.workspaceDir, target: store.dbPath }).message;
  return { message: `${error}; free space on that disk, then resume the run`, error };
}

/** Rounds left `running` by a stop take the run's outcome, so the UI never shows a round still going. */
function markRunning(store: Store, runId: string, outcome: 'paused' | 'failed'): void {
  for (const it of listRounds(store, runId)) {
    if (it.status === 'running') updateRound(store, runId, it.round, { status: outcome === 'paused' ? 'pending' : 'failed' });
  }
}
