import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkbenchHost, type WorkbenchHost } from '../../../src/engine/host/index.js';
import { experimentRunName } from '../../../src/engine/experiment/summary.js';
import type { ExperimentView } from '../../../src/shared/api.js';
import { T2, writeRuns, type HandRun } from './analysisFixtures.js';

/**
 * A quick-preset experiment as `npm run experiment` leaves it, seed-major with the arms in protocol order, final
 * held-out scores chosen by hand (base 0.50 everywhere):
 *   closed loop: reference   0.60 0.62 0.64   (200 samples)
 *   no feedback              0.57 0.58 0.59   (200 samples; an older seed-0 run scored 0.10 and is replaced)
 *   static ×10               0.65 0.66 0.70   (2,000 samples)
 * plus a fourth seed of the reference arm still running, and a one-run experiment of another preset.
 */
const FINALS: Record<string, number[]> = {
  'closed loop: reference': [0.6, 0.62, 0.64],
  'no feedback': [0.57, 0.58, 0.59],
  'static ×10': [0.65, 0.66, 0.7],
};
const MODES: Record<string, string> = { 'closed loop: reference': 'closed-loop', 'no feedback': 'no-feedback', 'static ×10': 'static' };
const target = { heldoutScenes: ['synthetic:8?part=heldout'], benchmarkPerFamily: 5, dataSeed: 0, initCheckpoint: 7, rounds: 2 };

function arm(preset: string, name: string, seed: number, final: number, extra: Partial<HandRun> & { suffix?: string } = {}): HandRun {
  const tenfold = name === 'static ×10';
  const { suffix = '', ...rest } = extra;
  return {
    id: `${preset}-${MODES[name]}-${seed}${suffix}`,
    name: experimentRunName(preset, name, seed),
    config: { ...target, mode: MODES[name]!, seed },
    base: 0.5,
    scores: [(0.5 + final) / 2, final],
    samples: tenfold ? [1000, 2000] : [100, 200],
    ...rest,
  };
}

let dir: string;
let experiments: ExperimentView[];
const hosts: WorkbenchHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ouroboros-experiments-'));
  const runs: HandRun[] = [arm('quick', 'no feedback', 0, 0.1, { suffix: '-old' })];
  for (const seed of [0, 1, 2]) for (const name of Object.keys(FINALS)) runs.push(arm('quick', name, seed, FINALS[name]![seed]!));
  runs.push(arm('quick', 'closed loop: reference', 3, 0.9, { status: 'running', scores: [0.7] }));
  runs.push(arm('reference', 'no feedback', 0, 0.6));
  runs.push({ id: 'other', name: 'not an experiment run', config: { mode: 'closed-loop' }, scores: [0.9] });
  await writeRuns(dir, runs);
  const host = createWorkbenchHost({ workspaceDir: dir, readonly: true, transport: 'http', watchIntervalMs: 0 });
  experiments = await host.experiments();
  await host.close();
  return () => rmSync(dir, { recursive: true, force: true });
});

const quick = (): ExperimentView => experiments.find((e) => e.preset === 'quick')!;
const armOf = (name: string) => quick().arms.find((a) => a.arm === name)!;
/** Half-width of a three-seed t interval for values with sample sd `sd`. */
const hw = (sd: number) => (T2 * sd) / Math.sqrt(3);

