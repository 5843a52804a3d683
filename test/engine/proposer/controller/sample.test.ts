import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../src/shared/random.js';
import { FAMILIES, type Mix } from '../../../../src/shared/proposer.js';
import { allocateMix, cellKey, sampleFromMix } from '../../../../src/engine/proposer/controller/index.js';
import { grid } from './fixtures.js';

function randomMix(seed: number): Mix {
  const rng = createRng(seed);
  const cells = grid(FAMILIES.slice(0, 1 + rng.int(FAMILIES.length)), ['a', 'b', 'c'].slice(0, 1 + rng.int(3)), 1 + rng.int(3));
  // Skewed weights with some exact zeros, like a floored mix.
  const raw = cells.map(() => (rng.chance(0.2) ? 0 : Math.pow(rng.next(), 3)));
  if (!raw.some((w) => w > 0)) raw[0] = 1;
  const total = raw.reduce((a, b) => a + b, 0);
  return { entries: cells.map((c, i) => ({ ...c, weight: raw[i]! / total })) };
}

describe('sampleFromMix', () => {
  it('counts sum to count and stay within ±1 of weight·count', () => {
    for (let seed = 0; seed < 200; seed++) {
      const mix = randomMix(seed);
      const total = mix.entries.reduce((a, e) => a + e.weight, 0);
      for (const count of [0, 1, 7, 100, 1013]) {
        const alloc = allocateMix(mix, count, createRng(seed));
        expect(alloc.reduce((a, x) => a + x.count, 0)).toBe(count);
        const keys = sampleFromMix(mix, count, createRng(seed));
        expect(keys).toHaveLength(count);
        const got = new Map<string, number>();
        for (const k of keys) got.set(cellKey(k), (got.get(cellKey(k)) ?? 0) + 1);
        for (const e of mix.entries) {
          const n = got.get(cellKey(e)) ?? 0;
          expect(Math.abs(n - (e.weight / total) * count)).toBeLessThanOrEqual(1 + 1e-9);
          if (e.weight === 0) expect(n).toBe(0);
        }
      }
    }
  });

  it('is deterministic per seed and independent of entry order', () => {
    const mix = randomMix(3);
    const a = sampleFromMix(mix, 50, createRng(11));
    expect(sampleFromMix({ entries: [...mix.entries].reverse() }, 50, createRng(11))).toEqual(a);
    const others = [12, 13, 14, 15].map((s) => JSON.stringify(sampleFromMix(mix, 50, createRng(s))));
    expect(others.some((o) => o !== JSON.stringify(a))).toBe(true);
  });

  it('gives a small family its share on every seed (no multinomial starvation)', () => {
    const mix: Mix = {
      entries: [
        { sceneId: 's', family: 'object_counting', bin: 0, weight: 0.02 },
        { sceneId: 's', family: 'object_abs_distance', bin: 0, weight: 0.98 },
      ],
    };
    for (let seed = 0; seed < 100; seed++) {
      expect(allocateMix(mix, 100, createRng(seed))[0]!.count).toBe(2);
    }
  });

  it('rejects an empty or weightless mix and bad counts', () => {
    expect(() => sampleFromMix({ entries: [] }, 3, createRng(1))).toThrow(/no weight/);
    expect(sampleFromMix({ entries: [] }, 0, createRng(1))).toEqual([]);
    expect(() => sampleFromMix(randomMix(1), -1, createRng(1))).toThrow(/count/);
    expect(() => sampleFromMix(randomMix(1), 2.5, createRng(1))).toThrow(/count/);
  });
});
