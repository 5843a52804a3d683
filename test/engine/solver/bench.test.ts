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
    const ort = rows.filter((r) => (r.name.startsWith('ORT ') && r.unit !== 'GFLOP/s' && r.unit !== '%') || r.name.startsWith('param transfer share'));
    expect(ort.map((r) => r.unit).sort()).toEqual(['%', 'samples/s', 'samples/s', 'steps/s', 'steps/s']);
    for (const r of ort) expect(Number.isFinite(r.value) && r.value > 0, `${r.name}: ${r.value}`).toBe(true);
  });

  it('puts the train step\'s achieved GFLOP/s next to a measured matmul peak, and the share is their ratio', () => {
    const peak = rows.find((r) => r.name.startsWith('matmul peak, ORT MatMul'));
    const achieved = rows.find((r) => r.name.startsWith('ORT train step achieved'));
    const share = rows.find((r) => r.name.startsWith('ORT train step share'));
    expect(peak?.unit).toBe('GFLOP/s');
    expect(achieved?.unit).toBe('GFLOP/s');
    // A step is many small kernels, a 256³ MatMul one large one: above zero, below the peak.
    expect(achieved!.value).toBeGreaterThan(0);
    expect(achieved!.value).toBeLessThan(peak!.value);
    // Of the best matmul rate measured on the machine: onnxruntime's or PyTorch's BLAS, whichever is higher.
    const best = Math.max(...rows.filter((r) => r.unit === 'GFLOP/s' && /^(matmul peak|PyTorch matmul)/.test(r.name)).map((r) => r.value));
    expect(best).toBeGreaterThanOrEqual(peak!.value);
    expect(share!.value).toBeCloseTo((100 * achieved!.value) / best, 6);
  });

  it('times the step\'s own MatMuls alone at their shapes: the floor the step can approach, against the same peak', () => {
    const own = rows.filter((r) => r.name.startsWith("the step's "));
    expect(own.map((r) => r.name)).toEqual([expect.stringMatching(/^the step's \d+ MatMuls alone at their own shapes \(1 thread\)$/)]);
    expect(own[0]!.unit).toBe('GFLOP/s');
    expect(own[0]!.value).toBeGreaterThan(0);
    // The step's time and the share its MatMuls take of it are printed with the best configuration's row.
    expect(own[0]!.note).toMatch(/^\d+\.\d ms per step; \d+% of the peak; the whole step takes \d+\.\d ms, \d+% of it these MatMuls at kernel speed$/);
  });

  it.skipIf(!torchImports)('with torch importable by /usr/bin/python3, the PyTorch comparison ran and gives finite ratios', () => {
    expect(rows.filter((r) => r.unit === 'skipped'), 'skipped rows').toEqual([]);
    const ratios = rows.filter((r) => /^(train|inference) ratio ORT \/ PyTorch, best vs best$/.test(r.name));
    expect(ratios.map((r) => r.name.split(' ')[0]).sort()).toEqual(['inference', 'train']);
    // The thread settings the PyTorch process ran with are printed, not assumed.
    expect(rows.find((r) => r.name.startsWith('PyTorch ') && r.unit === 'steps/s')?.name).toMatch(/OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=MKL_NUM_THREADS=1/);
    for (const r of [...ratios, ...rows.filter((r) => r.name.startsWith('PyTorch '))]) expect(Number.isFinite(r.value) && r.value > 0, `${r.name}: ${r.value}`).toBe(true);
  });

  it.skipIf(torchImports)('without torch, the comparison is one skipped row that names what is missing', () => {
    expect(rows.some((r) => r.name.includes('ratio ORT / PyTorch'))).toBe(false);
    const skipped = rows.filter((r) => r.unit === 'skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ name: 'PyTorch eager comparison', note: expect.stringMatching(/torch does not import.*python3-torch/) });
  });
});
