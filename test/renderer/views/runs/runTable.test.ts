import { describe, expect, it } from 'vitest';
import type { RunDetail, RunSummary } from '../../../../src/shared/api.js';
import type { MetricRecord } from '../../../../src/shared/records.js';
import {
  bucketShares,
  canDelete,
  canResume,
  canStop,
  compareRows,
  configDiff,
  configSummary,
  roundRows,
  latestScores,
  rowStageText,
  scoresByRound,
  seedsSummary,
} from '../../../../src/renderer/src/views/runs/runTable.js';
import { runFraction, runTiming } from '../../../../src/renderer/src/lib/runProgress.js';
import { DEFAULT_RUN_SORT, filterRuns, nextSort, runSettings, sortRuns, tagCounts } from '../../../../src/renderer/src/lib/runList.js';
import { FakeApi } from '../../fakeApi.js';

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
    // Samples seen and loss as the host read them from the store (issue 14), not only from live summaries.
    expect(rows.map((r) => [r.samplesSeen, r.meanLoss])).toEqual([
      [60, 1.5],
      [120, 1.25],
      [180, 1],
    ]);
    const live = roundRows(detail, {
      summaries: [
      {
        round: 3,
        counts: { proposed: 10, accepted: 5, rejected: 5, easy: 1, frontier: 3, hard: 1 },
        trainedSamples: 5,
        samplesSeen: 4005,
        meanLoss: 1.25,
        heldout: { overall: 0.9, families: [], interval: { lo: 0.88, hi: 0.92 } },
        ms: 1234,
      },
      ],
    });
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

  it('gives each round the status and stage of the store and the events (issue 14)', async () => {
    const api = new FakeApi();
    const base = await api.getRun('run-a');
    const running: RunDetail = {
      ...base,
      run: { ...base.run, status: 'running' },
      rounds: [...base.rounds.slice(0, 2), { ...base.rounds[2]!, status: 'running', stage: 'filter', finishedAt: null }],
    };
    const view = (detail: RunDetail, live: Parameters<typeof roundRows>[1], status = detail.run.status) => roundRows(detail, live, status).map((r) => [r.round, r.status, r.stage, rowStageText(r)]);
    // No events yet: filter is the last stage the store has committed, so solve is under way.
    expect(view(running, {})).toEqual([
      [0, 'completed', 'evaluate', ''],
      [1, 'completed', 'evaluate', ''],
      [2, 'running', 'solve', 'solve'],
    ]);
    // Events name the stage under way, and none between two stages.
    expect(view(running, { round: 2, stages: { solve: { state: 'done' }, control: { state: 'done' }, train: { state: 'running' } } }).at(-1)).toEqual([2, 'running', 'train', 'train']);
    expect(view(running, { round: 2, stages: { solve: { state: 'done' } } }).at(-1)).toEqual([2, 'running', null, '']);
    // A round that started after the detail was read has its row, counts unknown; one the events moved past is done.
    const next = roundRows(running, { round: 3, stages: { propose: { state: 'running' } } });
    expect(next.map((r) => [r.round, r.status, r.stage])).toEqual([
      [0, 'completed', 'evaluate'],
      [1, 'completed', 'evaluate'],
      [2, 'completed', 'filter'],
      [3, 'running', 'propose'],
    ]);
    expect(next[3]).toMatchObject({ proposed: null, accepted: null, rejected: null, samplesSeen: null, meanLoss: null });
    // Set-up (round −1) is no round.
    expect(roundRows(running, { round: -1, stages: { evaluate: { state: 'running' } } }).map((r) => r.round)).toEqual([0, 1, 2]);
    // Once the run stopped no round is running, even before the detail is read again: paused, or failed.
    const live = { round: 2, stages: { train: { state: 'running' as const } } };
    expect(view(running, live, 'paused').at(-1)).toEqual([2, 'paused', 'filter', 'after filter']);
    expect(view(running, live, 'failed').at(-1)).toEqual([2, 'failed', 'filter', 'after filter']);
    // As the store leaves it after a stop: pending, shown paused; and running again once resumed.
    const stopped: RunDetail = { ...running, run: { ...running.run, status: 'paused' }, rounds: [...running.rounds.slice(0, 2), { ...running.rounds[2]!, status: 'pending', stage: 'control' }] };
    expect(view(stopped, {}).at(-1)).toEqual([2, 'paused', 'control', 'after control']);
    expect(view(stopped, { round: 2, stages: { train: { state: 'running' } } }, 'running').at(-1)).toEqual([2, 'running', 'train', 'train']);
    // A live summary completes its round whatever the detail said.
    const summary = { round: 2, counts: base.rounds[2]!.counts, trainedSamples: 1, samplesSeen: 7, meanLoss: 0.5, heldout: null, ms: 9 };
    expect(view(running, { summaries: [summary] }).at(-1)).toEqual([2, 'completed', 'evaluate', '']);
  });

  it('makes elapsed time and an ETA from the completed rounds’ durations', () => {
    const run = { status: 'running' as const, roundMs: [100, 300, 200], roundStartedAt: 1000, roundsDone: 3 };
    // 600 ms in three rounds + 50 ms of the fourth; two rounds left at the median's 200 ms, 50 of it done.
    expect(runTiming(run, 5, 1050)).toEqual({ elapsedMs: 650, etaMs: 350 });
    // A round already longer than the pace has nothing left to estimate.
    expect(runTiming(run, 4, 2000).etaMs).toBe(0);
    // One slow round (a pause kept its start) does not move the median.
    expect(runTiming({ ...run, roundMs: [100, 100, 90_000, 100], roundsDone: 4, status: 'paused' }, 6, 0)).toEqual({ elapsedMs: 90_300, etaMs: 200 });
    expect(runTiming({ ...run, status: 'completed', roundStartedAt: null }, 3, 5000)).toEqual({ elapsedMs: 600, etaMs: null });
    expect(runTiming({ ...run, roundMs: [], roundsDone: 0 }, 3, 1500)).toEqual({ elapsedMs: 500, etaMs: null });
    expect(runTiming(run, null, 1050).etaMs).toBeNull();
  });

  it('sorts the runs table by any column, nulls last, and filters it by tags', async () => {
    const api = new FakeApi();
    const listed = await api.listRuns();
    const a = listed.find((r) => r.id === 'run-a')!;
    const b = listed.find((r) => r.id === 'run-b')!;
    const c: RunSummary = { ...a, id: 'run-c', name: 'Another', createdAt: 3000, config: { ...a.config, steps: 50, mode: 'static', strategy: 'learnability' }, mode: 'static', tags: ['x', 'y'] };
    const d: RunSummary = { ...b, id: 'run-d', name: 'delta', createdAt: 500, config: { scenes: ['ply:/a.ply'] }, tags: ['y'] };
    const runs = [a, b, c, d];
    const ids = (list: { id: string }[]): string[] => list.map((r) => r.id);
    expect(ids(sortRuns(runs, DEFAULT_RUN_SORT, 0))).toEqual(['run-c', 'run-b', 'run-a', 'run-d']);
    expect(ids(sortRuns(runs, { key: 'steps', descending: false }, 0))).toEqual(['run-c', 'run-b', 'run-a', 'run-d']);
    expect(ids(sortRuns(runs, { key: 'steps', descending: true }, 0))).toEqual(['run-b', 'run-a', 'run-c', 'run-d']);
    expect(ids(sortRuns(runs, { key: 'name', descending: false }, 0))).toEqual(['run-c', 'run-a', 'run-d', 'run-b']);
    // Only the closed loop has a selection rule: the static run's stored one is not shown, so it sorts as unknown.
    expect(runSettings(c.config).strategy).toBeNull();
    expect(ids(sortRuns(runs, { key: 'strategy', descending: false }, 0))).toEqual(['run-a', 'run-c', 'run-b', 'run-d']);
    expect(ids(sortRuns(runs, { key: 'strategy', descending: true }, 0))).toEqual(['run-a', 'run-c', 'run-b', 'run-d']);
    expect(runSettings(d.config)).toEqual({ strategy: null, scenes: ['ply:/a.ply'], rounds: null, steps: null, batch: null, seed: null, model: null });
    expect(ids(filterRuns(runs, ['y']))).toEqual(['run-c', 'run-d']);
    expect(ids(filterRuns(runs, ['y', 'x']))).toEqual(['run-c']);
    expect(ids(filterRuns(runs, []))).toEqual(ids(runs));
    expect(tagCounts(runs)).toEqual([
      { tag: 'x', n: 1 },
      { tag: 'y', n: 2 },
    ]);
    expect(nextSort(DEFAULT_RUN_SORT, 'steps')).toEqual({ key: 'steps', descending: false });
    expect(nextSort({ key: 'steps', descending: false }, 'steps')).toEqual({ key: 'steps', descending: true });
    expect(nextSort({ key: 'steps', descending: false }, 'created')).toEqual({ key: 'created', descending: true });
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
    expect(['queued', 'running', 'paused', 'completed', 'failed'].map((status) => canDelete({ ...a.run, status: status as RunSummary['status'] }))).toEqual([false, false, true, true, true]);
  });
});
