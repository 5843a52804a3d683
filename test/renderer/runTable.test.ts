import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src/shared/api.js';
import type { MetricRecord } from '../../src/shared/records.js';
import {
  bucketShares,
  canResume,
  canStop,
  compareRows,
  configDiff,
  configSummary,
  roundRows,
  latestScores,
  scoresByRound,
  seedsSummary,
} from '../../src/renderer/src/views/runs/runTable.js';
import { runFraction } from '../../src/renderer/src/lib/runProgress.js';
import { FakeApi } from './fakeApi.js';

const metric = (round: number, family: string | null, name: string, value: number): MetricRecord => ({
  runId: 'r',
  round,
  benchmarkSetId: 'b',
  family,
  metric: name,
  value,
  n: 10,
});

describe('runs table logic', () => {
  it('summarises settings and seeds', async () => {
    const api = new FakeApi();
    const [a] = await api.listRuns();
    expect(configSummary(a!.config)).toBe('T 4 · K 200 · B 64 · synthetic:8 · reference');
    expect(configSummary({ scenes: ['a:1', 'b:2', 'c:3'], mode: 'static', model: 'tiny' })).toBe('a:1, b:2 +1 · tiny');
    expect(configSummary({})).toBe('');
    expect(seedsSummary({ seed: 1, dataSeed: 7 })).toBe('seed=1, dataSeed=7');
    expect(seedsSummary({})).toBe('—');
  });

  it('computes bucket shares over answered samples', () => {
    expect(bucketShares({ easy: 1, frontier: 2, hard: 1 })).toEqual({ easy: 0.25, frontier: 0.5, hard: 0.25, n: 4 });
    expect(bucketShares({ easy: 0, frontier: 0, hard: 0 })).toBeNull();
  });

  it('prefers the score metric per round and family', () => {
    const s = scoresByRound([metric(0, null, 'accuracy', 0.1), metric(0, null, 'score', 0.4), metric(1, 'x', 'mra', 0.7), metric(1, null, 'overall', 0.5)]);
    expect(s.get(0)!.get(null)).toBe(0.4);
    expect(s.get(1)!.get(null)).toBe(0.5);
    expect(s.get(1)!.get('x')).toBe(0.7);
  });

  it('builds round rows from records and merges live summaries', async () => {
    const api = new FakeApi();
    const detail = await api.getRun('run-a');
    const rows = roundRows(detail);
    expect(rows.map((r) => r.round)).toEqual([0, 1, 2]);
    expect(rows[0]!.heldout).toBeCloseTo(0.35);
    expect(rows[0]!.shares!.frontier).toBeCloseTo(30 / 60);
    expect(rows[0]!.ms).toBe(80);
    const live = roundRows(detail, [
      {
        round: 3,
        counts: { proposed: 10, accepted: 5, rejected: 5, easy: 1, frontier: 3, hard: 1 },
        trainedSamples: 5,
        samplesSeen: 4005,
        meanLoss: 1.25,
        heldout: { overall: 0.9, families: [], interval: { lo: 0.88, hi: 0.92 } },
        ms: 1234,
      },
    ]);
    expect(live.map((r) => r.round)).toEqual([0, 1, 2, 3]);
    expect(live[3]).toMatchObject({ heldout: 0.9, interval: { lo: 0.88, hi: 0.92 }, samplesSeen: 4005, meanLoss: 1.25, ms: 1234 });
    expect(rows[0]!.interval).toBeNull();
    // Stored bounds are read back with the score.
    const withCi = roundRows({ ...detail!, metrics: [...detail!.metrics, metric(0, null, 'score_ci_lo', 0.33), metric(0, null, 'score_ci_hi', 0.37)] });
    expect(withCi[0]!.interval).toEqual({ lo: 0.33, hi: 0.37 });
    expect(withCi[0]!.heldout).toBeCloseTo(0.35);
    expect(roundRows(null)).toEqual([]);
    // The LLM proposer's drafts per round, stored and live; rounds without it have none.
    const llm = { proposer: 'llm', proposed: 120, accepted: 16, rejectedBy: { response: 50, duplicate: 40 }, reasons: [] };
    const withLlm = roundRows({ ...detail!, proposers: [{ round: 1, proposers: [{ proposer: 'programmatic', proposed: 200, accepted: 170, rejectedBy: {}, reasons: [] }, llm] }] });
    expect(withLlm.map((r) => r.llm)).toEqual([null, llm, null]);
    expect(rows.every((r) => r.llm === null)).toBe(true);
  });

  it('computes the fraction of a run done from rounds, stages and stage progress', () => {
    expect(runFraction(0, null, null)).toBeNull();
    expect(runFraction(2, 4, null)).toBe(0.5);
    // Round 2 of 4, three of six stages done, the fourth half way.
    const f = runFraction(2, 4, {
      round: 2,
      stages: { propose: { state: 'done' }, filter: { state: 'done' }, solve: { state: 'done' }, control: { state: 'running' } },
      progress: { stage: 'control', done: 5, total: 10, unit: 'cells' },
    });
    expect(f).toBeCloseTo((2 + 3.5 / 6) / 4);
    expect(runFraction(9, 4, null)).toBe(1);
  });

  it('compares two runs at their latest evaluated round', async () => {
    const api = new FakeApi();
    const a = await api.getRun('run-a');
    const b = await api.getRun('run-b');
    const rows = compareRows(a, b);
    expect(rows[0]).toMatchObject({ key: '__overall', label: 'overall' });
    expect(rows[0]!.a).toBeCloseTo(0.55);
    expect(rows[0]!.b).toBeCloseTo(0.4);
    expect(rows[0]!.delta).toBeCloseTo(-0.15);
    expect(rows.map((r) => r.label)).toEqual(['overall', 'object_counting', 'object_rel_direction_easy']);
    expect(latestScores(a).round).toBe(2);
    const empty: RunDetail = { ...a, metrics: [] };
    expect(compareRows(empty, b)[0]).toMatchObject({ a: null, delta: null });
  });

  it('lists differing settings and which actions a status allows', async () => {
    const api = new FakeApi();
    const [a, b] = await Promise.all([api.getRun('run-a'), api.getRun('run-b')]);
    expect(configDiff(a.run, b.run)).toEqual([{ key: 'mode', a: '"closed-loop"', b: '"no-feedback"' }]);
    expect(canStop({ ...a.run, status: 'running' })).toBe(true);
    expect(canStop({ ...a.run, status: 'paused' })).toBe(false);
    expect(canResume({ ...a.run, status: 'paused' })).toBe(true);
    expect(canResume({ ...a.run, status: 'completed' })).toBe(false);
  });
});
