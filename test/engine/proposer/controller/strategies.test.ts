import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/shared/errors.js';
import { createRng } from '../../../../src/shared/random.js';
import { FAMILIES, type ConfidenceSample, type Family, type MixKey } from '../../../../src/shared/proposer.js';
import {
  createStrategy,
  STRATEGY_NAMES,
  type ControllerDecision,
  type ControllerStrategy,
} from '../../../../src/engine/proposer/controller/index.js';
import { A, B, C, easyHardFrontier, familyWeight, grid, input, repeat, samplesAt, sum, uniformMix } from './fixtures.js';

const noMomentum = { momentum: 0 };
const weightOf = (d: ControllerDecision, k: MixKey): number =>
  d.after.entries.find((e) => e.sceneId === k.sceneId && e.family === k.family && e.bin === k.bin)!.weight;

describe('reference strategy', () => {
  const ref = createStrategy('reference');

  it('moves weight from all-easy and all-hard families to the frontier one', () => {
    const { cells, samples } = easyHardFrontier();
    const d = ref.decide(input({ cells, samples, previous: uniformMix(cells) }));
    const before = 1 / 3;
    expect(familyWeight(d.after, A)).toBeLessThan(before);
    expect(familyWeight(d.after, B)).toBeLessThan(before);
    expect(familyWeight(d.after, C)).toBeGreaterThan(before);
    expect(familyWeight(d.after, C)).toBeGreaterThan(0.6);
    // Momentum 0.3 of a uniform start bounds how far one step goes.
    expect(familyWeight(d.after, A)).toBeGreaterThan(0.3 * before - 1e-12);
    expect(d.reasons.some((r) => r.startsWith(`${A}: 100% easy / 0% frontier / 0% hard of 40`) && r.includes('→ weight 0.333 →'))).toBe(
      true,
    );
  });

  it('treats easy and hard alike: both are "not frontier"', () => {
    const { cells, samples } = easyHardFrontier();
    const d = ref.decide(input({ cells, samples, config: noMomentum }));
    expect(familyWeight(d.after, A)).toBeCloseTo(familyWeight(d.after, B), 12);
  });

  it('gives unseen cells a prior weight from their parents, not 0', () => {
    const { cells, samples } = easyHardFrontier();
    const unseenC = { sceneId: 's3', family: C, bin: 0 };
    const unseenFamily = { sceneId: 's1', family: 'room_size_estimation' as Family, bin: 0 };
    const d = ref.decide(input({ cells: [...cells, unseenC, unseenFamily], samples, config: noMomentum }));
    const seenC = weightOf(d, { sceneId: 's1', family: C, bin: 0 });
    // The unseen frontier-family cell inherits its family×bin's high frontier share.
    expect(weightOf(d, unseenC)).toBeGreaterThan(0.9 * seenC);
    // A family never sampled falls back to the pooled estimate (1/3 frontier here), well above the floor.
    const floor = d.config.familyFloor / 4;
    expect(weightOf(d, unseenFamily)).toBeGreaterThan(1.5 * floor);
    // Unseen cells get no stats row of their own; the family×bin row carries the estimate they inherited.
    expect(d.stats.find((r) => r.level === 'cell' && r.sceneId === 's3')).toBeUndefined();
    const cBin = d.stats.find((r) => r.level === 'familyBin' && r.family === C)!;
    expect(cBin.score).toBeGreaterThan(0.9);
    expect(d.stats.find((r) => r.level === 'family' && r.family === unseenFamily.family)).toMatchObject({ n: 0, meanConfidence: null });
  });

  it('with no samples at all, every cell gets the same prior weight', () => {
    const cells = grid([A, B, C], ['s1', 's2', 's3'], 2);
    const d = ref.decide(input({ cells }));
    for (const e of d.after.entries) expect(e.weight).toBeCloseTo(1 / cells.length, 12);
  });

  it('shrinks a sparsely sampled cell towards its family', () => {
    const cells = grid([C], ['s1', 's2', 's3']);
    const samples = [
      ...samplesAt(cells[0]!, repeat(0.5, 30)),
      ...samplesAt(cells[1]!, repeat(0.5, 30)),
      ...samplesAt(cells[2]!, [0.99]), // one easy sample in a frontier family: probably luck
    ];
    const d = ref.decide(input({ cells, samples, config: { ...noMomentum, cellFloor: 0 } }));
    expect(weightOf(d, cells[2]!)).toBeGreaterThan(0.6 * weightOf(d, cells[0]!));
    expect(weightOf(d, cells[2]!)).toBeLessThan(weightOf(d, cells[0]!));
  });

  it('does not depend on the order of cells or samples', () => {
    const { cells, samples } = easyHardFrontier();
    const rng = createRng(7);
    const a = ref.decide(input({ cells, samples }));
    const b = ref.decide(input({ cells: rng.shuffle([...cells]), samples: rng.shuffle([...samples]) }));
    expect(b.after).toEqual(a.after);
  });
});

