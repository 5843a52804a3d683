/**
 * What an experiment's runs say, gathered from the store and summarised: each arm of each seed as an `ArmRun`,
 * the arms' means with Student-t intervals, paired differences to no feedback, the reference target's verdict and
 * the rule (if any) that beats no feedback. Apart from experiment.ts so the workbench host can read an experiment
 * without loading the loop (and onnxruntime with it): this module needs only the store and the loop's metric names.
 */
import type { LoopConfig } from '../../shared/loop.js';
import type { RunRecord } from '../../shared/records.js';
import { formatDifference, meanInterval, pairedDifference, type MeanInterval, type PairedDifference } from '../../shared/statistics.js';
import { curvePoints, heldoutByRound } from '../loop/metrics.js';
import type { Store } from '../store/index.js';
import { countTrainedByFamily, getControllerDecision, listMetrics } from '../store/index.js';

/** The name every arm run gets: how the workbench finds an experiment's runs among the workspace's others. */
export function experimentRunName(preset: string, arm: string, seed: number): string {
  return `experiment ${preset}: ${arm}, seed ${seed}`;
}

/** The preset, arm and seed an arm run's name records, or undefined for any other run. */
export function parseExperimentRunName(name: string): { preset: string; arm: string; seed: number } | undefined {
  const m = /^experiment ([^:]+): (.+), seed (\d+)$/s.exec(name);
  return m ? { preset: m[1]!, arm: m[2]!, seed: Number(m[3]) } : undefined;
}

export interface ArmRun {
  arm: string;
  seed: number;
  runId: string;
  status: string;
  error: string | null;
  config: LoopConfig;
  /** (samples seen, held-out overall) after each round, starting at (0, the base's score). */
  curve: { samplesSeen: number; overall: number; families: Record<string, number> }[];
  final: { overall: number; families: Record<string, number>; interval: { lo: number; hi: number } | null };
  /** Share of each family in the generation mix of every round (closed loop: the controller's; else uniform). */
  mix: Record<string, number>[];
  /** Share of each family among the samples the run trained on. */
  trained: Record<string, number>;
  samplesUsed: number;
  wallMs: number;
  /** Taken from an earlier completed run with identical settings. */
  reused: boolean;
}

function familyShares(entries: readonly { family: string; weight: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries) out[e.family] = (out[e.family] ?? 0) + e.weight;
  return out;
}

export function armRun(store: Store, arm: string, seed: number, run: RunRecord, reused: boolean, wallMs: number): ArmRun {
  const metrics = listMetrics(store, { runId: run.id });
  const curve = curvePoints(metrics).map(({ samplesSeen, overall, families }) => ({ samplesSeen, overall, families }));
  const last = curve[curve.length - 1];
  const scores = [...heldoutByRound(metrics).values()];
  const config = run.config as unknown as LoopConfig;
  const mix: Record<string, number>[] = [];
  for (let k = 0; k < config.rounds; k++) {
    // Round k was generated with the decision taken after round k − 1 (round 0: uniform, which is what round 0's decision's "before" holds).
    const d = getControllerDecision(store, run.id, Math.max(0, k - 1));
    if (d) mix.push(familyShares(k === 0 ? d.weightsBefore.entries : d.weightsAfter.entries));
  }
  const counts = countTrainedByFamily(store, run.id);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const trained = Object.fromEntries(Object.entries(counts).map(([f, n]) => [f, total > 0 ? n / total : 0]));
  return {
    arm,
    seed,
    runId: run.id,
    status: run.status,
    error: run.error,
    config,
    curve,
    final: { overall: last?.overall ?? Number.NaN, families: last?.families ?? {}, interval: scores[scores.length - 1]?.interval ?? null },
    mix,
    trained,
    samplesUsed: last?.samplesSeen ?? 0,
    wallMs,
    reused,
  };
}

export interface ArmSummary {
  arm: string;
  seeds: number;
  /** Final held-out overall over seeds: mean and 95% t-interval. */
  score: MeanInterval;
  /** Final − base score over seeds. */
  gain: MeanInterval;
  /** Paired by seed against the no-feedback arm (null for that arm, or when it is absent). */
  vsNoFeedback: PairedDifference | null;
  samplesUsed: number;
  wallMs: number;
  families: Record<string, MeanInterval>;
  /** Mean share of each family among the trained samples. */
  trained: Record<string, number>;
}

export const NO_FEEDBACK_ARM = 'no feedback';
export const STATIC_X10_ARM = 'static ×10';

function completed(runs: readonly ArmRun[], arm: string): ArmRun[] {
  return runs.filter((r) => r.arm === arm && r.status === 'completed').sort((a, b) => a.seed - b.seed);
}

/** Per-seed finals of two arms over the seeds both completed, in seed order. */
export function pairedFinals(runs: readonly ArmRun[], a: string, b: string): { seeds: number[]; a: number[]; b: number[] } {
  const bBySeed = new Map(completed(runs, b).map((r) => [r.seed, r.final.overall]));
  const both = completed(runs, a).filter((r) => bBySeed.has(r.seed));
  return { seeds: both.map((r) => r.seed), a: both.map((r) => r.final.overall), b: both.map((r) => bBySeed.get(r.seed)!) };
}

