/**
 * The data-efficiency experiment, as a protocol fixed before any result is seen (README › The data-efficiency
 * experiment): one base model pretrained on a source distribution; a target domain cut by scene into a training
 * part, a reference part (for RHO-LOSS's irreducible-loss model) and a held-out part; arms that all start from
 * the base and differ only in how they choose samples, or in how many they get; at least five seeds. Each arm of
 * each seed is an ordinary run in the workspace (the workbench opens it); this module fixes the settings, proves
 * the scene sets disjoint, runs what is missing and gathers what the runs stored.
 */
import type { LoopConfig, LoopConfigInput, LoopEvent } from '../../shared/loop.js';
import type { RunRecord } from '../../shared/records.js';
import { ensureModel, ensureRun, heldoutByRound, referenceModelSettings, resolveLoopConfig, runSceneIds, targetLabels } from '../loop/index.js';
import { BASE_PROTOCOL, BENCHMARK_PER_FAMILY, BUILTIN_TARGET } from '../loop/base.js';
import type { Store } from '../store/index.js';
import { listMetrics } from '../store/index.js';
import { type ArmRun, armRun, experimentRunName } from './summary.js';

export * from './summary.js';

export { BENCHMARK_PER_FAMILY, BUILTIN_TARGET };

export interface ExperimentArm {
  /** Short key for `--arms`. */
  key: string;
  name: string;
  /** Settings on top of the protocol's target settings. */
  config: LoopConfigInput;
  /** The arm needs the irreducible-loss model (its checkpoint id goes into `referenceCheckpoint`). */
  needsReference?: boolean;
}

export interface ExperimentProtocol {
  preset: string;
  /** The base model's settings (its source distribution); `extraLabels` are filled with the target's labels. */
  base: LoopConfigInput;
  /** Settings every arm shares: target scenes, held-out scenes, rounds, steps, batch, candidates, lr. */
  target: LoopConfigInput;
  /** The irreducible-loss model's settings on top of `target` (scenes: the reference part). */
  reference: LoopConfigInput;
  seeds: number[];
  arms: ExperimentArm[];
}

const TARGET_SIZES = {
  /** N = 4 × 25 × 32 = 3,200 samples per arm; the experiment fits a 2-core CPU hour. */
  quick: { rounds: 4, steps: 25, batch: 32, candidates: 3_000 },
  /** The reference system's T = 4, K = 100, B = 64: N = 25,600 samples per arm. */
  reference: { rounds: 4, steps: 100, batch: 64, candidates: 12_000 },
} as const;

export type PresetName = keyof typeof TARGET_SIZES;
export const PRESET_NAMES = Object.keys(TARGET_SIZES) as PresetName[];

/** The arms for target settings: static arms get T×K×B (×10) samples; the ×10 and equal-compute arms ten times the steps. */
export function protocolArms(target: LoopConfigInput): { standard: ExperimentArm[]; equalCompute: ExperimentArm[]; exploratory: ExperimentArm[] } {
  const c = resolveLoopConfig(target);
  const budget = c.rounds * c.steps * c.batch;
  const perRound = c.steps * c.batch;
  const tenfold = { steps: 10 * c.steps, acceptPerRound: perRound };
  return {
    standard: [
      { key: 'reference', name: 'closed loop: reference', config: { mode: 'closed-loop', strategy: 'reference', selection: 'frontier-first' } },
      { key: 'learnability', name: 'closed loop: learnability', config: { mode: 'closed-loop', strategy: 'learnability' } },
      { key: 'reducible', name: 'closed loop: reducible loss', config: { mode: 'closed-loop', strategy: 'reducible-loss' }, needsReference: true },
      { key: 'nofeedback', name: 'no feedback', config: { mode: 'no-feedback' } },
      { key: 'static', name: 'static', config: { mode: 'static', staticSamples: budget } },
      { key: 'static10', name: 'static ×10', config: { mode: 'static', staticSamples: 10 * budget, steps: 10 * c.steps } },
    ],
    // The small arms' samples for static ×10's steps (ten passes): separates "more samples" from "more steps".
    equalCompute: [
      { key: 'reference10steps', name: 'closed loop: reference, 10× steps', config: { mode: 'closed-loop', strategy: 'reference', selection: 'frontier-first', ...tenfold } },
      { key: 'learnability10steps', name: 'closed loop: learnability, 10× steps', config: { mode: 'closed-loop', strategy: 'learnability', ...tenfold } },
      { key: 'reducible10steps', name: 'closed loop: reducible loss, 10× steps', config: { mode: 'closed-loop', strategy: 'reducible-loss', ...tenfold }, needsReference: true },
      { key: 'nofeedback10steps', name: 'no feedback, 10× steps', config: { mode: 'no-feedback', ...tenfold } },
      { key: 'static10steps', name: 'static, 10× steps', config: { mode: 'static', staticSamples: budget, steps: 10 * c.steps } },
    ],
    // Added after the standard arms' results (README): the score rules with every family's share of the mix and
    // of the trained samples held equal. Not part of any preset; run with --arms.
    exploratory: [
      { key: 'learnabilityBalanced', name: 'closed loop: learnability, family-balanced', config: { mode: 'closed-loop', strategy: 'learnability', balance: 'family' } },
      { key: 'reducibleBalanced', name: 'closed loop: reducible loss, family-balanced', config: { mode: 'closed-loop', strategy: 'reducible-loss', balance: 'family' }, needsReference: true },
    ],
  };
}

