/**
 * The data-efficiency experiment as a view of the workspace: `npm run experiment` leaves every arm of every seed
 * as an ordinary run named `experiment <preset>: <arm>, seed <n>` (experiment/summary.ts), so the experiment is
 * found among the runs and summarised by the same functions its report uses (summarizeArms, judgeTarget,
 * winningRule) — the view and report.md cannot disagree. Runs of one preset are one experiment only when they
 * start from the same base checkpoint and are scored on the same benchmark (held-out scenes, questions per
 * family, data seed); anything else would compare scores on different questions.
 */
import type { ExperimentArmView, ExperimentView } from '../../shared/api.js';
import type { JsonObject, RunRecord } from '../../shared/records.js';
import { type ArmRun, armRun, baseOnTarget, judgeTarget, NO_FEEDBACK_ARM, parseExperimentRunName, summarizeArms, winnerSentence, winningRule } from '../experiment/summary.js';
import { curvePoints, headlineSet } from '../loop/metrics.js';
import { listMetrics } from '../store/metrics.js';
import { listRuns } from '../store/runs.js';
import type { Store } from '../store/store.js';
import { groupKey, roundStats } from './compare.js';

interface Found {
  run: RunRecord;
  arm: string;
  seed: number;
}

/** The settings that fix an experiment's starting point and benchmark. */
function experimentIdentity(preset: string, run: RunRecord): JsonObject {
  const c = run.config;
  return { preset, initCheckpoint: c.initCheckpoint ?? 0, heldoutScenes: c.heldoutScenes ?? [], benchmarkPerFamily: c.benchmarkPerFamily ?? null, dataSeed: c.dataSeed ?? 0 };
}

export function findExperiments(store: Store): ExperimentView[] {
  const experiments = new Map<string, { identity: JsonObject; found: Found[] }>();
  for (const run of listRuns(store)) {
    const parsed = parseExperimentRunName(run.name);
    if (!parsed) continue;
    const identity = experimentIdentity(parsed.preset, run);
    const key = groupKey(identity);
    const e = experiments.get(key) ?? { identity, found: [] };
    e.found.push({ run, arm: parsed.arm, seed: parsed.seed });
    experiments.set(key, e);
  }
  return [...experiments].map(([key, { identity, found }]) => summarize(store, key, identity, found)).sort((a, b) => (a.preset < b.preset ? -1 : a.preset > b.preset ? 1 : a.key < b.key ? -1 : 1));
}

function summarize(store: Store, key: string, identity: JsonObject, found: readonly Found[]): ExperimentView {
  const excluded: ExperimentView['excluded'] = [];
  // Per arm and seed the newest completed run counts (a `--fresh` rerun replaces the earlier one); without a
  // completed run, the newest shows the cell's status.
  const chosen = new Map<string, Found>();
  const rank = (f: Found): number => (f.run.status === 'completed' ? 1 : 0);
  for (const f of [...found].sort((a, b) => rank(b) - rank(a) || b.run.createdAt - a.run.createdAt)) {
    const cell = `${f.arm}\u0000${f.seed}`;
    const kept = chosen.get(cell);
    if (kept) excluded.push({ runId: f.run.id, name: f.run.name, reason: `another run of the same arm and seed (${kept.run.id}, ${kept.run.status}) is counted` });
    else chosen.set(cell, f);
  }
  const cells = [...chosen.values()];
  const armRuns = new Map<Found, ArmRun>(cells.map((f) => [f, armRun(store, f.arm, f.seed, f.run, false, f.run.updatedAt - f.run.createdAt)]));
  const completed = [...armRuns.values()].filter((r) => r.status === 'completed');
  for (const f of cells) if (f.run.status !== 'completed') excluded.push({ runId: f.run.id, name: f.run.name, reason: `${f.run.status}, not completed` });

  const base = baseOnTarget(completed);
  const summaries = completed.length > 0 ? summarizeArms(completed, base?.overall ?? 0) : [];
  // In run order: the experiment runs its arms in protocol order within each seed, so first appearance is that order.
  const arms = [...new Set([...cells].sort((a, b) => a.run.createdAt - b.run.createdAt || (a.run.id < b.run.id ? -1 : 1)).map((f) => f.arm))];
  const armViews: ExperimentArmView[] = arms.map((arm) => {
    const mine = cells.filter((f) => f.arm === arm).sort((a, b) => a.seed - b.seed);
    const s = summaries.find((x) => x.arm === arm);
    const done = mine.filter((f) => f.run.status === 'completed');
    return {
      arm,
      cells: mine.map((f) => {
        const final = armRuns.get(f)!.final.overall;
        return { seed: f.seed, runId: f.run.id, status: f.run.status, final: Number.isFinite(final) ? final : null };
      }),
      seeds: s?.seeds ?? 0,
      score: s?.score ?? null,
      gain: s && base ? s.gain : null,
      vsNoFeedback: s?.vsNoFeedback ?? null,
      samplesUsed: s?.samplesUsed ?? 0,
      wallMs: s?.wallMs ?? 0,
      curve: roundStats(done.map((f) => curvePoints(listMetrics(store, { runId: f.run.id, family: null })))),
    };
  });
  const targets = summaries
    .filter((s) => s.arm.startsWith('closed loop: '))
    .map((s) => judgeTarget(completed, summaries, s.arm))
    .filter((v) => v !== undefined)
    .map((v) => ({ arm: v.arm, met: v.met, sentence: v.sentence, difference: v.difference }));
  const winner = winningRule(summaries);
  const hasNoFeedback = summaries.some((s) => s.arm === NO_FEEDBACK_ARM);
  const set = cells.map((f) => headlineSet(listMetrics(store, { runId: f.run.id, family: null }))).find((x) => x !== undefined);
  return {
    key,
    preset: String(identity.preset),
    initCheckpoint: Number(identity.initCheckpoint),
    benchmarkSetId: set ?? '',
    seeds: [...new Set(cells.map((f) => f.seed))].sort((a, b) => a - b),
    base: base?.overall ?? null,
    arms: armViews,
    targets,
    winner: winner?.arm ?? null,
    // Without a completed no-feedback arm there is nothing to beat, and the report's sentence would mislead.
    conclusion: hasNoFeedback ? winnerSentence(winner).replace(/\*\*/g, '') : 'No completed no-feedback arm yet: nothing to compare the rules with.',
    excluded,
  };
}
