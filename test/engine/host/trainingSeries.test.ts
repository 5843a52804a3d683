import { afterEach, describe, expect, it } from 'vitest';
import { createWorkbenchHost, type WorkbenchHost } from '../../../src/engine/host/index.js';
import { trainingPoints } from '../../../src/engine/host/trainingSeries.js';
import type { TrainingStatRecord } from '../../../src/shared/records.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { writeRuns } from './analysisFixtures.js';

const tmp = useTmpDirs();
const hosts: WorkbenchHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});
function open(dir: string): WorkbenchHost {
  const h = createWorkbenchHost({ workspaceDir: dir, readonly: true, transport: 'http', watchIntervalMs: 0 });
  hosts.push(h);
  return h;
}

/**
 * Two rounds of six steps. Round 0's clock ticks 10 ms a step, round 1's 5 ms (its clock restarts). Step 3 spikes
 * to a loss of 9, and round 1's first four steps recorded no gradient norm.
 */
const LOSS = [2, 1.9, 9, 1.7, 1.6, 1.5, 1.4, 1.3, 1.2, 1.1, 1.0, 0.9];
const ROWS: Omit<TrainingStatRecord, 'runId'>[] = LOSS.map((loss, i) => ({
  round: i < 6 ? 0 : 1,
  step: i + 1,
  loss,
  lr: i < 2 ? 0.0005 * (i + 1) : 0.001,
  gradNorm: i >= 6 && i < 10 ? null : 1 + i / 10,
  elapsedMs: i < 6 ? 10 * (i + 1) : 5 * (i - 5),
}));