export interface ProtocolOptions {
  /** Target scene sources (default: the built-in target's training part). */
  scenes?: string[];
  heldoutScenes?: string[];
  referenceScenes?: string[];
  seeds?: number[];
  /** Arm keys; default the standard arms (the quick preset) or standard + equal-compute (reference). */
  arms?: string[];
  model?: LoopConfig['model'];
  executionProvider?: LoopConfig['executionProvider'];
}

/** The protocol of a preset, with the user's choices of scenes, seeds, arms and hardware. */
export function experimentProtocol(preset: PresetName, options: ProtocolOptions = {}): ExperimentProtocol {
  const hardware: LoopConfigInput = {
    ...(options.model ? { model: options.model } : {}),
    ...(options.executionProvider ? { executionProvider: options.executionProvider } : {}),
  };
  const target: LoopConfigInput = {
    ...TARGET_SIZES[preset],
    scenes: options.scenes ?? [...BUILTIN_TARGET.train],
    heldoutScenes: options.heldoutScenes ?? [...BUILTIN_TARGET.heldout],
    // Fine-tuning: a smaller step than the base's pretraining and no warm-up (the base's AdamW moments carry over).
    lr: 1e-3,
    warmupSteps: 0,
    benchmarkPerFamily: BENCHMARK_PER_FAMILY,
    dataSeed: 0,
    ...hardware,
  };
  const { standard, equalCompute, exploratory } = protocolArms(target);
  const all = [...standard, ...equalCompute, ...exploratory];
  const wanted = options.arms ?? (preset === 'reference' ? [...standard, ...equalCompute] : standard).map((a) => a.key);
  const arms = wanted.map((k) => {
    const arm = all.find((a) => a.key === k);
    if (!arm) throw new RangeError(`unknown arm "${k}"; expected some of ${all.map((a) => a.key).join(', ')}`);
    return arm;
  });
  return {
    preset,
    base: { ...BASE_PROTOCOL, ...hardware },
    target,
    reference: referenceModelSettings(options.referenceScenes ?? [...BUILTIN_TARGET.reference], target.steps!),
    seeds: options.seeds ?? [0, 1, 2, 3, 4],
    arms,
  };
}

export interface ModelSummary {
  runId: string;
  checkpointId: number;
  reused: boolean;
  /** Its score on the experiment's held-out benchmark, when evaluated there. */
  heldout: { overall: number; families: Record<string, number>; interval: { lo: number; hi: number } | null } | null;
  wallMs: number;
}

export interface ExperimentResult {
  protocol: ExperimentProtocol;
  base: ModelSummary;
  reference: ModelSummary | null;
  /** Scene counts per set, proven pairwise disjoint. */
  scenes: { base: number; train: number; reference: number; heldout: number };
  runs: ArmRun[];
}

export interface ExperimentOptions {
  /** false: run every arm again instead of reusing completed runs with identical settings (the base and the irreducible-loss model are still reused). */
  reuse?: boolean;
  onEvent?: (what: string, event: LoopEvent) => void;
  onRunDone?: (run: ArmRun) => void;
  onModel?: (what: 'base' | 'reference', model: ModelSummary) => void;
  signal?: AbortSignal;
}

function overlap(a: readonly string[], b: readonly string[]): string[] {
  const set = new Set(a);
  return b.filter((x) => set.has(x));
}

