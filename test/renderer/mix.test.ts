import { describe, expect, it } from 'vitest';
import { mixByFamily, mixOverRounds } from '../../src/renderer/src/lib/generationMix.js';
import { stackLayout } from '../../src/renderer/src/views/curves/mix.js';
import { FakeApi } from './fakeApi.js';

describe('generation mix over rounds', () => {
  it('sums weights per family and normalises', () => {
    const m = mixByFamily({
      entries: [
        { sceneId: 's1', family: 'object_counting', bin: 0, weight: 0.2 },
        { sceneId: 's2', family: 'object_counting', bin: 1, weight: 0.2 },
        { sceneId: 's1', family: 'object_rel_size', bin: 0, weight: 0.4 },
        { sceneId: 's1', family: 'object_abs_distance', bin: 0, weight: 0 },
      ],
    });
    expect(m.object_counting).toBeCloseTo(0.5);
    expect(m.object_rel_size).toBeCloseTo(0.5);
    expect(m.object_abs_distance).toBeUndefined();
    expect(mixByFamily({ entries: [] })).toEqual({});
  });

  it('puts each decision at the round its weights generate, with the starting mix first', async () => {
    const api = new FakeApi();
    const { decisions } = await api.getRun('run-a');
    const mix = mixOverRounds([...decisions].reverse());
    expect(mix.columns.map((c) => c.round)).toEqual([0, 1, 2, 3]);
    expect(mix.columns[0]!.reason).toMatch(/starting mix/);
    expect(mix.columns[0]!.shares.object_counting).toBeCloseTo(0.5);
    expect(mix.columns[1]!.shares.object_counting).toBeCloseTo(0.4);
    expect(mix.columns[3]!.shares.object_abs_distance).toBeCloseTo(0.8);
    expect(mix.columns[2]!.reason).toBe('round 1: more frontier-like distance questions');
    expect(mix.families).toEqual(['object_counting', 'object_abs_distance']);
    expect(mixOverRounds([])).toEqual({ families: [], columns: [] });
  });

  it('stacks families bottom-up filling each column', async () => {
    const api = new FakeApi();
    const mix = mixOverRounds((await api.getRun('run-a')).decisions);
    const { rects, colW } = stackLayout(mix, 400, 200, 0);
    expect(colW).toBe(100);
    for (const c of mix.columns) {
      const col = rects.filter((r) => r.round === c.round);
      expect(col.reduce((a, r) => a + r.h, 0)).toBeCloseTo(200);
      expect(Math.min(...col.map((r) => r.y))).toBeCloseTo(0);
      // The first family sits at the bottom.
      expect(col[0]!.family).toBe('object_counting');
      expect(col[0]!.y + col[0]!.h).toBeCloseTo(200);
    }
  });
});