describe('exploration floor', () => {
  for (const name of STRATEGY_NAMES) {
    it(`${name}: an all-easy family keeps ≥ ε/F over many rounds, every cell ≥ δ/N`, () => {
      const strategy = createStrategy(name, { draws: 50 });
      const { cells, samples } = easyHardFrontier();
      const config = { momentum: 0.3, familyFloor: 0.15, cellFloor: 0.02 };
      let previous = uniformMix(cells);
      let d: ControllerDecision | undefined;
      for (let round = 0; round < 25; round++) {
        d = strategy.decide(input({ round, cells, samples, previous, config }));
        previous = d.after;
        for (const f of [A, B, C]) expect(familyWeight(d.after, f)).toBeGreaterThanOrEqual(0.15 / 3 - 1e-12);
        for (const e of d.after.entries) expect(e.weight).toBeGreaterThanOrEqual(0.02 / cells.length - 1e-12);
        expect(sum(d.after)).toBeCloseTo(1, 9);
      }
      if (name === 'reference' || name === 'bandit') {
        // Converged onto the floor, not just above it.
        expect(familyWeight(d!.after, A)).toBeLessThan(0.15 / 3 + 0.01);
        expect(d!.reasons.some((r) => r.startsWith(`${A}:`) && r.includes('raised to the exploration floor'))).toBe(true);
      }
    });
  }

  it('holds with every family and one cell per family, floors at their maximum', () => {
    const cells = grid([...FAMILIES], ['s1']);
    const samples = cells.flatMap((c, i) => samplesAt(c, repeat(i === 0 ? 0.5 : 0.99, 10)));
    const d = createStrategy('reference').decide(input({ cells, samples, config: { momentum: 0, familyFloor: 0.9, cellFloor: 0.1 } }));
    for (const f of FAMILIES) expect(familyWeight(d.after, f)).toBeGreaterThanOrEqual(0.9 / FAMILIES.length - 1e-12);
    expect(sum(d.after)).toBeCloseTo(1, 12);
  });
});

describe('uniform strategy', () => {
  it('ignores samples', () => {
    const { cells, samples } = easyHardFrontier();
    const u = createStrategy('uniform');
    const withSamples = u.decide(input({ cells, samples }));
    const without = u.decide(input({ cells }));
    expect(withSamples.after).toEqual(without.after);
    for (const e of withSamples.after.entries) expect(e.weight).toBeCloseTo(1 / cells.length, 12);
    // …but still reports them.
    expect(withSamples.stats.find((r) => r.level === 'family' && r.family === A)!.n).toBe(40);
  });
});

