import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeExperiment } from '../../../src/engine/experiment/artifacts.js';
import {
  type ArmRun,
  type ExperimentProtocol,
  type ExperimentResult,
  assertDisjoint,
  experimentProtocol,
  judgeTarget,
  protocolArms,
  runExperiment,
  summarizeArms,
  winningRule,
} from '../../../src/engine/experiment/experiment.js';
import { openStore } from '../../../src/engine/store/index.js';
import { useTmpDirs } from '../../helpers/tmp.js';

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
      { samplesSeen: 0, overall: 0.5, families: { object_counting: 0.4 } },
      { samplesSeen: samples, overall, families: { object_counting: overall } },
    ],
    final: { overall, families: { object_counting: overall }, interval: null },
    mix: [],
    trained: { object_counting: 1 },
    samplesUsed: samples,
    wallMs: 1000,
    reused: false,
  };
}

/** Five seeds of an arm whose finals are `base + delta + noise[seed]`, the noise shared by all arms (paired). */
function arm(name: string, delta: number, samples = 100, jitter: number[] = [0, 0, 0, 0, 0]): ArmRun[] {
  const shared = [0.01, -0.02, 0.015, -0.005, 0.0];
  return shared.map((n, seed) => fakeRun(name, seed, 0.6 + n + delta + jitter[seed]!, samples));
}

describe('experiment protocol', () => {
  it('gives static ×N samples and steps, and equal-compute arms the small arms samples for ten times the steps', () => {
    const { standard, equalCompute } = protocolArms({ rounds: 4, steps: 25, batch: 32 });
    expect(standard.map((a) => a.key)).toEqual(['reference', 'learnability', 'reducible', 'nofeedback', 'static', 'static10']);
    expect(standard.find((a) => a.key === 'static')!.config).toMatchObject({ mode: 'static', staticSamples: 3200 });
    expect(standard.find((a) => a.key === 'static10')!.config).toMatchObject({ mode: 'static', staticSamples: 32000, steps: 250 });
    expect(standard.find((a) => a.key === 'reducible')!.needsReference).toBe(true);
    for (const a of equalCompute) expect(a.config.steps).toBe(250);
    expect(equalCompute.find((a) => a.key === 'static10steps')!.config.staticSamples).toBe(3200);
    expect(equalCompute.find((a) => a.key === 'nofeedback10steps')!.config.acceptPerRound).toBe(800);
  });

  it('quick preset: five seeds, the built-in target cut into disjoint parts, the standard arms; reference adds equal compute', () => {
    const p = experimentProtocol('quick');
    expect(p.seeds).toEqual([0, 1, 2, 3, 4]);
    expect(p.target.scenes).toEqual(['vsibench:builtin?part=train']);
    expect(p.target.heldoutScenes).toEqual(['vsibench:builtin?part=heldout']);
    expect(p.reference.scenes).toEqual(['vsibench:builtin?part=reference']);
    expect(p.arms).toHaveLength(6);
    expect(experimentProtocol('reference').arms).toHaveLength(11);
    expect(() => experimentProtocol('quick', { arms: ['nope'] })).toThrow(/unknown arm "nope"/);
  });

  it('refuses overlapping scene sets, naming both sets and the shared scenes', () => {
    expect(() => assertDisjoint({ base: ['a', 'b'], 'held-out': ['c'] })).not.toThrow();
    expect(() => assertDisjoint({ base: ['a', 'b'], 'loop training': ['c'], 'held-out': ['b', 'd'] })).toThrow(/base and held-out scenes overlap in 1 scene\(s\) \(b\)/);
  });
});

