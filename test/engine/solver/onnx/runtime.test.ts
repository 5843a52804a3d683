import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../src/shared/random.js';
import { answerTransformer, answerTransformerInputs, type AnswerTransformerConfig } from '../../../../src/engine/solver/onnx/answerTransformer.js';
import { buildTrainStepModel, type ParamSpec } from '../../../../src/engine/solver/onnx/model.js';
import { OnnxTrainer, initParams } from '../../../../src/engine/solver/onnx/runtime.js';
import { copyFirstToken } from './toyTask.js';

const cfg: AnswerTransformerConfig = { vocab: 8, seqLen: 5, dModel: 8, heads: 2, layers: 1, mlpHidden: 16, answers: 6, batch: 4 };

describe('initParams', () => {
  const specs: ParamSpec[] = [
    { name: 'a', shape: [2000], init: { kind: 'normal', std: 0.5, mean: 1 } },
    { name: 'b', shape: [3], init: { kind: 'ones' } },
    { name: 'c', shape: [1000], init: { kind: 'uniform', low: -2, high: -1 } },
    { name: 'd', shape: [2, 2], init: { kind: 'constant', value: 7 } },
    { name: 'e', shape: [2], init: { kind: 'zeros' } },
  ];

  it('is seeded, per-parameter (independent of declaration order) and follows each init', () => {
    const p = initParams(specs, 42);
    expect(initParams(specs, 42).get('a')).toEqual(p.get('a'));
    expect(initParams([...specs].reverse(), 42).get('c')).toEqual(p.get('c'));
    expect(initParams(specs, 43).get('a')).not.toEqual(p.get('a'));
    const a = p.get('a')!;
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    const sd = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length);
    expect(mean).toBeCloseTo(1, 1);
    expect(sd).toBeGreaterThan(0.45);
    expect(sd).toBeLessThan(0.55);
    expect(Array.from(p.get('b')!)).toEqual([1, 1, 1]);
    expect(p.get('c')!.every((x) => x >= -2 && x < -1)).toBe(true);
    expect(Array.from(p.get('d')!)).toEqual([7, 7, 7, 7]);
    expect(Array.from(p.get('e')!)).toEqual([0, 0]);
  });
});

describe('OnnxTrainer', () => {
  const model = buildTrainStepModel(answerTransformer(cfg), answerTransformerInputs(cfg));

  it('gives the same trajectory with and without reused output buffers (and CPU arena)', async () => {
    const a = await OnnxTrainer.create(model, { seed: 4, intraOpNumThreads: 1 });
    const b = await OnnxTrainer.create(model, { seed: 4, intraOpNumThreads: 1, reuseOutputBuffers: false, cpuMemArena: false });
    const rngA = createRng(9);
    const rngB = createRng(9);
    for (let i = 0; i < 4; i++) {
      const ra = await a.train(copyFirstToken(cfg, rngA), 1e-2);
      const rb = await b.train(copyFirstToken(cfg, rngB), 1e-2);
      expect(ra.loss).toBe(rb.loss);
    }
    expect(a.state()).toEqual(b.state());
    await a.dispose();
    await b.dispose();
  });

  it('allowSpinning only changes scheduling: two threads spinning or not give the same trajectory bit for bit', async () => {
    const a = await OnnxTrainer.create(model, { seed: 4, intraOpNumThreads: 2 });
    const b = await OnnxTrainer.create(model, { seed: 4, intraOpNumThreads: 2, allowSpinning: false });
    const rngA = createRng(9);
    const rngB = createRng(9);
    for (let i = 0; i < 4; i++) expect((await a.train(copyFirstToken(cfg, rngA), 1e-2)).loss).toBe((await b.train(copyFirstToken(cfg, rngB), 1e-2)).loss);
    expect(a.state()).toEqual(b.state());
    await a.dispose();
    await b.dispose();
  });

  it('resumes from a checkpointed state exactly', async () => {
    const trainer = await OnnxTrainer.create(model, { seed: 5, intraOpNumThreads: 1 });
    const rng = createRng(1);
    for (let i = 0; i < 3; i++) await trainer.train(copyFirstToken(cfg, rng), 1e-2);
    const saved = trainer.state();
    const next = copyFirstToken(cfg, rng);
    const first = await trainer.train(next, 1e-2);
    const after = trainer.state();
    // The saved copy is not aliased to the live buffers.
    expect(saved.params).not.toEqual(after.params);

    const resumed = await OnnxTrainer.create(model, { seed: 999, intraOpNumThreads: 1 });
    resumed.loadState(saved);
    expect(resumed.step).toBe(3);
    const again = await resumed.train(next, 1e-2);
    expect(again.loss).toBe(first.loss);
    expect(resumed.state()).toEqual(after);
    expect(() => resumed.loadState({ ...saved, m: {} })).toThrow(/checkpoint m/);
    await trainer.dispose();
    await resumed.dispose();
  });

  it('checks batch arrays against the manifest before running', async () => {
    const trainer = await OnnxTrainer.create(model, { seed: 1, intraOpNumThreads: 1 });
    const batch = copyFirstToken(cfg, createRng(3));
    await expect(trainer.train({ ...batch, tokens: new Float32Array(batch.tokens.length) }, 1e-3)).rejects.toThrow(/BigInt64Array/);
    await expect(trainer.train({ ...batch, mask: new Uint8Array(3) }, 1e-3)).rejects.toThrow(/needs 20 values/);
    await expect(trainer.train({ tokens: batch.tokens, mask: batch.mask }, 1e-3)).rejects.toThrow(/missing input "answer"/);
    expect(trainer.step).toBe(0);
    await trainer.dispose();
  });
});