/** Refuses to go on when two sets that must be disjoint share a scene, naming the scenes. */
export function assertDisjoint(sets: Record<string, readonly string[]>): void {
  const names = Object.keys(sets);
  for (let i = 0; i < names.length; i++)
    for (let j = i + 1; j < names.length; j++) {
      const shared = overlap(sets[names[i]!]!, sets[names[j]!]!);
      if (shared.length > 0) {
        throw new Error(`the ${names[i]} and ${names[j]} scenes overlap in ${shared.length} scene(s) (${shared.slice(0, 5).join(', ')}${shared.length > 5 ? ', …' : ''}); the experiment needs them disjoint`);
      }
    }
}

function modelSummary(store: Store, ref: { run: RunRecord; checkpointId: number; reused: boolean }, wallMs: number): ModelSummary {
  const scores = [...heldoutByRound(listMetrics(store, { runId: ref.run.id })).values()];
  const last = scores[scores.length - 1];
  return {
    runId: ref.run.id,
    checkpointId: ref.checkpointId,
    reused: ref.reused,
    heldout: last ? { overall: last.overall, families: Object.fromEntries(last.families.map((f) => [f.family, f.score])), interval: last.interval ?? null } : null,
    wallMs: ref.reused ? ref.run.updatedAt - ref.run.createdAt : wallMs,
  };
}

export async function runExperiment(store: Store, protocol: ExperimentProtocol, options: ExperimentOptions = {}): Promise<ExperimentResult> {
  const signal = options.signal ? { signal: options.signal } : {};
  const targetSources = [...(protocol.target.scenes ?? []), ...(protocol.target.heldoutScenes ?? []), ...(protocol.reference.scenes ?? [])];
  // The base knows the target's category names (as a language model knows the words), never its scenes.
  const baseInput: LoopConfigInput = { ...protocol.base, extraLabels: targetLabels(targetSources, protocol.target.dataSeed ?? 0) };
  let t0 = performance.now();
  const baseRef = await ensureModel(store, baseInput, { onEvent: (e) => options.onEvent?.('base model', e), ...signal });
  const base = modelSummary(store, baseRef, performance.now() - t0);
  options.onModel?.('base', base);
  const baseScenes = runSceneIds(store, baseRef.run.id);

  let reference: ModelSummary | null = null;
  let referenceScenes: string[] = [];
  if (protocol.arms.some((a) => a.needsReference)) {
    t0 = performance.now();
    const input: LoopConfigInput = { ...protocol.target, ...protocol.reference, initCheckpoint: base.checkpointId };
    const ref = await ensureModel(store, input, { onEvent: (e) => options.onEvent?.('irreducible-loss model', e), ...signal });
    reference = modelSummary(store, ref, performance.now() - t0);
    referenceScenes = runSceneIds(store, ref.run.id).train;
    options.onModel?.('reference', reference);
  }

  const runs: ArmRun[] = [];
  let sets: { train: string[]; heldout: string[] } | undefined;
  for (const seed of protocol.seeds) {
    for (const arm of protocol.arms) {
      if (options.signal?.aborted) throw new Error('experiment cancelled; run the command again to continue where it stopped');
      const input: LoopConfigInput = {
        ...protocol.target,
        ...arm.config,
        seed,
        initCheckpoint: base.checkpointId,
        ...(arm.needsReference ? { referenceCheckpoint: reference!.checkpointId } : {}),
        name: experimentRunName(protocol.preset, arm.name, seed),
      };
      t0 = performance.now();
      const { run, reused } = await ensureRun(store, input, { onEvent: (e) => options.onEvent?.(`${arm.name}, seed ${seed}`, e), ...signal, reuse: options.reuse !== false });
      if (!sets) {
        sets = runSceneIds(store, run.id);
        assertDisjoint({ base: [...baseScenes.train, ...baseScenes.heldout], 'loop training': sets.train, 'held-out': sets.heldout, 'irreducible-loss (reference)': referenceScenes });
      }
      const result = armRun(store, arm.name, seed, run, reused, reused ? run.updatedAt - run.createdAt : performance.now() - t0);
      runs.push(result);
      options.onRunDone?.(result);
    }
  }
  return {
    protocol,
    base,
    reference,
    scenes: { base: baseScenes.train.length + baseScenes.heldout.length, train: sets?.train.length ?? 0, reference: referenceScenes.length, heldout: sets?.heldout.length ?? 0 },
    runs,
  };
}