describe('experiment statistics', () => {
  it('summarises arms with 95% intervals, the gain over the base and paired differences to no feedback', () => {
    const runs = [...arm('no feedback', 0), ...arm('closed loop: learnability', 0.02), ...arm('closed loop: reference', 0, 100, [0.03, -0.03, 0.02, -0.02, 0])];
    const s = summarizeArms(runs, 0.5);
    const nf = s.find((x) => x.arm === 'no feedback')!;
    expect(nf.seeds).toBe(5);
    expect(nf.score.mean).toBeCloseTo(0.6, 10);
    expect(nf.gain.mean).toBeCloseTo(0.1, 10);
    expect(nf.vsNoFeedback).toBeNull();
    // The same noise in both arms cancels in the paired difference: +0.02 on every seed is "better".
    const l = s.find((x) => x.arm === 'closed loop: learnability')!;
    expect(l.vsNoFeedback!.mean).toBeCloseTo(0.02, 10);
    expect(l.vsNoFeedback!.verdict).toBe('better');
    // Zero on average with noise of its own: no difference.
    expect(s.find((x) => x.arm === 'closed loop: reference')!.vsNoFeedback!.verdict).toBe('no difference');
    expect(winningRule(s)!.arm).toBe('closed loop: learnability');
    expect(winningRule(summarizeArms([...arm('no feedback', 0), ...arm('closed loop: reference', 0, 100, [0.03, -0.03, 0.02, -0.02, 0])], 0.5))).toBeUndefined();
  });

  it('judges the reference target by the paired difference to static ×10 at a tenth of its samples', () => {
    const runs = [...arm('closed loop: learnability', 0.01, 100), ...arm('static ×10', 0, 1000)];
    const s = summarizeArms(runs, 0.5);
    const met = judgeTarget(runs, s, 'closed loop: learnability')!;
    expect(met.met).toBe(true);
    expect(met.sentence).toMatch(/^target met: "closed loop: learnability" scored 61\.0 with 100 samples, static ×10 60\.0 with 1000 \(paired difference \+1\.0 \[1\.0, 1\.0\], better\)/);
    const missed = judgeTarget([...arm('closed loop: reference', -0.03, 100), ...arm('static ×10', 0, 1000)], summarizeArms([...arm('closed loop: reference', -0.03, 100), ...arm('static ×10', 0, 1000)], 0.5), 'closed loop: reference')!;
    expect(missed.met).toBe(false);
    expect(missed.sentence).toContain('paired difference −3.0');
    // More than a tenth of the samples cannot meet it.
    const many = [...arm('closed loop: reference', 0.05, 200), ...arm('static ×10', 0, 1000)];
    expect(judgeTarget(many, summarizeArms(many, 0.5), 'closed loop: reference')!.met).toBe(false);
  });
});

describe('experiment artefacts', () => {
  it('writes curves.csv as RFC 4180 fields, one LF-ended line per curve point and per family', () => {
    const runs = [...arm('closed loop: learnability, family-balanced', 0.02), ...arm('no feedback', 0), ...arm('static "x10"', 0.01)];
    const result: ExperimentResult = {
      protocol: experimentProtocol('quick'),
      base: { runId: 'base', checkpointId: 1, reused: true, heldout: null, wallMs: 0 },
      reference: null,
      scenes: { base: 1, train: 1, reference: 0, heldout: 1 },
      runs,
    };
    const out = tmp();
    writeExperiment(out, result);
    const text = readFileSync(join(out, 'curves.csv'), 'utf8');
    expect(text).not.toContain('\r');
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    // Per run: two curve points, each an overall line and one family line.
    expect(lines).toHaveLength(1 + runs.length * 4);
    expect(lines[0]).toBe('arm,seed,run_id,samples_seen,overall,family,score');
    expect(lines[1]).toBe('"closed loop: learnability, family-balanced",0,"closed loop: learnability, family-balanced-0",0,0.5,,');
    expect(lines[2]).toBe('"closed loop: learnability, family-balanced",0,"closed loop: learnability, family-balanced-0",0,0.5,object_counting,0.4');
    expect(lines[21]).toBe('no feedback,0,no feedback-0,0,0.5,,');
    expect(lines[24]).toBe('no feedback,0,no feedback-0,100,0.61,object_counting,0.61');
    expect(lines[41]).toBe('"static ""x10""",0,"static ""x10""-0",0,0.5,,');
  });
});