export function summarizeArms(runs: readonly ArmRun[], baseScore: number): ArmSummary[] {
  const arms = [...new Set(runs.map((r) => r.arm))];
  const hasNoFeedback = runs.some((r) => r.arm === NO_FEEDBACK_ARM);
  return arms.map((arm) => {
    const rs = completed(runs, arm);
    const finals = rs.map((r) => r.final.overall);
    const famNames = [...new Set(rs.flatMap((r) => Object.keys(r.final.families)))].sort();
    const paired = hasNoFeedback && arm !== NO_FEEDBACK_ARM ? pairedFinals(runs, arm, NO_FEEDBACK_ARM) : undefined;
    return {
      arm,
      seeds: rs.length,
      score: meanInterval(finals),
      gain: meanInterval(finals.map((f) => f - baseScore)),
      vsNoFeedback: paired && paired.a.length > 0 ? pairedDifference(paired.a, paired.b) : null,
      samplesUsed: Math.round(rs.reduce((a, r) => a + r.samplesUsed, 0) / Math.max(1, rs.length)),
      wallMs: rs.reduce((a, r) => a + r.wallMs, 0) / Math.max(1, rs.length),
      families: Object.fromEntries(famNames.map((f) => [f, meanInterval(rs.map((r) => r.final.families[f] ?? 0))])),
      trained: Object.fromEntries(
        [...new Set(rs.flatMap((r) => Object.keys(r.trained)))].sort().map((f) => [f, rs.reduce((a, r) => a + (r.trained[f] ?? 0), 0) / Math.max(1, rs.length)]),
      ),
    };
  });
}

export interface TargetVerdict {
  arm: string;
  met: boolean;
  /** Paired by seed: this arm − static ×10. */
  difference: PairedDifference;
  sampleRatio: number;
  sentence: string;
}

/**
 * The reference's claim for one arm: with a tenth of static ×10's samples it reaches static ×10's score — its
 * mean paired difference to static ×10 is ≥ 0. The difference's 95% interval is reported beside the verdict, so
 * a "met" or "missed" inside the noise reads as such.
 */
export function judgeTarget(runs: readonly ArmRun[], summaries: readonly ArmSummary[], arm: string): TargetVerdict | undefined {
  const a = summaries.find((s) => s.arm === arm);
  const sx = summaries.find((s) => s.arm === STATIC_X10_ARM);
  if (!a || !sx || a.seeds === 0 || sx.seeds === 0) return undefined;
  const paired = pairedFinals(runs, arm, STATIC_X10_ARM);
  if (paired.a.length === 0) return undefined;
  const difference = pairedDifference(paired.a, paired.b);
  const ratio = sx.samplesUsed > 0 ? a.samplesUsed / sx.samplesUsed : Number.NaN;
  const met = difference.mean >= 0 && ratio <= 0.1 + 1e-9;
  const pct = (v: number) => (100 * v).toFixed(1);
  const diff = `${difference.mean >= 0 ? '+' : '−'}${pct(Math.abs(difference.mean))}`;
  const signed = (v: number) => `${v < 0 ? '−' : ''}${pct(Math.abs(v))}`;
  const ci = difference.lo !== null && difference.hi !== null ? ` [${signed(difference.lo)}, ${signed(difference.hi)}]` : '';
  const sentence = `${met ? 'target met' : 'target missed'}: "${arm}" scored ${pct(a.score.mean)} with ${a.samplesUsed} samples, static ×10 ${pct(sx.score.mean)} with ${sx.samplesUsed} (paired difference ${diff}${ci}, ${difference.verdict === 'no difference' ? 'within the noise' : difference.verdict})`;
  return { arm, met, difference, sampleRatio: ratio, sentence };
}

/**
 * The rule that may become the loop's default: among the closed-loop arms at equal samples, those whose paired
 * difference to no feedback is positive with a 95% interval excluding zero; the largest mean gain wins.
 * undefined when none qualifies (the default then stays as it was).
 */
export function winningRule(summaries: readonly ArmSummary[]): ArmSummary | undefined {
  return summaries
    .filter((s) => s.arm.startsWith('closed loop: ') && !s.arm.includes('10× steps') && s.vsNoFeedback?.verdict === 'better')
    .sort((a, b) => b.vsNoFeedback!.mean - a.vsNoFeedback!.mean)[0];
}

/** The base model's score on the experiment's held-out benchmark: every arm's starting point (all equal). */
export function baseOnTarget(runs: readonly ArmRun[]): { overall: number; families: Record<string, number> } | undefined {
  const first = runs.find((r) => r.status === 'completed' && r.curve.length > 0 && r.curve[0]!.samplesSeen === 0);
  return first ? { overall: first.curve[0]!.overall, families: first.curve[0]!.families } : undefined;
}

/** The report's closing sentence on the default rule (Markdown emphasis included). */
export function winnerSentence(winner: ArmSummary | undefined): string {
  return winner
    ? `**Rule that beats no feedback beyond the noise: ${winner.arm}** (${formatDifference(winner.vsNoFeedback!, 100)}).`
    : '**No rule beats no feedback beyond the noise** (every paired 95% interval includes zero or lies below it).';
}
