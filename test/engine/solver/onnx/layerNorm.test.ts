/**
 * onnxruntime's CPU LayerNormalization (the float path of layer_norm_impl.cc in 1.29), pinned bit for bit: every
 * result of the solver passes through five of these per step, so this is arithmetic the determinism digests rest
 * on, and it explains the kernel's cost in the train step (5 × ~3 ms for [64, 144, 64] on one thread, ~11% of it,
 * README's solver section). Per row it runs Welford's recurrence — a subtraction, a division by the element's
 * index, an addition and a multiply-add for every element, in order — so one row is a chain of 64 dependent
 * divisions. A decomposition into plain ONNX ops (sums as a product with a column of ones, then element-wise ops)
 * runs faster but rounds differently, which this file also shows; spelled out bit for bit the recurrence would be
 * 64 × 6 nodes per normalisation. If an onnxruntime upgrade changes the kernel, the first test says what changed.
 */
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph, type Tensor } from '../../../../src/engine/solver/onnx/graph.js';
import { IR_VERSION, OPSET } from '../../../../src/engine/solver/onnx/model.js';
import { encodeModel } from '../../../../src/engine/solver/onnx/proto.js';
import { createRng } from '../../../../src/shared/random.js';

const f = Math.fround;
const [ROWS, D] = [2048, 64];
const EPSILON = 1e-5;

/** Rows of very different scales and offsets: where summation order shows in the last bits. */
function makeInputs(): { x: Float32Array; gamma: Float32Array; beta: Float32Array } {
  const rng = createRng(11);
  const x = new Float32Array(ROWS * D);
  for (let r = 0; r < ROWS; r++) {
    const scale = [1, 1e-3, 30, 1e4, 1e-6][r % 5]!;
    const offset = r % 7 === 0 ? 100 * scale : 0;
    for (let h = 0; h < D; h++) x[r * D + h] = (rng.next() * 2 - 1) * scale + offset;
  }
  return { x, gamma: Float32Array.from({ length: D }, () => rng.next() * 2), beta: Float32Array.from({ length: D }, () => rng.next() - 0.5) };
}
const INPUTS = makeInputs();

/** The kernel's arithmetic in single precision: Welford's mean and sum of squared deviations, then the row. */
function welford(x: Float32Array, gamma: Float32Array, beta: Float32Array) {
  const y = new Float32Array(x.length);
  const mean = new Float32Array(ROWS);
  const invStd = new Float32Array(ROWS);
  for (let r = 0; r < ROWS; r++) {
    let m = 0;
    let m2 = 0;
    for (let k = 1; k <= D; k++) {
      const v = x[r * D + k - 1]!;
      const d = f(v - m);
      m = f(m + f(d / k));
      m2 = f(m2 + f(d * f(v - m)));
    }
    const std = f(Math.sqrt(f(f(m2 / D) + f(EPSILON))));
    mean[r] = m;
    invStd[r] = f(1 / std);
    for (let h = 0; h < D; h++) y[r * D + h] = f(f(f(f(x[r * D + h]! - m) / std) * gamma[h]!) + beta[h]!);
  }
  return { y, mean, invStd };
}

async function run(build: (g: Graph, x: Tensor, gamma: Tensor, beta: Tensor) => Tensor[], threads: number) {
  const g = new Graph();
  const x = g.input('x', 'float32', [1, ROWS, D]);
  const gamma = g.input('gamma', 'float32', [D]);
  const beta = g.input('beta', 'float32', [D]);
  const outs = build(g, x, gamma, beta);
  const names = ['y', 'mean', 'inv_std'];
  const bytes = encodeModel({
    irVersion: IR_VERSION,
    opsets: [{ domain: '', version: OPSET }],
    producerName: 'test',
    graph: g.toGraphProto('ln', [x, gamma, beta], outs.map((tensor, i) => ({ name: names[i]!, tensor }))),
  });
  const session = await InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: threads });
  try {
    const { x: xs, gamma: gs, beta: bs } = INPUTS;
    const out = await session.run({ x: new OrtTensor('float32', xs, [1, ROWS, D]), gamma: new OrtTensor('float32', gs, [D]), beta: new OrtTensor('float32', bs, [D]) });
    return names.map((n) => out[n]!.data as Float32Array);
  } finally {
    await session.release();
  }
}

/** The node as the solver emits it (graph.ts › layerNorm), with its Mean and InvStdDev outputs. */
const node = (g: Graph, x: Tensor, gamma: Tensor, beta: Tensor): Tensor[] => [...g.layerNorm(x, gamma, beta, EPSILON).producer!.outputs];

const differing = (a: Float32Array, b: Float32Array): number => a.reduce((n, v, i) => n + (Object.is(v, b[i]) ? 0 : 1), 0);

describe("onnxruntime's LayerNormalization", () => {
  it("is Welford's recurrence in single precision, bit for bit, on one thread and on two", async () => {
    const { x, gamma, beta } = INPUTS;
    const want = welford(x, gamma, beta);
    for (const threads of [1, 2]) {
      const [y, mean, invStd] = await run(node, threads);
      expect(differing(mean!, want.mean), `mean, ${threads} thread(s)`).toBe(0);
      expect(differing(invStd!, want.invStd), `inverse standard deviation, ${threads} thread(s)`).toBe(0);
      expect(differing(y!, want.y), `normalised rows, ${threads} thread(s)`).toBe(0);
    }
  });

  it('differs from a decomposition into sums and element-wise ops (why the solver keeps the node)', async () => {
    const decomposed = (g: Graph, x: Tensor, gamma: Tensor, beta: Tensor): Tensor[] => {
      // A product with a column of ones sums each row in order (MLAS's kernel accumulates along K one by one).
      const ones = g.constant(new Float32Array(D).fill(1), [D, 1]);
      const mean = g.div(g.matMul(x, ones), g.scalar(D));
      const centred = g.sub(x, mean);
      const std = g.sqrt(g.add(g.div(g.matMul(g.mul(centred, centred), ones), g.scalar(D)), g.scalar(EPSILON)));
      return [g.add(g.mul(g.div(centred, std), gamma), beta), mean, g.div(g.scalar(1), std)];
    };
    const [y, mean] = await run(decomposed, 1);
    const { x, gamma, beta } = INPUTS;
    const want = welford(x, gamma, beta);
    // In-order sums: the mean matches a plain running sum exactly, and therefore not Welford's in most rows.
    const runningSum = Float32Array.from({ length: ROWS }, (_, r) => {
      let s = 0;
      for (let h = 0; h < D; h++) s = f(s + x[r * D + h]!);
      return f(s / D);
    });
    expect(differing(mean!, runningSum)).toBe(0);
    expect(differing(mean!, want.mean)).toBeGreaterThan(ROWS / 2);
    expect(differing(y!, want.y)).toBeGreaterThan(0);
  });
});
