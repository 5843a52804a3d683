/**
 * The data-efficiency experiment: closed loop vs no feedback vs a static dataset vs a static dataset ten times
 * larger, over several seeds, on the same scenes, split and benchmark (one data seed). Each arm is an ordinary
 * run in the workspace (so the workbench can open it); this module only chooses the arms' settings, runs them
 * one after another and gathers what the runs stored.
 */
import type { LoopConfig, LoopConfigInput, LoopEvent } from '../../shared/loop.js';
import { isDeepStrictEqual } from 'node:util';
import type { RunRecord } from '../../shared/records.js';
import { curvePoints, resolveLoopConfig, startLoop, storedLoopConfig } from '../loop/index.js';
import type { Store } from '../store/index.js';
import { listMetrics, listRuns } from '../store/index.js';

export interface ExperimentArm {
  name: string;
  /** Settings on top of the experiment's base. */
  config: LoopConfigInput;
}

export interface ExperimentConfig {
  base: LoopConfigInput;
  seeds: number[];
  arms: ExperimentArm[];
}

export const EXPERIMENT_PRESETS = {
  /** The reference sizes: T = 4 rounds × K = 100 steps × B = 64 (25.6k samples); static ×10 is 256k samples. */
  reference: { scenes: ['synthetic:48'], iterations: 4, steps: 100, batch: 64, candidates: 12_000 },
  /** Half the steps and half the batch (6.4k samples per arm): the whole experiment fits a 2-core CPU hour. */
  quick: { scenes: ['synthetic:48'], iterations: 4, steps: 50, batch: 32, candidates: 6_000, lr: 2e-3 },
} satisfies Record<string, LoopConfigInput>;

/** The four arms for a base config: static arms get T×K×B (×10) samples and, for ×10, ten times the steps. */
export function standardArms(base: LoopConfigInput): ExperimentArm[] {
  const c = resolveLoopConfig(base);
  const budget = c.iterations * c.steps * c.batch;
  return [
    { name: 'closed loop', config: { mode: 'closed-loop' } },
    { name: 'no feedback', config: { mode: 'no-feedback' } },
    { name: 'static', config: { mode: 'static', staticSamples: budget } },
    { name: 'static ×10', config: { mode: 'static', staticSamples: 10 * budget, steps: 10 * c.steps } },
  ];
}

/**
 * Equal-compute arms: the small arms' samples (K × B per round) trained for static ×10's steps, i.e. ten passes.
 * They separate "more samples" from "more steps" in static ×10's lead.
 */
export function equalComputeArms(base: LoopConfigInput): ExperimentArm[] {
  const c = resolveLoopConfig(base);
  const budget = c.iterations * c.steps * c.batch;
  return [
    { name: 'closed loop, 10× steps', config: { mode: 'closed-loop', steps: 10 * c.steps, acceptPerRound: c.steps * c.batch } },
    { name: 'static, 10× steps', config: { mode: 'static', staticSamples: budget, steps: 10 * c.steps } },
  ];
}

export interface ArmRun {
  arm: string;
  seed: number;
  runId: string;
  status: string;
  error: string | null;
  config: LoopConfig;
  /** (samples seen, held-out overall) after each round, starting at (0, untrained score). */
  curve: { samplesSeen: number; overall: number; families: Record<string, number> }[];
  final: { overall: number; families: Record<string, number> };
  samplesUsed: number;
  wallMs: number;
  /** Taken from an earlier completed run with identical settings. */
  reused: boolean;
}

function curveOf(store: Store, runId: string): ArmRun['curve'] {
  return curvePoints(listMetrics(store, { runId })).map(({ samplesSeen, overall, families }) => ({ samplesSeen, overall, families }));
}

/**
 * A completed run in the workspace with exactly these settings (read back as the loop reads them), if any:
 * re-running an experiment then only runs what is missing, and a changed setting never reuses a stale run.
 */
export function findCompletedRun(store: Store, input: LoopConfigInput): RunRecord | undefined {
  // Settings a mode ignores do not make two runs different.
  const comparable = (c: LoopConfig): LoopConfig => (c.mode === 'closed-loop' ? c : { ...c, selection: 'frontier-first', strategy: 'reference' });
  const want = comparable(resolveLoopConfig(input));
  return listRuns(store, { status: 'completed' }).find((r) => {
    try {
      return isDeepStrictEqual(comparable(storedLoopConfig(r.config)), want);
    } catch {
      return false;
    }
  });
}

export interface ExperimentOptions {
  /** Reuse completed runs with identical settings instead of running them again (default true). */
  reuse?: boolean;
  onEvent?: (arm: string, seed: number, event: LoopEvent) => void;
  onRunDone?: (run: ArmRun) => void;
  signal?: AbortSignal;
}