describe('target-band strategy', () => {
  const cells = grid([A, B, C], ['s1', 's2']);
  const means: Record<string, number> = { [A]: 0.5, [B]: 0.95, [C]: 0.05 };
  const samples = cells.flatMap((c) => samplesAt(c, [means[c.family]! - 0.02, means[c.family]! + 0.02]));

  it('prefers the family whose mean confidence sits in the band', () => {
    const d = createStrategy('target-band').decide(input({ cells, samples, config: noMomentum }));
    expect(familyWeight(d.after, A)).toBeGreaterThan(familyWeight(d.after, B));
    expect(familyWeight(d.after, A)).toBeGreaterThan(familyWeight(d.after, C));
  });

  it('follows the band when it moves', () => {
    const d = createStrategy('target-band', { center: 0.9, halfWidth: 0.05 }).decide(input({ cells, samples, config: noMomentum }));
    expect(familyWeight(d.after, B)).toBeGreaterThan(familyWeight(d.after, A));
    expect(familyWeight(d.after, A)).toBeGreaterThan(familyWeight(d.after, C));
    expect(d.options).toEqual({ center: 0.9, halfWidth: 0.05, sigma: 0.15, priorStrength: 4 });
  });

  it('scores closer means higher even outside the band', () => {
    const twoCells = grid([A], ['near', 'far']);
    const s = [...samplesAt(twoCells[0]!, repeat(0.7, 50)), ...samplesAt(twoCells[1]!, repeat(0.95, 50))];
    const d = createStrategy('target-band').decide(input({ cells: twoCells, samples: s, config: { ...noMomentum, cellFloor: 0 } }));
    expect(weightOf(d, twoCells[0]!)).toBeGreaterThan(weightOf(d, twoCells[1]!));
  });
});

describe('bandit strategy', () => {
  const { cells, samples } = easyHardFrontier();
  const run = (seed: number, round = 3): ControllerDecision =>
    createStrategy('bandit', { seed, draws: 100 }).decide(input({ round, cells, samples: samples.slice(0, 30) }));

  it('is reproducible with the same seed and differs with another', () => {
    expect(run(42)).toEqual(run(42));
    expect(run(43).after).not.toEqual(run(42).after);
    expect(run(42, 4).after).not.toEqual(run(42, 3).after);
  });

  it('favours the frontier family once it has evidence', () => {
    const d = createStrategy('bandit', { seed: 1 }).decide(input({ cells, samples, config: noMomentum }));
    expect(familyWeight(d.after, C)).toBeGreaterThan(0.8);
    expect(d.reasons[0]).toMatch(/^bandit: Thompson sampling/);
  });
});

