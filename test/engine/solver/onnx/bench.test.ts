import { describe, expect, it } from 'vitest';
import { onnxStepBench } from '../../../../bench/onnxStep.js';

describe('ONNX step bench', () => {
  it('runs in quick mode and reports finite figures', async () => {
    const rows = await onnxStepBench.run({ tmpDir: '', quick: true, log: () => undefined });
    expect(rows.map((r) => r.unit)).toContain('steps/s');
    expect(rows.some((r) => r.name.startsWith('param transfer share'))).toBe(true);
    for (const r of rows) expect(Number.isFinite(r.value) && r.value > 0).toBe(true);
  });
});