export async function runExperiment(store: Store, config: ExperimentConfig, options: ExperimentOptions = {}): Promise<ArmRun[]> {
  const results: ArmRun[] = [];
  for (const seed of config.seeds) {
    for (const arm of config.arms) {
      if (options.signal?.aborted) return results;
      const input: LoopConfigInput = { ...config.base, ...arm.config, seed, name: `experiment: ${arm.name}, seed ${seed}` };
      const t0 = performance.now();
      const previous = options.reuse === false ? undefined : findCompletedRun(store, input);
      const run =
        previous ??
        (await (
          await startLoop(store, input, {
            ...(options.signal ? { signal: options.signal } : {}),
            onEvent: (e) => options.onEvent?.(arm.name, seed, e),
          })
        ).done);
      const curve = curveOf(store, run.id);
      const last = curve[curve.length - 1];
      const result: ArmRun = {
        arm: arm.name,
        seed,
        runId: run.id,
        status: run.status,
        error: run.error,
        config: run.config as unknown as LoopConfig,
        curve,
        final: { overall: last?.overall ?? Number.NaN, families: last?.families ?? {} },
        samplesUsed: last?.samplesSeen ?? 0,
        wallMs: previous ? previous.updatedAt - previous.createdAt : performance.now() - t0,
        reused: previous !== undefined,
      };
      results.push(result);
      options.onRunDone?.(result);
    }
  }
  return results;
}

export interface ArmSummary {
  arm: string;
  seeds: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  samplesUsed: number;
  wallMs: number;
  families: Record<string, { mean: number; std: number }>;
}

function stats(values: number[]): { mean: number; std: number; min: number; max: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, min: Math.min(...values), max: Math.max(...values) };
}

export function summarizeArms(runs: readonly ArmRun[]): ArmSummary[] {
  const arms = [...new Set(runs.map((r) => r.arm))];
  return arms.map((arm) => {
    const rs = runs.filter((r) => r.arm === arm && r.status === 'completed');
    const s = stats(rs.map((r) => r.final.overall));
    const famNames = [...new Set(rs.flatMap((r) => Object.keys(r.final.families)))].sort();
    return {
      arm,
      seeds: rs.length,
      ...s,
      samplesUsed: Math.round(stats(rs.map((r) => r.samplesUsed)).mean),
      wallMs: stats(rs.map((r) => r.wallMs)).mean,
      families: Object.fromEntries(famNames.map((f) => [f, (({ mean, std }) => ({ mean, std }))(stats(rs.map((r) => r.final.families[f] ?? 0)))])),
    };
  });
}

export interface TargetVerdict {
  met: boolean;
  closedLoop: number;
  staticX10: number;
  sampleRatio: number;
  /** Families where the closed loop's mean is below static ×10's by more than a point. */
  shortFamilies: { family: string; closedLoop: number; staticX10: number }[];
  /** The static ×10 score the closed loop reached at its samples seen (interpolated), for the curve claim. */
  sentence: string;
}

/** The reference's claim: the closed loop reaches the static ×10 score with ≤ 1/10 of its samples. */
export function judgeTarget(summaries: readonly ArmSummary[], closedArm = 'closed loop'): TargetVerdict | undefined {
  const cl = summaries.find((s) => s.arm === closedArm);
  const sx = summaries.find((s) => s.arm === 'static ×10');
  if (!cl || !sx || cl.seeds === 0 || sx.seeds === 0) return undefined;
  const ratio = sx.samplesUsed > 0 ? cl.samplesUsed / sx.samplesUsed : Number.NaN;
  const met = cl.mean >= sx.mean && ratio <= 0.1 + 1e-9;
  const shortFamilies = Object.keys(sx.families)
    .map((f) => ({ family: f, closedLoop: cl.families[f]?.mean ?? 0, staticX10: sx.families[f]!.mean }))
    .filter((r) => r.closedLoop < r.staticX10 - 0.01)
    .sort((a, b) => b.staticX10 - b.closedLoop - (a.staticX10 - a.closedLoop));
  const pct = (v: number) => (100 * v).toFixed(1);
  const who = closedArm === 'closed loop' ? 'the closed loop' : `"${closedArm}"`;
  const sentence = met
    ? `target met: ${who} scored ${pct(cl.mean)} with ${cl.samplesUsed} samples, static ×10 ${pct(sx.mean)} with ${sx.samplesUsed} (${(ratio * 100).toFixed(0)}% of its samples)`
    : `target missed: ${who} scored ${pct(cl.mean)} ± ${pct(cl.std)} with ${cl.samplesUsed} samples, static ×10 ${pct(sx.mean)} ± ${pct(sx.std)} with ${sx.samplesUsed}`;
  return { met, closedLoop: cl.mean, staticX10: sx.mean, sampleRatio: ratio, shortFamilies, sentence };
}
