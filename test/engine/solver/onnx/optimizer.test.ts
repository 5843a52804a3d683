import { describe, expect, it } from 'vitest';
import type { Graph, Tensor } from '../../../../src/engine/solver/onnx/graph.js';
import { buildTrainStepModel, type ModelHeads } from '../../../../src/engine/solver/onnx/model.js';
import { OnnxTrainer } from '../../../../src/engine/solver/onnx/runtime.js';

// loss = Σ w·c + ½ Σ w², so ∂loss/∂w = c + w: the gradient changes as w moves, which a constant would not test.
const quadratic = (g: Graph, inputs: Readonly<Record<string, Tensor>>): ModelHeads => {
  const w = g.param('w', [2], { kind: 'zeros' });
  const c = inputs.c!;
  const loss = g.add(g.reduceSum(g.mul(w, c)), g.mul(g.reduceSum(g.mul(w, w)), g.scalar(0.5)));
  return { outputs: {}, loss, perSampleLogProbs: g.neg(g.mul(w, w)) };
};

interface Hand {
  w: number[];
  m: number[];
  v: number[];
}

/** torch.optim.AdamW's update, in float64. */
function handAdamW(s: Hand, grad: number[], t: number, lr: number, o: { b1: number; b2: number; eps: number; wd: number }): Hand {
  const m = s.m.map((mi, i) => o.b1 * mi + (1 - o.b1) * grad[i]!);
  const v = s.v.map((vi, i) => o.b2 * vi + (1 - o.b2) * grad[i]! ** 2);
  const w = s.w.map((wi, i) => {
    const decayed = wi * (1 - lr * o.wd);
    const mhat = m[i]! / (1 - o.b1 ** t);
    const vhat = v[i]! / (1 - o.b2 ** t);
    return decayed - (lr * mhat) / (Math.sqrt(vhat) + o.eps);
  });
  return { w, m, v };
}

async function compare(clipGradNorm?: number): Promise<void> {
  const o = { b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.1 };
  const model = buildTrainStepModel(quadratic, [{ name: 'c', dtype: 'float32', shape: [2] }], {
    optimizer: { beta1: o.b1, beta2: o.b2, epsilon: o.eps, weightDecay: o.wd, clipGradNorm },
    decay: () => true,
  });
  expect(model.manifest.params[0]!.decay).toBe(true);
  const trainer = await OnnxTrainer.create(model, { seed: 0, intraOpNumThreads: 1 });
  const start = [0.5, -1.5];
  trainer.loadState({ step: 0, params: { w: Float32Array.from(start) }, m: { w: new Float32Array(2) }, v: { w: new Float32Array(2) } });
  const c = [0.3, 2];
  const lrs = [0.1, 0.05, 0.02];
  let hand: Hand = { w: start, m: [0, 0], v: [0, 0] };
  for (let t = 1; t <= 3; t++) {
    let g = hand.w.map((wi, i) => c[i]! + wi);
    const norm = Math.hypot(...g);
    const r = await trainer.train({ c: Float32Array.from(c) }, lrs[t - 1]!);
    expect(r.gradNorms[0]).toBeCloseTo(norm, 5);
    if (clipGradNorm !== undefined) g = g.map((x) => x * Math.min(1, clipGradNorm / (norm + 1e-6)));
    hand = handAdamW(hand, g, t, lrs[t - 1]!, o);
    const s = trainer.state();
    expect(s.step).toBe(t);
    for (const [got, want] of [
      [s.params.w!, hand.w],
      [s.m.w!, hand.m],
      [s.v.w!, hand.v],
    ] as const) {
      want.forEach((x, i) => expect(Math.abs(got[i]! - x)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(x)));
    }
  }
  await trainer.dispose();
}

describe('AdamW as graph ops', () => {
  it('matches a hand-computed update for a 2-element parameter over 3 steps (bias correction, decay, lr input)', async () => {
    await compare();
  });

  it('clips by global gradient norm before the update when asked', async () => {
    await compare(0.5);
  });

  it('leaves parameters of rank < 2 undecayed by default', () => {
    const model = buildTrainStepModel(quadratic, [{ name: 'c', dtype: 'float32', shape: [2] }]);
    expect(model.manifest.params.map((p) => [p.name, p.decay])).toEqual([['w', false]]);
    expect(model.manifest.optimizer).toEqual({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 });
  });
});