describe('runExperiment', () => {
  it('makes the base and the irreducible-loss model once, runs every arm from the base on disjoint scenes, and writes the report', async () => {
    const store = openStore({ workspaceDir: tmp() });
    const small = { model: 'tiny' as const, rounds: 2, steps: 2, batch: 8, candidates: 200, benchmarkPerFamily: 3 };
    const protocol: ExperimentProtocol = {
      preset: 'test',
      base: { name: 'test base', mode: 'no-feedback', scenes: ['synthetic:6'], heldoutFraction: 0.34, ...small, seed: 0 },
      target: { scenes: ['synthetic:16?part=train'], heldoutScenes: ['synthetic:16?part=heldout'], dataSeed: 3, ...small },
      reference: { name: 'test irreducible', mode: 'no-feedback', scenes: ['synthetic:16?part=reference'], seed: 0 },
      seeds: [3],
      arms: protocolArms(small).standard.filter((a) => ['learnability', 'reducible', 'nofeedback'].includes(a.key)),
    };
    const result = await runExperiment(store, protocol);
    expect(result.runs.map((r) => [r.arm, r.status])).toEqual([
      ['closed loop: learnability', 'completed'],
      ['closed loop: reducible loss', 'completed'],
      ['no feedback', 'completed'],
    ]);
    expect(result.base.reused).toBe(false);
    expect(result.scenes.train).toBeGreaterThan(0);
    expect(result.scenes.reference).toBeGreaterThan(0);
    // Every arm starts from the base's checkpoint; only the reducible-loss arm names the irreducible-loss model.
    for (const r of result.runs) expect(r.config.initCheckpoint).toBe(result.base.checkpointId);
    expect(result.runs[1]!.config.referenceCheckpoint).toBe(result.reference!.checkpointId);
    expect(result.runs[0]!.config.referenceCheckpoint).toBe(0);
    // Curves start at the base's score (0 samples): equal for every arm, computed once and copied.
    const starts = result.runs.map((r) => r.curve[0]!);
    expect(starts.every((p) => p.samplesSeen === 0 && p.overall === starts[0]!.overall)).toBe(true);
    expect(result.runs[0]!.mix).toHaveLength(2);
    expect(Object.values(result.runs[0]!.mix[0]!).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(Object.values(result.runs[0]!.trained).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const out = tmp();
    const report = writeExperiment(out, result);
    for (const f of ['report.md', 'curves.csv', 'curves.svg', 'curves.png', 'experiment.json', 'mix-closed-loop-learnability.png']) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, 'curves.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(report.markdown).toContain('| closed loop: learnability');
    expect(report.markdown).toContain("Share of each arm's trained samples per family");
    // Again: the base, the irreducible-loss model and every arm are reused; nothing is trained.
    const again = await runExperiment(store, protocol);
    expect(again.base).toMatchObject({ reused: true, checkpointId: result.base.checkpointId });
    expect(again.reference).toMatchObject({ reused: true, checkpointId: result.reference!.checkpointId });
    expect(again.runs.map((r) => [r.reused, r.runId])).toEqual(result.runs.map((r) => [true, r.runId]));
    // Without reuse every arm runs again (as new runs) from the same, reused base.
    const fresh = await runExperiment(store, { ...protocol, arms: protocol.arms.slice(2) }, { reuse: false });
    expect(fresh.base.reused).toBe(true);
    expect(fresh.runs[0]!.reused).toBe(false);
    expect(fresh.runs[0]!.runId).not.toBe(result.runs[2]!.runId);
    // Same settings, same numbers: the rerun reproduces the first run's curve exactly.
    expect(fresh.runs[0]!.curve).toEqual(result.runs[2]!.curve);
    store.close();
  }, 240_000);

  it('refuses a protocol whose held-out scenes overlap the base model', async () => {
    const store = openStore({ workspaceDir: tmp() });
    const small = { model: 'tiny' as const, rounds: 1, steps: 1, batch: 4, candidates: 100, benchmarkPerFamily: 2 };
    const protocol: ExperimentProtocol = {
      preset: 'test',
      base: { name: 'test base', mode: 'no-feedback', scenes: ['synthetic:6'], heldoutFraction: 0.34, ...small },
      // The same six synthetic rooms as the base's (same data seed): the assertion must fire.
      target: { scenes: ['synthetic:6'], heldoutScenes: ['vsibench:builtin-scannet?part=heldout'], ...small },
      reference: { scenes: ['synthetic:2'] },
      seeds: [0],
      arms: protocolArms(small).standard.filter((a) => a.key === 'nofeedback'),
    };
    await expect(runExperiment(store, protocol)).rejects.toThrow(/the base and loop training scenes overlap/);
    store.close();
  }, 120_000);
});
