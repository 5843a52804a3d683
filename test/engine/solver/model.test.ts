import { describe, expect, it } from 'vitest';
import { ANSWER_CLASSES, ANSWER_RANGES } from '../../../src/engine/solver/answers.js';
import { encodeSample, stackBatch } from '../../../src/engine/solver/features.js';
import { ANSWER_LOGP, DEFAULT_MODEL, LARGE_MODEL, solverInputs, solverModel, solverParamCount, type SolverModelConfig } from '../../../src/engine/solver/model.js';
import { buildInferenceModel } from '../../../src/engine/solver/onnx/model.js';
import { OnnxPredictor, initParams } from '../../../src/engine/solver/onnx/runtime.js';
import { toyCountingSample, toyDirectionSample } from '../../../src/engine/solver/synthetic.js';
import { defaultVocabulary } from '../../../src/engine/solver/tokenizer.js';
import { createRng } from '../../../src/shared/random.js';
import { checkGradients, type CheckInput } from './onnx/gradcheck.js';

const vocab = defaultVocabulary();
const sizes = { words: vocab.size, labels: vocab.labelRows };

describe('solver model', () => {
  it('has the parameter count it reports, for the CPU default and the GPU preset', () => {
    for (const c of [DEFAULT_MODEL, LARGE_MODEL]) {
      const m = buildInferenceModel(solverModel(c, sizes, 2), solverInputs(c, 2)).manifest;
      expect(m.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0)).toBe(solverParamCount(c, sizes));
    }
    expect(() => solverModel({ ...DEFAULT_MODEL, heads: 5 }, sizes, 2)).toThrow(/divisible/);
  });

  it('has whole-model gradients that match finite differences', async () => {
    const c: SolverModelConfig = { dModel: 8, heads: 2, layers: 1, mlpHidden: 8, maxQuestionTokens: 24, maxDetections: 6 };
    const rng = createRng(3);
    const encoded = [toyDirectionSample(rng), toyCountingSample(rng)].map((s, i) => encodeSample(s, vocab, c, i, { sigmaBins: 1 }));
    const feeds = stackBatch(encoded, [0, 1], c);
    const inputs: Record<string, CheckInput> = {};
    for (const s of solverInputs(c, 2)) inputs[s.name] = { dtype: s.dtype, shape: [...s.shape], values: Array.from(feeds[s.name]!, Number) };
    const report = await checkGradients(inputs, (g, x) => solverModel(c, sizes, 2)(g, x).loss, { maxCoords: 12, seed: 5 });
    expect(report.failures).toEqual([]);
    expect(report.checked).toBeGreaterThan(200);
  });

  it('gives no probability to answers outside the question’s own', async () => {
    const c: SolverModelConfig = { dModel: 8, heads: 2, layers: 1, mlpHidden: 8, maxQuestionTokens: 24, maxDetections: 8 };
    const model = buildInferenceModel(solverModel(c, sizes, 2), solverInputs(c, 2));
    const predictor = await OnnxPredictor.create(model, { intraOpNumThreads: 1 });
    const rng = createRng(4);
    const encoded = [toyDirectionSample(rng), toyCountingSample(rng)].map((s, i) => encodeSample(s, vocab, c, i));
    const out = await predictor.run(stackBatch(encoded, [0, 1], c), initParams(model.manifest.params, 1));
    const logp = out[ANSWER_LOGP] as Float32Array;
    const probs = (row: number): number[] => Array.from(logp.subarray(row * ANSWER_CLASSES, (row + 1) * ANSWER_CLASSES), Math.exp);
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    // Row 0: two options, A and B; row 1: a count.
    expect(sum(probs(0).slice(0, 2))).toBeCloseTo(1, 5);
    const count = ANSWER_RANGES.count;
    expect(sum(probs(1).slice(count.start, count.start + count.count))).toBeCloseTo(1, 5);
    await predictor.dispose();
  });
});
