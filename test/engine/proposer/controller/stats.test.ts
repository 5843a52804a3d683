import { describe, expect, it } from 'vitest';
import { bucketOf, DEFAULT_THRESHOLDS } from '../../../../src/shared/proposer.js';
import { aggregate } from '../../../../src/engine/proposer/controller/index.js';
import { A, B, samplesAt } from './fixtures.js';

const cell = { sceneId: 's1', family: A, bin: 0 };

describe('bucketing', () => {
  it('is strict at both thresholds: 0.9 and 0.1 are frontier', () => {
    expect(bucketOf(0.9)).toBe('frontier');
    expect(bucketOf(0.1)).toBe('frontier');
    expect(bucketOf(0.9 + 1e-12)).toBe('easy');
    expect(bucketOf(0.1 - 1e-12)).toBe('hard');
    expect(bucketOf(1)).toBe('easy');
    expect(bucketOf(0)).toBe('hard');
  });

  it('aggregate counts the exact thresholds as frontier', () => {
    const rows = aggregate(samplesAt(cell, [0.9, 0.1, 0.90001, 0.09999, 0.5]), DEFAULT_THRESHOLDS);
    const row = rows.find((r) => r.level === 'cell')!;
    expect(row.counts).toEqual({ easy: 1, frontier: 3, hard: 1 });
    expect(row.shares.frontier).toBeCloseTo(0.6, 12);
  });

  it('honours custom thresholds', () => {
    const rows = aggregate(samplesAt(cell, [0.8, 0.7, 0.2]), { easy: 0.75, hard: 0.25 });
    expect(rows.find((r) => r.level === 'family')!.counts).toEqual({ easy: 1, frontier: 1, hard: 1 });
  });
});

describe('aggregate', () => {
  it('gives cell, family×bin and family rows with means and accuracy', () => {
    const samples = [
      { ...cell, confidence: 0.95, correct: true },
      { ...cell, confidence: 0.45, correct: false },
      { sceneId: 's2', family: A, bin: 0, confidence: 0.2 },
      { sceneId: 's2', family: A, bin: 1, confidence: 0.05, correct: true },
    ];
    const rows = aggregate(samples, DEFAULT_THRESHOLDS);
    expect(rows.map((r) => r.level)).toEqual(['family', 'familyBin', 'familyBin', 'cell', 'cell', 'cell']);
    const fam = rows[0]!;
    expect(fam).toMatchObject({ family: A, sceneId: null, bin: null, n: 4, judged: 3 });
    expect(fam.meanConfidence).toBeCloseTo(0.4125, 12);
    expect(fam.accuracy).toBeCloseTo(2 / 3, 12);
    expect(fam.counts).toEqual({ easy: 1, frontier: 2, hard: 1 });
    const bin0 = rows[1]!;
    expect(bin0).toMatchObject({ level: 'familyBin', bin: 0, n: 3 });
    const c = rows.find((r) => r.level === 'cell' && r.sceneId === 's1')!;
    expect(c.accuracy).toBe(0.5);
    expect(rows.find((r) => r.level === 'cell' && r.sceneId === 's2' && r.bin === 0)!.accuracy).toBeNull();
  });

  it('adds n = 0 rows for listed cells without samples, with no NaN', () => {
    const rows = aggregate([], DEFAULT_THRESHOLDS, [cell, { sceneId: 's9', family: B, bin: 2 }]);
    expect(rows).toHaveLength(6);
    for (const r of rows) {
      expect(r.n).toBe(0);
      expect(r.meanConfidence).toBeNull();
      expect(r.accuracy).toBeNull();
      expect(r.shares).toEqual({ easy: 0, frontier: 0, hard: 0 });
    }
    expect(JSON.stringify(rows)).not.toContain('NaN');
  });

  it('rejects confidences outside [0, 1] and inverted thresholds', () => {
    expect(() => aggregate(samplesAt(cell, [Number.NaN]), DEFAULT_THRESHOLDS)).toThrow(/confidence/);
    expect(() => aggregate(samplesAt(cell, [1.2]), DEFAULT_THRESHOLDS)).toThrow(/confidence/);
    expect(() => aggregate([], { easy: 0.1, hard: 0.9 })).toThrow(/hard ≤ easy/);
  });
});
