import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BenchRow } from '../../../bench/harness.js';
import { solverBench } from '../../../bench/solver.js';

/** Asked here independently of the bench, so each branch below asserts what that machine must produce. */
const torchImports = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

describe('solver bench (quick mode)', () => {
  let rows: BenchRow[];
  beforeAll(async () => {
    rows = await solverBench.run({ tmpDir: '', quick: true, log: () => undefined });
  }, 120_000);

  it('measures onnxruntime: finite, positive train and inference rates and the transfer share', () => {
    const ort = rows.filter((r) => r.name.startsWith('ORT ') || r.name.startsWith('param transfer share'));
    expect(ort.map((r) => r.unit).sort()).toEqual(['%', 'samples/s', 'samples/s', 'steps/s', 'steps/s']);
    for (const r of ort) expect(Number.isFinite(r.value) && r.value > 0, `${r.name}: ${r.value}`).toBe(true);
  });

  it.skipIf(!torchImports)('with torch importable by /usr/bin/python3, the PyTorch comparison ran and gives finite ratios', () => {
    expect(rows.filter((r) => r.unit === 'skipped'), 'skipped rows').toEqual([]);
    const ratios = rows.filter((r) => /^(train|inference) ratio ORT \/ PyTorch \(1 thread\)$/.test(r.name));
    expect(ratios.map((r) => r.name.split(' ')[0]).sort()).toEqual(['inference', 'train']);
    for (const r of [...ratios, ...rows.filter((r) => r.name.startsWith('PyTorch '))]) expect(Number.isFinite(r.value) && r.value > 0, `${r.name}: ${r.value}`).toBe(true);
  });

  it.skipIf(torchImports)('without torch, the comparison is one skipped row that names what is missing', () => {
    expect(rows.some((r) => r.name.includes('ratio ORT / PyTorch'))).toBe(false);
    const skipped = rows.filter((r) => r.unit === 'skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ name: 'PyTorch eager comparison', note: expect.stringMatching(/torch does not import.*python3-torch/) });
  });
});
