import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeExperiment } from '../../../src/engine/experiment/artifacts.js';
import { type ArmRun, equalComputeArms, judgeTarget, runExperiment, standardArms, summarizeArms } from '../../../src/engine/experiment/experiment.js';
import { openStore } from '../../../src/engine/store/index.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { SMALL_LOOP } from '../loop/loopFixture.js';

const tmp = useTmpDirs();

function fakeRun(arm: string, seed: number, overall: number, samples: number): ArmRun {
  return {
    arm,
    seed,
    runId: `${arm}-${seed}`,
    status: 'completed',
    error: null,
    config: {} as ArmRun['config'],
    curve: [
      { samplesSeen: 0, overall: 0.2, families: { object_counting: 0.1 } },
      { samplesSeen: samples, overall, families: { object_counting: overall } },
    ],
    final: { overall, families: { object_counting: overall } },
    samplesUsed: samples,
    wallMs: 1000,
    reused: false,
  };
}

describe('the data-efficiency experiment', () => {
  it('gives static arms the same budget (and ten times it, with ten times the steps)', () => {
    const arms = standardArms({ iterations: 4, steps: 100, batch: 64 });
    expect(arms.map((a) => a.name)).toEqual(['closed loop', 'no feedback', 'static', 'static ×10']);
    expect(arms[2]!.config).toMatchObject({ mode: 'static', staticSamples: 25_600 });
    expect(arms[3]!.config).toMatchObject({ mode: 'static', staticSamples: 256_000, steps: 1000 });
    // Equal compute: the small arms' samples for static ×10's steps.
    const eq = equalComputeArms({ iterations: 4, steps: 100, batch: 64 });
    expect(eq.map((a) => a.config)).toEqual([
      { mode: 'closed-loop', steps: 1000, acceptPerRound: 6400 },
      { mode: 'static', staticSamples: 25_600, steps: 1000 },
    ]);
    expect(judgeTarget(summarizeArms([fakeRun('closed loop, 10× steps', 0, 0.7, 100), fakeRun('static ×10', 0, 0.6, 1000)]), 'closed loop, 10× steps')!.sentence).toMatch(/^target met: "closed loop, 10× steps"/);
  });

  it('summarises over seeds and judges the target honestly', () => {
    const runs = [fakeRun('closed loop', 0, 0.5, 100), fakeRun('closed loop', 1, 0.6, 100), fakeRun('static ×10', 0, 0.58, 1000), fakeRun('static ×10', 1, 0.6, 1000)];
    const s = summarizeArms(runs);
    expect(s[0]).toMatchObject({ arm: 'closed loop', seeds: 2, min: 0.5, max: 0.6, samplesUsed: 100 });
    expect(s[0]!.mean).toBeCloseTo(0.55, 10);
    expect(s[0]!.std).toBeCloseTo(Math.sqrt(0.005), 10);
    const missed = judgeTarget(s)!;
    expect(missed.met).toBe(false);
    expect(missed.sampleRatio).toBeCloseTo(0.1, 10);
    expect(missed.shortFamilies.map((f) => f.family)).toEqual(['object_counting']);
    expect(missed.sentence).toMatch(/^target missed/);
    const met = judgeTarget(summarizeArms([fakeRun('closed loop', 0, 0.7, 100), fakeRun('static ×10', 0, 0.6, 1000)]))!;
    expect(met.met).toBe(true);
    // Reaching the score with more than a tenth of the samples is not the claim.
    expect(judgeTarget(summarizeArms([fakeRun('closed loop', 0, 0.7, 200), fakeRun('static ×10', 0, 0.6, 1000)]))!.met).toBe(false);
  });

  it('runs real arms and writes the report, curves as CSV, SVG and PNG', async () => {
    const store = openStore({ workspaceDir: tmp() });
    const base = { ...SMALL_LOOP, steps: 2, iterations: 2 };
    const arms = standardArms(base).filter((a) => a.name === 'closed loop' || a.name === 'static');
    const runs = await runExperiment(store, { base, seeds: [3], arms });
    expect(runs.map((r) => [r.arm, r.status])).toEqual([
      ['closed loop', 'completed'],
      ['static', 'completed'],
    ]);
    // The curve starts at the untrained model (0 samples) and has one point per round.
    expect(runs[0]!.curve.map((p) => p.samplesSeen)).toEqual([0, 16, 32]);
    expect(runs[1]!.samplesUsed).toBe(32);
    const out = tmp();
    const report = writeExperiment(out, runs, { preset: 'test' });
    for (const f of ['report.md', 'curves.csv', 'curves.svg', 'curves.png', 'experiment.json']) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, 'curves.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(out, 'curves.csv'), 'utf8').split('\n')[0]).toBe('arm,seed,run_id,samples_seen,overall,family,score');
    expect(report.markdown).toContain('| closed loop');
    // Running it again reuses the completed runs (same settings); a changed setting runs afresh.
    const again = await runExperiment(store, { base, seeds: [3], arms });
    expect(again.map((r) => [r.reused, r.runId])).toEqual(runs.map((r) => [true, r.runId]));
    const changed = await runExperiment(store, { base, seeds: [3], arms: arms.slice(0, 1).map((a) => ({ ...a, config: { ...a.config, selection: 'all-but-easy' as const } })) });
    expect(changed[0]!.reused).toBe(false);
    store.close();
  });
});