describe('training series (per-step loss, learning rate and gradient norm)', () => {
  it('gives every step when the run fits: positions within the round, time summed over rounds', async () => {
    const dir = tmp();
    await writeRuns(dir, [{ id: 'r1', name: 'one', config: { mode: 'closed-loop' }, training: ROWS }]);
    const [s] = await open(dir).trainingSeries({ runIds: ['r1'] });
    expect(s).toMatchObject({ runId: 'r1', name: 'one', mode: 'closed-loop', status: 'completed', total: 12, downsampled: false });
    expect(s!.points).toHaveLength(12);
    expect(s!.points.map((p) => p.loss)).toEqual(LOSS);
    // Step k of 6 in round r sits at r + k/6; round 1's clock starts after round 0's 60 ms.
    expect(s!.points[0]).toEqual({ step: 1, stepLast: 1, round: 0, roundPosition: 1 / 6, trainingMs: 10, n: 1, loss: 2, lossMin: 2, lossMax: 2, lr: 0.0005, lrMin: 0.0005, lrMax: 0.0005, gradNorm: 1, gradNormMin: 1, gradNormMax: 1 });
    expect(s!.points[5]).toMatchObject({ step: 6, round: 0, roundPosition: 1, trainingMs: 60 });
    expect(s!.points[6]).toMatchObject({ step: 7, round: 1, roundPosition: 1 + 1 / 6, trainingMs: 65, gradNorm: null, gradNormMin: null, gradNormMax: null });
    expect(s!.points[11]).toMatchObject({ step: 12, round: 1, roundPosition: 2, trainingMs: 90, gradNorm: 2.1 });
  });

  it('downsamples within rounds, keeping each bucket mean, minimum and maximum (the spike survives)', () => {
    // maxPoints 4, 2 rounds: b = ⌈12 / (4 − 2 + 1)⌉ = 4 → round 0: steps 1–4, 5–6; round 1: 7–10, 11–12.
    const { points, downsampled } = trainingPoints(ROWS.map((r) => ({ ...r, runId: 'x' })), 4);
    expect(downsampled).toBe(true);
    expect(points.map((p) => [p.step, p.stepLast, p.n, p.round])).toEqual([
      [1, 4, 4, 0],
      [5, 6, 2, 0],
      [7, 10, 4, 1],
      [11, 12, 2, 1],
    ]);
    const [a, b, c, d] = points;
    // Steps 1–4: loss mean (2 + 1.9 + 9 + 1.7) / 4 = 3.65, min 1.7, max 9 (the spike).
    expect(a!.loss).toBeCloseTo(3.65, 12);
    expect([a!.lossMin, a!.lossMax]).toEqual([1.7, 9]);
    // Positions 1/6 … 4/6 average to 2.5/6; times 10 … 40 ms to 25 ms.
    expect(a!.roundPosition).toBeCloseTo(2.5 / 6, 12);
    expect(a!.trainingMs).toBe(25);
    // Learning rate: warm-up 0.0005, 0.001, then 0.001 twice → mean 0.000875, min 0.0005, max 0.001.
    expect(a!.lr).toBeCloseTo(0.000875, 15);
    expect([a!.lrMin, a!.lrMax]).toEqual([0.0005, 0.001]);
    expect(a!.gradNorm).toBeCloseTo((1 + 1.1 + 1.2 + 1.3) / 4, 12);
    expect(b!.trainingMs).toBe(55);
    expect(b!.roundPosition).toBeCloseTo((5 / 6 + 1) / 2, 12);
    // Round 1 restarts its clock: 60 ms of round 0 plus 5 … 20 → mean 72.5.
    expect(c!.trainingMs).toBe(72.5);
    expect(c!.gradNorm).toBeNull();
    // Steps 11–12: gradient norms 2.0 and 2.1.
    expect(d!.gradNorm).toBeCloseTo(2.05, 12);
    expect([d!.gradNormMin, d!.gradNormMax]).toEqual([2, 2.1]);
    expect(d!.roundPosition).toBeCloseTo((1 + 5 / 6 + 2) / 2, 12);
  });

  it('never returns more than maxPoints, whatever the rounds sizes', () => {
    for (let trial = 0; trial < 200; trial++) {
      const rounds = 1 + (trial % 7);
      const sizes = Array.from({ length: rounds }, (_, r) => 1 + ((trial * 31 + r * 17) % 97));
      const rows: TrainingStatRecord[] = [];
      let step = 0;
      sizes.forEach((n, round) => {
        for (let i = 0; i < n; i++) rows.push({ runId: 'x', round, step: ++step, loss: 1, lr: 1, gradNorm: null, elapsedMs: i + 1 });
      });
      const max = 10 + (trial % 40);
      const { points } = trainingPoints(rows, max);
      expect(points.length).toBeLessThanOrEqual(max);
      expect(points.reduce((a, p) => a + p.n, 0)).toBe(rows.length);
    }
  });

  it('serves several runs through the host, downsampled to maxPoints, and names an unknown run', async () => {
    const dir = tmp();
    await writeRuns(dir, [
      { id: 'r1', name: 'one', config: { mode: 'closed-loop' }, training: ROWS },
      { id: 'r2', name: 'two', config: { mode: 'no-feedback' }, status: 'running', training: ROWS.slice(0, 3) },
    ]);
    const host = open(dir);
    // maxPoints 10: b = ⌈12 / 9⌉ = 2 → three buckets per round.
    const [one, two] = await host.trainingSeries({ runIds: ['r1', 'r2', 'r1'], maxPoints: 10 });
    expect(one).toMatchObject({ runId: 'r1', total: 12, downsampled: true });
    expect(one!.points.map((p) => p.n)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(one!.points[1]).toMatchObject({ step: 3, stepLast: 4, lossMin: 1.7, lossMax: 9 });
    expect(two).toMatchObject({ runId: 'r2', status: 'running', total: 3, downsampled: false });
    expect(two!.points.map((p) => p.roundPosition)).toEqual([1 / 3, 2 / 3, 1]);
    await expect(host.trainingSeries({ runIds: ['nope'] })).rejects.toThrow(/no run "nope"/);
  });
});