describe('every strategy', () => {
  const strategies: ControllerStrategy[] = STRATEGY_NAMES.map((n) => createStrategy(n, { draws: 40 }));

  function randomCase(seed: number): { cells: MixKey[]; samples: ConfidenceSample[]; previous: ReturnType<typeof uniformMix> } {
    const rng = createRng(seed);
    const fams = rng.shuffle([...FAMILIES]).slice(0, 1 + rng.int(FAMILIES.length));
    const cells = grid(fams, Array.from({ length: 1 + rng.int(4) }, (_, i) => `scene${i}`), 1 + rng.int(3));
    const samples = Array.from({ length: rng.int(200) }, () => ({ ...rng.pick(cells), confidence: rng.next() }));
    const prevCells = cells.filter(() => rng.chance(0.5));
    const previous = { entries: prevCells.map((c) => ({ ...c, weight: rng.next() })) };
    return { cells, samples, previous };
  }

  for (const s of strategies) {
    it(`${s.name}: weights sum to 1, are finite and ≥ 0, over random inputs`, () => {
      for (let seed = 0; seed < 25; seed++) {
        const { cells, samples, previous } = randomCase(seed);
        const d = s.decide(input({ round: seed, cells, samples, previous }));
        expect(d.after.entries).toHaveLength(cells.length);
        expect(Math.abs(sum(d.after) - 1)).toBeLessThan(1e-9);
        for (const e of d.after.entries) expect(Number.isFinite(e.weight) && e.weight >= 0).toBe(true);
      }
    });

    it(`${s.name}: empty samples and an empty previous mix give no NaN`, () => {
      const cells = grid([A, B], ['s1', 's2'], 2);
      const d = s.decide(input({ cells }));
      expect(Math.abs(sum(d.after) - 1)).toBeLessThan(1e-9);
      expect(JSON.stringify(d)).not.toMatch(/NaN|Infinity|null,"counts"[^}]*NaN/);
      for (const e of d.after.entries) expect(Number.isNaN(e.weight)).toBe(false);
      for (const r of d.stats) expect([r.before, r.after].every(Number.isFinite)).toBe(true);
    });

    it(`${s.name}: the decision survives a JSON round trip unchanged`, () => {
      const { cells, samples, previous } = randomCase(99);
      const d = s.decide(input({ round: 5, cells, samples: [...samples, { ...cells[0]!, confidence: 0.5, correct: true }], previous }));
      expect(JSON.parse(JSON.stringify(d))).toStrictEqual(d);
    });

    it(`${s.name}: no cells gives an empty mix and says so`, () => {
      const d = s.decide(input({ cells: [], samples: samplesAt({ sceneId: 's', family: A, bin: 0 }, [0.5]) }));
      expect(d.after.entries).toEqual([]);
      expect(d.reasons[0]).toMatch(/no cells/);
    });
  }

  it('reports per-family and per-cell before/after in stats', () => {
    const { cells, samples } = easyHardFrontier();
    const d = createStrategy('reference').decide(input({ cells, samples, previous: uniformMix(cells) }));
    const famRow = d.stats.find((r) => r.level === 'family' && r.family === C)!;
    expect(famRow.before).toBeCloseTo(1 / 3, 12);
    expect(famRow.after).toBeCloseTo(familyWeight(d.after, C), 12);
    const cellRow = d.stats.find((r) => r.level === 'cell' && r.family === C && r.sceneId === 's1')!;
    // all → family → family×bin → cell, 4 pseudo-samples from each parent.
    const all = (40 + 4 * 0.5) / 124;
    const family = (40 + 4 * all) / 44;
    const familyBin = (40 + 4 * family) / 44;
    expect(cellRow.score).toBeCloseTo((20 + 4 * familyBin) / 24, 12);
    expect(famRow.score).toBeCloseTo(family, 12);
    expect(d.stats.filter((r) => r.level === 'familyBin')).toHaveLength(3);
  });

  it('momentum blends the previous mix as configured', () => {
    const { cells, samples } = easyHardFrontier();
    const previous = uniformMix(cells);
    const ref = createStrategy('reference');
    const jump = ref.decide(input({ cells, samples, config: { momentum: 0, familyFloor: 0, cellFloor: 0 } }));
    const damped = ref.decide(input({ cells, samples, previous, config: { momentum: 0.4, familyFloor: 0, cellFloor: 0 } }));
    damped.after.entries.forEach((e, i) => expect(e.weight).toBeCloseTo(0.4 / cells.length + 0.6 * jump.after.entries[i]!.weight, 12));
  });
});

describe('registry and validation', () => {
  it('knows the six strategies and rejects others', () => {
    expect(STRATEGY_NAMES.map((n) => createStrategy(n).name)).toEqual(['reference', 'uniform', 'target-band', 'bandit', 'learnability', 'reducible-loss']);
    expect(() => createStrategy('greedy')).toThrow(InputError);
  });

  it('rejects bad options and config with the field named', () => {
    expect(() => createStrategy('bandit', { seed: -1 })).toThrow(/bandit\.seed/);
    expect(() => createStrategy('target-band', { sigma: 0 })).toThrow(/target-band\.sigma/);
    const cells = grid([A], ['s1']);
    expect(() => createStrategy('uniform').decide(input({ cells, config: { momentum: 2 } }))).toThrow(/controller\.momentum/);
    expect(() => createStrategy('uniform').decide(input({ cells, config: { familyFloor: 0.8, cellFloor: 0.5 } }))).toThrow(InputError);
    expect(() => createStrategy('uniform').decide(input({ cells, previous: { entries: [{ ...cells[0]!, weight: -1 }] } }))).toThrow(
      /weight/,
    );
  });

  it('treats undefined config fields as defaults', () => {
    const cells = grid([A], ['s1']);
    const d = createStrategy('uniform').decide(input({ cells, config: { momentum: undefined } }));
    expect(d.config).toEqual({ momentum: 0.3, familyFloor: 0.2, cellFloor: 0.01 });
  });
});
