/**
 * Models a run starts from or compares with, made once per workspace and reused: the base model (a solver
 * pretrained on a broad source distribution, so a loop on the target domain starts competent but uneven, as a
 * fine-tuned MLLM does) and the irreducible-loss model of RHO-LOSS (the base trained further on a separate slice
 * of the target). Each is an ordinary run, so its training is durable, resumable and viewable; "made once" means
 * a completed run with identical settings is found and its last checkpoint used.
 */
import { isDeepStrictEqual } from 'node:util';
import type { LoopConfig, LoopConfigInput, LoopEvent } from '../../shared/loop.js';
import type { RunRecord } from '../../shared/records.js';
import { formatSourceSpec, loadScenes, parseSourceSpec } from '../sources/index.js';
import type { Store } from '../store/index.js';
import { listCheckpoints, listRunScenes, listRuns } from '../store/index.js';
import { resolveLoopConfig, storedLoopConfig } from './config.js';
import { resumeLoop, startLoop } from './run.js';
import { importShippedRun, type ShippedSource } from './shipped.js';

/**
 * The base's source distribution: procedurally generated rooms (48 categories, varied layouts, exact boxes),
 * disjoint from any real target by construction. Chosen because synthetic rooms are what the product can make
 * in any quantity, while real layouts are scarce: pretraining on the plentiful source and adapting on the scarce
 * target is the setting where choosing samples well should pay. 1,000 steps × 64 leave the base competent on
 * the source and uneven on real layouts (its per-family scores are reported with every experiment).
 */
export const BASE_PROTOCOL: LoopConfigInput = Object.freeze({
  name: 'base model: synthetic rooms',
  mode: 'no-feedback',
  scenes: ['synthetic:96'],
  heldoutFraction: 0.25,
  rounds: 4,
  steps: 250,
  batch: 64,
  candidates: 12_000,
  lr: 2e-3,
  warmupSteps: 20,
  benchmarkPerFamily: 40,
  seed: 0,
  dataSeed: 0,
}) as LoopConfigInput;

/** The built-in target domain: the VSI-Bench val layouts (ScanNet + ARKitScenes), cut by scene id. */
export const BUILTIN_TARGET = Object.freeze({
  train: ['vsibench:builtin?part=train'],
  reference: ['vsibench:builtin?part=reference'],
  heldout: ['vsibench:builtin?part=heldout'],
});

/**
 * Held-out questions per family, at most: every family takes what the built-in target's 91 held-out scenes
 * allow (up to ~640 a family; room size one per scene), the largest benchmark they support.
 */
export const BENCHMARK_PER_FAMILY = 1500;

/**
 * The main job (`npm run loop` without flags): the closed loop on the built-in target from the base model, at
 * the reference system's sizes (T = 4, K = 100, B = 64), with the rule the experiment supports (README).
 */
export const MAIN_JOB: LoopConfigInput = Object.freeze({
  name: 'closed loop',
  mode: 'closed-loop',
  scenes: [...BUILTIN_TARGET.train],
  heldoutScenes: [...BUILTIN_TARGET.heldout],
  rounds: 4,
  steps: 100,
  batch: 64,
  candidates: 12_000,
  // Fine-tuning: a smaller step than the base's pretraining, no warm-up (the base's AdamW moments carry over).
  lr: 1e-3,
  warmupSteps: 0,
  benchmarkPerFamily: BENCHMARK_PER_FAMILY,
  strategy: 'reference',
  selection: 'frontier-first',
}) as LoopConfigInput;

/** Settings that do not change what a run computes: its display name. */
export function comparable(c: LoopConfig): LoopConfig {
  // Settings a mode ignores do not make two runs different either.
  const d = c.mode === 'closed-loop' ? c : { ...c, selection: 'frontier-first' as const, strategy: 'reference', referenceCheckpoint: 0 };
  return { ...d, name: '' };
}

function matching(store: Store, input: LoopConfigInput, status: RunRecord['status']): RunRecord | undefined {
  const want = comparable(resolveLoopConfig(input));
  return listRuns(store, { status }).find((r) => {
    try {
      return isDeepStrictEqual(comparable(storedLoopConfig(r.config)), want);
    } catch {
      return false;
    }
  });
}

/**
 * A completed run in the workspace with exactly these settings (read back as the loop reads them), if any:
 * re-running an experiment then only runs what is missing, and a changed setting never reuses a stale run.
 */
export function findCompletedRun(store: Store, input: LoopConfigInput): RunRecord | undefined {
  return matching(store, input, 'completed');
}

export interface EnsureOptions {
  onEvent?: (event: LoopEvent) => void;
  signal?: AbortSignal;
  /** false: run it again even when a completed or paused run with these settings exists (default true). */
  reuse?: boolean;
  /** Shipped runs to import from instead of training (default: resources/models/, shipped.ts); [] trains. */
  shipped?: readonly ShippedSource[];
}

/**
 * The completed run with these settings: found, resumed where a paused one exists, imported from the runs the app
 * ships (shipped.ts: only when this build would make the same model; otherwise the log says why), or run now.
 * Throws if it fails.
 */
