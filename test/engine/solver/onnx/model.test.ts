import { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../src/shared/random.js';
import {
  answerTransformer,
  answerTransformerInputs,
  answerTransformerParamCount,
  type AnswerTransformerConfig,
} from '../../../../src/engine/solver/onnx/answerTransformer.js';
import { buildInferenceModel, buildTrainStepModel } from '../../../../src/engine/solver/onnx/model.js';
import { OnnxPredictor, OnnxTrainer } from '../../../../src/engine/solver/onnx/runtime.js';
import { checkGradients } from './gradcheck.js';
import { accuracy, copyFirstToken } from './toyTask.js';

const tiny: AnswerTransformerConfig = { vocab: 6, seqLen: 4, dModel: 8, heads: 2, layers: 1, mlpHidden: 8, answers: 4, batch: 2 };
const toy: AnswerTransformerConfig = { vocab: 10, seqLen: 6, dModel: 16, heads: 2, layers: 1, mlpHidden: 32, answers: 8, batch: 16 };

describe('answer transformer as ONNX', () => {
  it('emits models onnxruntime loads, with the manifest naming every input and output in order', async () => {
    const train = buildTrainStepModel(answerTransformer(tiny), answerTransformerInputs(tiny));
    const m = train.manifest;
    expect(m.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0)).toBe(answerTransformerParamCount(tiny));
    expect(m.params.map((p) => p.name)).toContain('block0/attn/q_proj/weight');
    const session = await InferenceSession.create(train.bytes);
    expect(session.inputNames).toEqual([
      ...m.inputs.map((i) => i.name),
      ...m.params.map((p) => p.name),
      ...m.params.map((p) => p.m),
      ...m.params.map((p) => p.v),
      m.step,
      m.lr,
    ]);
    expect(session.outputNames).toEqual([
      m.loss.name,
      m.perSampleLogProbs.name,
      m.gradNorm.name,
      ...m.params.map((p) => p.next.param),
      ...m.params.map((p) => p.next.m),
      ...m.params.map((p) => p.next.v),
    ]);
    await session.release();

    const inference = buildInferenceModel(answerTransformer(tiny), answerTransformerInputs(tiny));
    // Without the loss the answer input is not read, so it is not an input at all.
    expect(inference.manifest.inputs.map((i) => i.name)).toEqual(['tokens', 'mask']);
    expect(inference.manifest.outputs).toEqual([{ name: 'logits', dtype: 'float32', shape: [2, 4] }]);
    const inf = await InferenceSession.create(inference.bytes);
    expect(inf.inputNames).toEqual(['tokens', 'mask', ...inference.manifest.params.map((p) => p.name)]);
    await inf.release();

    const scored = buildInferenceModel(answerTransformer(tiny), answerTransformerInputs(tiny), { withLoss: true });
    expect(scored.manifest.inputs.map((i) => i.name)).toEqual(['tokens', 'mask', 'answer']);
    expect(scored.manifest.outputs.map((o) => o.name)).toEqual(['logits', 'loss', 'log_probs']);
  });

  it('has whole-model gradients that match finite differences', async () => {
    const rng = createRng(11);
    const batch = copyFirstToken(tiny, rng);
    const report = await checkGradients(
      {
        tokens: { dtype: 'int64', shape: [2, 4], values: Array.from(batch.tokens, Number) },
        // One padded key per row, so the mask is exercised.
        mask: { dtype: 'bool', shape: [2, 4], values: [1, 1, 1, 0, 1, 1, 0, 0] },
        answer: { dtype: 'int64', shape: [2], values: [1, 3] },
      },
      (g, x) => answerTransformer(tiny)(g, x).loss,
      { maxCoords: 24, seed: 4 },
    );
    expect(report.failures).toEqual([]);
    expect(report.checked).toBeGreaterThan(200);
  });

  it('learns the copy-the-first-token task: loss falls below 0.1 and held-out accuracy is perfect', async () => {
    const model = buildTrainStepModel(answerTransformer(toy), answerTransformerInputs(toy));
    const trainer = await OnnxTrainer.create(model, { seed: 3, intraOpNumThreads: 1 });
    const rng = createRng(5);
    const losses: number[] = [];
    for (let i = 0; i < 150; i++) losses.push((await trainer.train(copyFirstToken(toy, rng), 3e-3)).loss);
    expect(losses[0]).toBeGreaterThan(1.5);
    const tail = losses.slice(-10).reduce((a, b) => a + b, 0) / 10;
    expect(tail).toBeLessThan(0.1);
    expect(trainer.step).toBe(150);

    const predictor = await OnnxPredictor.create(buildInferenceModel(answerTransformer(toy), answerTransformerInputs(toy)), { intraOpNumThreads: 1 });
    const held = copyFirstToken(toy, createRng(99));
    const out = await predictor.run(held, trainer.params());
    expect(accuracy(out.logits as Float32Array, held.answer, toy.answers)).toBe(1);
    await predictor.dispose();
    await trainer.dispose();
  });

  it('runs several optimizer steps per call through a Loop with the same result as single steps', async () => {
    const k = 3;
    const single = await OnnxTrainer.create(buildTrainStepModel(answerTransformer(toy), answerTransformerInputs(toy)), { seed: 8, intraOpNumThreads: 1 });
    const looped = await OnnxTrainer.create(buildTrainStepModel(answerTransformer(toy), answerTransformerInputs(toy), { stepsPerRun: k }), {
      seed: 8,
      intraOpNumThreads: 1,
    });
    expect(looped.manifest.inputs[0]!.shape).toEqual([k, toy.batch, toy.seqLen]);
    const rng = createRng(21);
    for (let call = 0; call < 2; call++) {
      const batches = Array.from({ length: k }, () => copyFirstToken(toy, rng));
      const singles = [];
      for (const b of batches) singles.push(await single.train(b, 2e-3));
      const stacked = {
        tokens: BigInt64Array.from(batches.flatMap((b) => Array.from(b.tokens))),
        mask: Uint8Array.from(batches.flatMap((b) => Array.from(b.mask))),
        answer: BigInt64Array.from(batches.flatMap((b) => Array.from(b.answer))),
      };
      const r = await looped.train(stacked, 2e-3);
      expect(r.losses.length).toBe(k);
      expect(r.perSampleLogProbs.length).toBe(k * toy.batch);
      singles.forEach((s, i) => expect(r.losses[i]).toBeCloseTo(s.loss, 4));
    }
    expect(looped.step).toBe(2 * k);
    const a = single.params();
    for (const [name, values] of looped.params()) {
      const b = a.get(name)!;
      let worst = 0;
      for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i]! - b[i]!));
      expect(worst, name).toBeLessThan(1e-4);
    }
    await single.dispose();
    await looped.dispose();
  });

  it('reports per-sample answer log-probabilities consistent with the loss', async () => {
    const trainer = await OnnxTrainer.create(buildTrainStepModel(answerTransformer(toy), answerTransformerInputs(toy)), { seed: 1, intraOpNumThreads: 1 });
    const r = await trainer.train(copyFirstToken(toy, createRng(2)), 1e-3);
    expect(r.perSampleLogProbs.length).toBe(toy.batch);
    for (const lp of r.perSampleLogProbs) expect(lp).toBeLessThan(0);
    const meanNll = -r.perSampleLogProbs.reduce((a, b) => a + b, 0) / toy.batch;
    expect(r.loss).toBeCloseTo(meanNll, 5);
    await trainer.dispose();
  });
});
