/**
 * Every session the engine makes flushes denormals to zero (runtime.ts › sessionExtra): the attention softmax's
 * masked keys otherwise come out as denormals, which cost Intel cores a microcode assist each. The setting is the
 * process's once a session has it — the calling thread keeps it and threads created later inherit it — so this
 * file's first session is one of ours, and the lanes (worker threads) are checked as well as the calling thread.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildInferenceModel, type ModelDefinition } from '../../../../src/engine/solver/onnx/model.js';
import { PredictorPool } from '../../../../src/engine/solver/onnx/predictorPool.js';
import { OnnxPredictor, type Feed } from '../../../../src/engine/solver/onnx/runtime.js';

// 2^-140 and 2^-127: denormal in float32, as are their products with 1.5; 1.5 × 2^-126 is the smallest normal's.
const DENORMAL = 2 ** -140;
const x = Float32Array.of(DENORMAL, 2 ** -127, 2 ** -126, 1);
const params = new Map([['w', Float32Array.of(1.5, 1.5, 1.5, 1.5)]]);

const scale: ModelDefinition = (g, inputs) => {
  const y = g.mul(inputs.x!, g.param('w', [4], { kind: 'ones' }));
  return { outputs: { y }, loss: g.reduceSum(y), perSampleLogProbs: y };
};
const model = buildInferenceModel(scale, [{ name: 'x', dtype: 'float32', shape: [4] }]);

const open: { dispose(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of open) await o.dispose();
});

const flushed = [0, 0, 1.5 * 2 ** -126, 1.5];

describe('denormals', () => {
  it('are zero in and out of every session, on the calling thread and on one or two intra-op threads', async () => {
    for (const intraOpNumThreads of [1, 2]) {
      const p = await OnnxPredictor.create(model, { intraOpNumThreads });
      open.push(p);
      expect(Array.from((await p.run({ x }, params)).y as Float32Array)).toEqual(flushed);
    }
  });

  it('are zero in the inference lanes, worker threads made after the first session', async () => {
    const pool = await PredictorPool.create(model, { intraOpNumThreads: 1 }, 2);
    open.push(pool);
    const outputs: Record<number, Feed> = {};
    await pool.runAll(4, () => ({ x }), params, (i, o) => (outputs[i] = o.y!));
    for (let i = 0; i < 4; i++) expect(Array.from(outputs[i] as Float32Array)).toEqual(flushed);
  });

  it('are zero in this thread\'s JavaScript arithmetic too, once a session has set the mode', () => {
    // Not something the engine relies on: a consequence worth knowing (CONTEXT.md), pinned so a change of
    // onnxruntime's behaviour shows up here rather than as a puzzle elsewhere.
    const tiny = (a: number, b: number): number => a * b;
    expect(tiny(Number.MIN_VALUE, 1)).toBe(0);
  });
});