export async function ensureRun(store: Store, input: LoopConfigInput, options: EnsureOptions = {}): Promise<{ run: RunRecord; reused: boolean; shipped: boolean }> {
  const reuse = options.reuse !== false;
  const found = reuse ? await existingRun(store, input, options) : undefined;
  if (found) return found;
  const paused = reuse ? matching(store, input, 'paused') : undefined;
  const opts = { ...(options.onEvent ? { onEvent: options.onEvent } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  const handle = paused ? await resumeLoop(store, paused.id, opts) : await startLoop(store, input, opts);
  const run = await handle.done;
  if (run.status !== 'completed') {
    throw new Error(`run ${run.id} (${run.name}) ${run.status}${run.error ? `: ${run.error}` : ''}; ${run.status === 'paused' ? 'run the command again to continue it' : 'see the run in the workbench'}`);
  }
  return { run, reused: false, shipped: false };
}

/**
 * The completed run with these settings without training anything: found in the workspace, or imported from the
 * runs the app ships (not where a paused one exists: that one is continued instead). Undefined when neither.
 */
async function existingRun(store: Store, input: LoopConfigInput, options: EnsureOptions): Promise<{ run: RunRecord; reused: boolean; shipped: boolean } | undefined> {
  const done = findCompletedRun(store, input);
  if (done) return { run: done, reused: true, shipped: false };
  if (matching(store, input, 'paused')) return undefined;
  // A log line needs a run id; the run being looked for has none yet.
  const log = (level: 'info' | 'warn', message: string): void => options.onEvent?.({ type: 'log', runId: '', level, message });
  const imported = await importShippedRun(store, input, comparable, log, options.shipped);
  if (!imported) return undefined;
  log('info', `imported the shipped run ${imported.id} (${imported.name}) instead of training it`);
  return { run: imported, reused: true, shipped: true };
}

/** The run's checkpoint after its last round: what a model made by a run is. */
export function finalCheckpointId(store: Store, runId: string): number {
  const list = listCheckpoints(store, runId);
  if (list.length === 0) throw new Error(`run ${runId} has no checkpoint`);
  return list[list.length - 1]!.id;
}

/**
 * Labels of a target's scenes, sorted: the words a base made for that target knows (never its scenes). A part
 * of a source stands for the whole source (`vsibench:builtin?part=train` → `vsibench:builtin`), so the loop, the
 * experiment and `npm run pretrain` name one base for one target dataset whichever parts they use; a `?videos=` folder
 * changes no label, so it is dropped too (sampling videos only to read labels would take minutes).
 */
export function targetLabels(sources: readonly string[], dataSeed = 0): string[] {
  const whole = [...new Set(sources.map((spec) => formatSourceSpec({ ...parseSourceSpec(spec), part: undefined, videos: undefined })))];
  const labels = new Set<string>();
  for (const spec of whole) for (const s of loadScenes(spec, { seed: dataSeed, layoutOnly: true })) for (const o of s.objects) labels.add(o.label);
  return [...labels].sort();
}

export interface ModelRef {
  run: RunRecord;
  checkpointId: number;
  /** Not trained now: found in the workspace or imported from a shipped run. */
  reused: boolean;
  /** Imported now from a run the app ships (resources/models/). */
  shipped: boolean;
}

/** Settings of the base for a target and a model size. */
export function baseConfig(target: readonly string[], overrides: LoopConfigInput = {}): LoopConfigInput {
  return { ...BASE_PROTOCOL, extraLabels: targetLabels(target), ...overrides };
}

/**
 * The model a run with these settings makes (trained now if the workspace has none): the base for a target,
 * or the irreducible-loss model (the base trained without feedback on the target's reference slice, a part
 * that neither the loop's training scenes nor its held-out scenes overlap; the caller asserts it).
 */
export async function ensureModel(store: Store, config: LoopConfigInput, options: EnsureOptions = {}): Promise<ModelRef> {
  const { run, reused, shipped } = await ensureRun(store, config, options);
  return { run, checkpointId: finalCheckpointId(store, run.id), reused, shipped };
}

/**
 * The base model a run starts from: the one for its target (its training and held-out scenes) at its model size,
 * made once per workspace, reused, or imported where the app ships it. Its threads are the protocol's (the
 * default), not the run's: the base is one artifact whichever thread count the run then trains with. Likewise its
 * provider: a base is a starting checkpoint, so a run on CUDA starts from the CPU-made base where one is in the
 * workspace or shipped (the same bytes a CPU run starts from, and a fresh workspace then needs no pretraining on
 * the GPU); only where neither is there is the base trained, on the run's provider. What the loop CLI and the
 * stages bench both start the main job from.
 */
export async function ensureBaseFor(store: Store, run: Pick<LoopConfig, 'scenes' | 'heldoutScenes' | 'model' | 'executionProvider'>, options: EnsureOptions = {}): Promise<ModelRef> {
  const cpu = baseConfig([...run.scenes, ...run.heldoutScenes], { model: run.model });
  if (run.executionProvider !== 'cpu' && options.reuse !== false) {
    const found = await existingRun(store, cpu, options);
    if (found) return { ...found, checkpointId: finalCheckpointId(store, found.run.id) };
  }
  return ensureModel(store, { ...cpu, executionProvider: run.executionProvider }, options);
}

/**
 * The irreducible-loss model's settings on top of the run that needs it: the base trained once (seed 0), without
 * feedback, on the target's reference part, for four times the run's steps a round. The experiment and the loop
 * CLI both make it from here, so one workspace holds one such model per target and run size.
 */
export function referenceModelSettings(scenes: readonly string[], steps: number): LoopConfigInput {
  return { name: 'irreducible-loss model', mode: 'no-feedback', scenes: [...scenes], steps: 4 * steps, seed: 0, strategy: 'reference', selection: 'frontier-first' };
}

/** Scene ids a run trained or was evaluated on, by split: for the no-overlap assertions. */
export function runSceneIds(store: Store, runId: string): { train: string[]; heldout: string[] } {
  const rows = listRunScenes(store, runId);
  return { train: rows.filter((r) => r.split === 'train').map((r) => r.sceneId), heldout: rows.filter((r) => r.split === 'heldout').map((r) => r.sceneId) };
}
