import { describe, expect, it } from 'vitest';
import { biggestChanges, buildReplay, colouredObjects, confidenceDomain, nextRound, onDomain } from '../../../src/renderer/src/lib/replay.js';
import type { SceneConfidenceByRound } from '../../../src/shared/api.js';
import { FakeApi } from '../fakeApi.js';

const o = (objectId: number, mean: number, n = 1) => ({ objectId, mean, n });

describe('the replay model', () => {
  it('puts confidence on a diverging scale centred at 0.5 and as wide as the data over every round', () => {
    const d = confidenceDomain([{ objects: [o(1, 0.42), o(2, 0.55)] }, { objects: [o(1, 0.7)] }]);
    expect(d.mid).toBe(0.5);
    expect(d.lo).toBeCloseTo(0.3, 12);
    expect(d.hi).toBeCloseTo(0.7, 12);
    // The data's extremes reach the ramp's ends, 0.5 stays its middle; one scale serves every round.
    expect(onDomain(0.7, d)).toBeCloseTo(1, 12);
    expect(onDomain(0.3, d)).toBeCloseTo(0, 12);
    expect(onDomain(0.5, d)).toBeCloseTo(0.5, 12);
    expect(onDomain(0.9, d)).toBe(1);
    expect([...colouredObjects([o(1, 0.6, 3)], d)]).toEqual([[1, { objectId: 1, mean: expect.closeTo(0.75, 12) as unknown as number, n: 3 }]]);
    // Data all at 0.5 still gives a usable scale, and none at all the narrowest one.
    expect(confidenceDomain([{ objects: [o(1, 0.5)] }])).toEqual({ lo: 0.45, mid: 0.5, hi: 0.55 });
    expect(confidenceDomain([])).toEqual({ lo: 0.45, mid: 0.5, hi: 0.55 });
    // Never past 0…1.
    expect(confidenceDomain([{ objects: [o(1, 0), o(2, 1)] }])).toEqual({ lo: 0, mid: 0.5, hi: 1 });
  });

  it('builds one frame per round: mix, buckets, held-out score and the scene’s objects', async () => {
    const api = new FakeApi();
    const detail = await api.getRun('run-a');
    const confidence: SceneConfidenceByRound = {
      sceneId: 'synthetic:s1',
      runId: 'run-a',
      rounds: [
        { round: 0, objects: [o(1, 0.2), o(2, 0.6)], questions: 2 },
        { round: 1, objects: [o(1, 0.5), o(2, 0.62), o(3, 0.9)], questions: 3 },
        { round: 2, objects: [o(1, 0.8), o(2, 0.6), o(3, 0.95)], questions: 3 },
      ],
    };
    const r = buildReplay(detail, confidence);
    expect(r.frames.map((f) => f.round)).toEqual([0, 1, 2]);
    // Round k's buckets are its own counts as shares (the fake: easy 10+10k, frontier 30, hard 20−5k).
    expect(r.frames[1]!.buckets).toEqual({ easy: 20 / 65, frontier: 30 / 65, hard: 15 / 65, n: 65 });
    // Held-out: the overall `score` of the round.
    expect(r.frames.map((f) => f.heldout)).toEqual([0.35, expect.closeTo(0.45, 12), expect.closeTo(0.55, 12)]);
    // The mix that generated round k is decision k−1's weightsAfter; round 0's is the first decision's weightsBefore.
    expect(r.frames[0]!.mix).toEqual({ object_counting: 0.5, object_abs_distance: 0.5 });
    expect(r.frames[1]!.mix.object_counting).toBeCloseTo(0.4, 12);
    expect(r.frames[2]!.mix.object_abs_distance).toBeCloseTo(0.7, 12);
    expect(r.frames[2]!.objects).toEqual(confidence.rounds[2]!.objects);
    expect(r.domain.lo).toBeCloseTo(0.05, 12);
    // Movers at round 2: object 1 (0.2 → 0.8) first, then 3 (0.9 → 0.95), then 2 (0.6 → 0.6).
    expect(biggestChanges(r, 2, 5).map((c) => [c.objectId, c.from, c.to])).toEqual([
      [1, 0.2, 0.8],
      [3, 0.9, 0.95],
      [2, 0.6, 0.6],
    ]);
    expect(nextRound(r, 1)).toBe(2);
    expect(nextRound(r, 2)).toBeNull();
  });

  it('without scene confidence still replays the run', async () => {
    const detail = await new FakeApi().getRun('run-b');
    const r = buildReplay(detail, null);
    expect(r.sceneId).toBeNull();
    expect(r.frames.map((f) => [f.round, f.objects.length, f.questions])).toEqual([
      [0, 0, 0],
      [1, 0, 0],
    ]);
    // No feedback: no controller decisions, so no recorded mix.
    expect(r.frames.every((f) => Object.keys(f.mix).length === 0)).toBe(true);
  });
});
