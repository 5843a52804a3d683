import { describe, expect, it } from 'vitest';
import { solverBench } from '../../../bench/solver.js';

describe('solver bench', () => {
  it('runs in quick mode: finite ORT figures, and a PyTorch comparison that either ran or says why not', async () => {
    const rows = await solverBench.run({ tmpDir: '', quick: true, log: () => undefined });
    const measured = rows.filter((r) => r.unit !== 'skipped');
    expect(measured.map((r) => r.unit)).toEqual(expect.arrayContaining(['steps/s', 'samples/s', '%']));
    for (const r of measured) expect(Number.isFinite(r.value) && r.value > 0, r.name).toBe(true);
    const skipped = rows.find((r) => r.unit === 'skipped');
    if (skipped) expect(skipped.note ?? '').not.toBe('');
    else expect(rows.some((r) => r.name.startsWith('train ratio ORT / PyTorch'))).toBe(true);
  }, 120_000);
});
