/**
 * Inference lanes (predictorPool.ts) must give the in-process predictor's bits whichever lane runs a batch, and
 * fail with a message that says which worker and why.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildInferenceModel } from '../../../../src/engine/solver/onnx/model.js';
import { PredictorPool } from '../../../../src/engine/solver/onnx/predictorPool.js';
import { OnnxPredictor, type Batch, type Feed } from '../../../../src/engine/solver/onnx/runtime.js';
import { solverInputs, solverModel } from '../../../../src/engine/solver/model.js';
import type { SolverSample } from '../../../../src/engine/solver/features.js';
import { Solver } from '../../../../src/engine/solver/solver.js';
import { toyCountingSample, toyDirectionSample } from '../../../../src/engine/solver/synthetic.js';
import { createRng } from '../../../../src/shared/random.js';
import { tiny } from '../tinySolver.js';

const quiet = { threads: 1, log: () => undefined };
const open: { dispose(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of open) await s.dispose();
});

function samples(n: number, seed: number): SolverSample[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => (i % 2 === 0 ? toyDirectionSample(rng) : toyCountingSample(rng)));
}

async function solver(inferenceWorkers: number, checkpoint?: Uint8Array): Promise<Solver> {
  const s = checkpoint ? await Solver.fromCheckpoint(checkpoint, { ...quiet, inferenceWorkers }) : await Solver.create(tiny, 4, { ...quiet, inferenceWorkers });
  open.push(s);
  return s;
}

const bits = (a: ArrayLike<number>): string => Buffer.from(Float32Array.from(a).buffer).toString('hex');

describe('PredictorPool', () => {
  it('answers, scores and predicts with one or three lanes exactly as the calling thread does, a remainder batch included', async () => {
    // 8 per batch (tiny): 5 batches, the last with 3 real samples.
    const data = samples(35, 2);
    const trained = await solver(0);
    await trained.train(data, { steps: 3, batch: 8, lr: 2e-3 });
    const bytes = trained.checkpoint();
    const one = await solver(0, bytes); // the calling thread
    const three = await solver(3, bytes);
    expect(bits(await (await solver(1, bytes)).score(data))).toBe(bits(await one.score(data)));
    const [a, b] = [await one.answer(data), await three.answer(data)];
    expect(b).toHaveLength(data.length);
    expect(b.map((x) => x.prediction)).toEqual(a.map((x) => x.prediction));
    expect(bits(b.map((x) => x.groundTruthConfidence))).toBe(bits(a.map((x) => x.groundTruthConfidence)));
    expect(bits(b.flatMap((x) => x.answerTokenProbs))).toBe(bits(a.flatMap((x) => x.answerTokenProbs)));
    expect(bits(await three.score(data))).toBe(bits(await one.score(data)));
    const unanswered = data.map((s) => ({ ...s, qa: { ...s.qa, answer: undefined } }));
    expect(bits((await three.predict(unanswered)).map((p) => p.predictionConfidence))).toBe(bits((await one.predict(unanswered)).map((p) => p.predictionConfidence)));
    // The lanes read the parameters of the moment: after more training they answer as the trained solver does.
    await three.train(data, { steps: 2, batch: 8, lr: 2e-3 });
    await one.train(data, { steps: 2, batch: 8, lr: 2e-3 });
    expect(bits(await three.score(data))).toBe(bits(await one.score(data)));
  }, 60_000);

  it('names the input a batch gets wrong, and keeps serving', async () => {
    const config = tiny.model as Parameters<typeof solverInputs>[0];
    const s = await solver(0);
    const model = buildInferenceModel(solverModel({ ...s.config.model, ...config }, { words: s.vocabulary.size, labels: s.vocabulary.labelRows }, 8), solverInputs(s.config.model, 8), { withLoss: true });
    const pool = await PredictorPool.create(model, { intraOpNumThreads: 1 }, 2);
    open.push(pool);
    const single = await OnnxPredictor.create(model, { intraOpNumThreads: 1 });
    open.push(single);
    const params = new Map(model.manifest.params.map((p) => [p.name, Float32Array.from({ length: p.shape.reduce((x, y) => x * y, 1) }, (_, i) => Math.sin(i) / 10)]));
    const good: Batch = Object.fromEntries(
      model.manifest.inputs.map((spec) => {
        const n = spec.shape.reduce((x, y) => x * y, 1);
        const data: Feed = spec.dtype === 'float32' ? new Float32Array(n) : spec.dtype === 'int64' ? new BigInt64Array(n) : spec.dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n).fill(1);
        return [spec.name, data];
      }),
    );
    const first = model.manifest.inputs[0]!;
    const bad: Batch = { ...good, [first.name]: new Float64Array(3) as unknown as Feed };
    await expect(pool.runAll(2, (i) => (i === 1 ? bad : good), params, () => undefined)).rejects.toThrow(`input "${first.name}"`);
    const expected = await single.run(good, params);
    const outputs: Record<string, Feed>[] = [];
    await pool.runAll(7, () => good, params, (i, out) => (outputs[i] = out));
    expect(Object.keys(outputs)).toHaveLength(7);
    for (const out of outputs) for (const o of model.manifest.outputs) expect(bits(out[o.name] as Float32Array)).toBe(bits(expected[o.name] as Float32Array));
    await pool.dispose();
    await expect(pool.runAll(1, () => good, params, () => undefined)).rejects.toThrow(/inference worker 0 was disposed/);
  }, 60_000);

  it('refuses a model onnxruntime cannot load, with its reason, and leaves no worker behind', async () => {
    const model = { bytes: new Uint8Array([1, 2, 3, 4]), manifest: { kind: 'inference' as const, inputs: [], params: [], outputs: [] } };
    await expect(PredictorPool.create(model, {}, 2)).rejects.toThrow(/^inference worker \d: .+/);
    await expect(PredictorPool.create(model, {}, 0)).rejects.toThrow('positive whole number of workers, got 0');
  });
});