describe('experiments: the data-efficiency experiment found among the runs', () => {
  it('finds one experiment per preset (and base and benchmark), arms in protocol order, seeds as recorded', () => {
    expect(experiments.map((e) => e.preset)).toEqual(['quick', 'reference']);
    const e = quick();
    expect(e).toMatchObject({ initCheckpoint: 7, benchmarkSetId: 'bench-hand', seeds: [0, 1, 2, 3], base: 0.5 });
    // The stale no-feedback run came first, but only counted runs set the order.
    expect(e.arms.map((a) => a.arm)).toEqual(['closed loop: reference', 'no feedback', 'static ×10']);
  });

  it('fills the arms × seeds table: the newest completed run per cell, a running one shown but not counted', () => {
    const ref = armOf('closed loop: reference');
    expect(ref.cells.map((c) => [c.seed, c.status, c.final])).toEqual([
      [0, 'completed', 0.6],
      [1, 'completed', 0.62],
      [2, 'completed', 0.64],
      [3, 'running', 0.7],
    ]);
    expect(armOf('no feedback').cells.map((c) => [c.runId, c.final])).toEqual([
      ['quick-no-feedback-0', 0.57],
      ['quick-no-feedback-1', 0.58],
      ['quick-no-feedback-2', 0.59],
    ]);
    expect(Object.fromEntries(quick().excluded.map((x) => [x.runId, x.reason]))).toEqual({
      'quick-no-feedback-0-old': 'another run of the same arm and seed (quick-no-feedback-0, completed) is counted',
      'quick-closed-loop-3': 'running, not completed',
    });
  });

  it('summarises each arm as the report does: mean ± 95% CI, gain over the base, paired difference to no feedback', () => {
    const ref = armOf('closed loop: reference');
    expect(ref.seeds).toBe(3);
    expect(ref.score!.mean).toBeCloseTo(0.62, 12);
    expect(ref.score!.halfWidth).toBeCloseTo(hw(0.02), 9);
    expect(ref.gain!.mean).toBeCloseTo(0.12, 12);
    expect(ref.samplesUsed).toBe(200);
    // Reference − no feedback per seed: 0.03, 0.04, 0.05 → +4.0 [1.5, 6.5], better.
    expect(ref.vsNoFeedback!.mean).toBeCloseTo(0.04, 12);
    expect(ref.vsNoFeedback!.lo).toBeCloseTo(0.04 - hw(0.01), 9);
    expect(ref.vsNoFeedback!.verdict).toBe('better');
    expect(armOf('no feedback').vsNoFeedback).toBeNull();
    // Static ×10: 0.65, 0.66, 0.70 → mean 0.67, sd √0.0007; vs no feedback 0.08, 0.08, 0.11 → mean 0.09, sd 0.01732.
    const sx = armOf('static ×10');
    expect(sx.score!.mean).toBeCloseTo(0.67, 12);
    expect(sx.score!.halfWidth).toBeCloseTo(hw(Math.sqrt(0.0007)), 9);
    expect(sx.vsNoFeedback!.mean).toBeCloseTo(0.09, 12);
    expect(sx.vsNoFeedback!.halfWidth).toBeCloseTo(hw(Math.sqrt(0.0003)), 9);
    expect(sx.samplesUsed).toBe(2000);
  });

  it("gives each arm's curve as mean ± CI per round over samples seen, from the base's score", () => {
    const ref = armOf('closed loop: reference');
    expect(ref.curve.map((p) => [p.round, p.samplesSeen, p.score.n])).toEqual([
      [-1, 0, 3],
      [0, 100, 3],
      [1, 200, 3],
    ]);
    // Round 0: (0.5 + final) / 2 = 0.55, 0.56, 0.57 → mean 0.56, sd 0.01.
    expect(ref.curve[1]!.score.mean).toBeCloseTo(0.56, 12);
    expect(ref.curve[1]!.score.halfWidth).toBeCloseTo(hw(0.01), 9);
    expect(armOf('static ×10').curve.map((p) => p.samplesSeen)).toEqual([0, 1000, 2000]);
  });

  it("states the verdicts in the report's words: the target against static ×10 and the rule that beats no feedback", () => {
    const e = quick();
    // Reference − static ×10: −0.05, −0.04, −0.06 → −5.0 [−7.5, −2.5]; a tenth of the samples, but lower.
    expect(e.targets).toHaveLength(1);
    expect(e.targets[0]!.met).toBe(false);
    expect(e.targets[0]!.difference.verdict).toBe('worse');
    expect(e.targets[0]!.sentence).toBe(
      'target missed: "closed loop: reference" scored 62.0 with 200 samples, static ×10 67.0 with 2000 (paired difference −5.0 [−7.5, −2.5], worse)',
    );
    expect(e.winner).toBe('closed loop: reference');
    expect(e.conclusion).toBe('Rule that beats no feedback beyond the noise: closed loop: reference (+4.0 [1.5, 6.5] better).');
    const other = experiments.find((x) => x.preset === 'reference')!;
    expect(other.arms.map((a) => [a.arm, a.seeds, a.score?.n, a.score?.halfWidth])).toEqual([['no feedback', 1, 1, null]]);
    expect(other.conclusion).toBe('No rule beats no feedback beyond the noise (every paired 95% interval includes zero or lies below it).');
  });
});
