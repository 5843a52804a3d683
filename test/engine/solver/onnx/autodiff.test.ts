import { describe, expect, it } from 'vitest';
import { grad } from '../../../../src/engine/solver/onnx/autodiff.js';
import { Graph, type Tensor } from '../../../../src/engine/solver/onnx/graph.js';
import { crossEntropy, maskedMean, multiHeadAttention, transformerBlock } from '../../../../src/engine/solver/onnx/layers.js';
import { type CheckInput, checkGradients, draws, ortTensor, sessionOf } from './gradcheck.js';

type Case = [string, Record<string, CheckInput>, (g: Graph, x: Record<string, Tensor>) => Tensor];

const f = (...shape: number[]): CheckInput => ({ shape });
const pos = (...shape: number[]): CheckInput => ({ shape, draw: draws.positive });
const i64 = (shape: number[], values: number[]): CheckInput => ({ dtype: 'int64', shape, values });
const bool = (shape: number[], values: number[]): CheckInput => ({ dtype: 'bool', shape, values });
// Distinct values 0.1 apart, so a ±eps perturbation never changes which element is the maximum.
const spaced = (...shape: number[]): CheckInput => {
  const n = shape.reduce((x, y) => x * y, 1);
  let k = 0;
  return { shape, draw: () => ((k++ * 7) % n) * 0.1 - 0.5 };
};

const cases: Case[] = [
  ['Add (broadcast)', { a: f(2, 3, 4), b: f(3, 1) }, (g, x) => g.add(x.a!, x.b!)],
  ['Sub (broadcast)', { a: f(3, 1), b: f(2, 3, 4) }, (g, x) => g.sub(x.a!, x.b!)],
  ['Mul (broadcast)', { a: f(2, 3, 4), b: f(4) }, (g, x) => g.mul(x.a!, x.b!)],
  ['Div (broadcast)', { a: f(2, 1, 4), b: pos(3, 1) }, (g, x) => g.div(x.a!, x.b!)],
  ['Mul of a tensor by itself', { a: f(3, 2) }, (g, x) => g.mul(x.a!, x.a!)],
  ['Neg', { a: f(2, 3) }, (g, x) => g.neg(x.a!)],
  ['Exp', { a: f(2, 3) }, (g, x) => g.exp(x.a!)],
  ['Log', { a: pos(2, 3) }, (g, x) => g.log(x.a!)],
  ['Sqrt', { a: pos(2, 3) }, (g, x) => g.sqrt(x.a!)],
  ['Relu', { a: { shape: [3, 4], draw: draws.awayFromZero } }, (g, x) => g.relu(x.a!)],
  ['Tanh', { a: f(2, 3) }, (g, x) => g.tanh(x.a!)],
  ['Sigmoid', { a: f(2, 3) }, (g, x) => g.sigmoid(x.a!)],
  ['Erf', { a: f(2, 3) }, (g, x) => g.erf(x.a!)],
  ['Gelu (erf)', { a: f(2, 5) }, (g, x) => g.gelu(x.a!)],
  ['Pow (base)', { a: pos(2, 3) }, (g, x) => g.pow(x.a!, g.scalar(2.5))],
  ['Identity', { a: f(2, 3) }, (g, x) => g.identity(x.a!)],
  ['Sum (broadcast)', { a: f(2, 3), b: f(3), c: f(2, 1) }, (g, x) => g.sum([x.a!, x.b!, x.c!])],
  ['MatMul 2-D', { a: f(2, 3), b: f(3, 4) }, (g, x) => g.matMul(x.a!, x.b!)],
  ['MatMul batched', { a: f(2, 3, 4), b: f(2, 4, 2) }, (g, x) => g.matMul(x.a!, x.b!)],
  ['MatMul batch broadcast', { a: f(1, 3, 4), b: f(2, 4, 2) }, (g, x) => g.matMul(x.a!, x.b!)],
  ['MatMul linear over batch axes', { a: f(2, 3, 4), b: f(4, 5) }, (g, x) => g.matMul(x.a!, x.b!)],
  ['MatMul rank 4', { a: f(2, 2, 3, 4), b: f(2, 2, 4, 3) }, (g, x) => g.matMul(x.a!, x.b!)],
  ['Gather (embedding, repeated ids)', { w: f(5, 3), ids: i64([2, 3], [0, 4, 4, 2, 0, 0]) }, (g, x) => g.gather(x.w!, x.ids!)],
  // 300 ids under a 64-wide row: the gradient is cut into one K block of 256 (kBlocks.ts) and a remainder of 44.
  ['Gather (gradient in K blocks, with a remainder)', { w: f(3, 64), ids: i64([300], Array.from({ length: 300 }, (_, i) => (i * 7) % 3)) }, (g, x) => g.gather(x.w!, x.ids!)],
  ['GatherElements', { a: f(3, 4), idx: i64([3, 2], [0, 3, 1, 1, 2, 0]) }, (g, x) => g.gatherElements(x.a!, x.idx!, 1)],
  ['LayerNormalization', { x: f(2, 3, 4), gamma: f(4), beta: f(4) }, (g, x) => g.layerNorm(x.x!, x.gamma!, x.beta!)],
  ['LayerNormalization without bias', { x: f(3, 5), gamma: f(5) }, (g, x) => g.layerNorm(x.x!, x.gamma!, undefined)],
  ['Softmax (last axis)', { a: f(2, 3, 4) }, (g, x) => g.softmax(x.a!, -1)],
  ['Softmax (middle axis)', { a: f(2, 3, 4) }, (g, x) => g.softmax(x.a!, 1)],
  ['LogSoftmax', { a: f(2, 5) }, (g, x) => g.logSoftmax(x.a!, -1)],
  ['LogSoftmax (axis 0)', { a: f(3, 2) }, (g, x) => g.logSoftmax(x.a!, 0)],
  ['Reshape', { a: f(2, 6) }, (g, x) => g.mul(g.reshape(x.a!, [3, -1]), g.reshape(x.a!, [3, 4]))],
  ['Transpose', { a: f(2, 3, 4) }, (g, x) => g.transpose(x.a!, [2, 0, 1])],
  ['Concat', { a: f(2, 3), b: f(2, 1), c: f(2, 2) }, (g, x) => g.concat([x.a!, x.b!, x.c!], 1)],
  ['Slice', { a: f(3, 5) }, (g, x) => g.slice(x.a!, [1, -4], [3, 4])],
  ['Unsqueeze/Squeeze', { a: f(2, 3) }, (g, x) => g.squeeze(g.mul(g.unsqueeze(x.a!, [0, 2]), g.scalar(3)), [2])],
  ['Expand', { a: f(3, 1) }, (g, x) => g.expand(x.a!, [2, 3, 4])],
  ['Pad', { a: f(2, 3) }, (g, x) => g.pad(x.a!, [1, 0, 0, 2])],
  ['ReduceSum (axes, keepdims)', { a: f(2, 3, 4) }, (g, x) => g.reduceSum(x.a!, [0, 2], true)],
  ['ReduceSum (all)', { a: f(2, 3) }, (g, x) => g.reduceSum(x.a!)],
  ['ReduceMean', { a: f(2, 3, 4) }, (g, x) => g.reduceMean(x.a!, [1])],
  ['ReduceMax', { a: spaced(3, 4) }, (g, x) => g.reduceMax(x.a!, [1])],
  ['ReduceMax (keepdims, axis 0)', { a: spaced(3, 4) }, (g, x) => g.reduceMax(x.a!, [0], true)],
  [
    'Where (bool input)',
    { c: bool([2, 3], [1, 0, 1, 0, 0, 1]), a: f(2, 3), b: f(3) },
    (g, x) => g.where(x.c!, x.a!, x.b!),
  ],
  [
    'Where with a mask computed from a parameter (non-differentiable path)',
    { a: { shape: [2, 3], draw: draws.awayFromZero } },
    (g, x) => g.where(g.greater(x.a!, g.scalar(0)), g.mul(x.a!, x.a!), g.neg(x.a!)),
  ],
  ['Cast float→float, Equal/Less on indices', { a: f(4), ids: i64([4], [0, 1, 2, 1]) }, (g, x) =>
    g.mul(g.cast(x.a!, 'float32'), g.cast(g.or(g.equal(x.ids!, g.scalar(1, 'int64')), g.less(x.ids!, g.scalar(1, 'int64'))), 'float32')),
  ],
  [
    'Cross-entropy (log-probs and loss)',
    { logits: f(3, 5), t: i64([3], [4, 0, 2]) },
    (g, x) => {
      const ce = crossEntropy(g, x.logits!, x.t!);
      return g.add(g.mul(ce.logProbs, g.scalar(0.3)), ce.loss);
    },
  ],
  [
    'Cross-entropy with a mask',
    { logits: f(2, 3, 4), t: i64([2, 3], [1, 3, 0, 2, 2, 1]), m: bool([2, 3], [1, 1, 0, 1, 0, 0]) },
    (g, x) => crossEntropy(g, x.logits!, x.t!, x.m!).loss,
  ],
  ['Masked mean', { a: f(2, 3), m: bool([2, 3], [1, 0, 1, 1, 0, 0]) }, (g, x) => maskedMean(g, x.a!, x.m!)],
  [
    'Multi-head attention with a key-padding mask',
    { x: f(2, 3, 4), mask: bool([2, 3], [1, 1, 0, 1, 1, 1]) },
    (g, x) => multiHeadAttention(g, x.x!, 'attn', { heads: 2, keyMask: x.mask! }),
  ],
];

describe('autodiff gradients match central finite differences', () => {
  for (const [name, inputs, fn] of cases) {
    it(name, async () => {
      const report = await checkGradients(inputs, fn);
      expect(report.failures).toEqual([]);
      expect(report.checked).toBeGreaterThan(0);
    });
  }

  it('gives attention and transformer-block parameters correct gradients', async () => {
    // The attention case above differentiates the input; this one the projections created inside the blocks.
    const report = await checkGradients({ x: { shape: [2, 3, 4], values: Array.from({ length: 24 }, (_, i) => Math.sin(i)) }, mask: bool([2, 3], [1, 1, 1, 1, 0, 1]) }, (g, x) =>
      transformerBlock(g, x.x!, 'block0', { heads: 2, mlpHidden: 6, keyMask: x.mask! }),
    );
    expect(report.failures).toEqual([]);
    expect(report.checked).toBeGreaterThan(150);
  });
});

describe('grad', () => {
  it('gives a zero gradient to a parameter the loss does not reach, and none to index inputs', async () => {
    const g = new Graph();
    const w = g.param('w', [3], { kind: 'zeros' });
    const unused = g.param('unused', [2, 2], { kind: 'zeros' });
    const ids = g.input('ids', 'int64', [2]);
    const loss = g.reduceSum(g.gather(g.mul(w, w), ids));
    const grads = grad(g, loss, [w, unused]);
    const session = await sessionOf(g, [w, unused, ids], [
      { name: 'dw', tensor: grads.get(w)! },
      { name: 'dunused', tensor: grads.get(unused)! },
    ]);
    const out = await session.run({
      w: ortTensor('float32', Float32Array.of(1, 2, 3), [3]),
      unused: ortTensor('float32', new Float32Array(4).fill(5), [2, 2]),
      ids: ortTensor('int64', BigInt64Array.of(2n, 2n), [2]),
    });
    expect(Array.from(out.dw!.data as Float32Array)).toEqual([0, 0, 12]);
    expect(Array.from(out.dunused!.data as Float32Array)).toEqual([0, 0, 0, 0]);
    await session.release();
  });

  it('names gradient nodes after the forward node they differentiate', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2, 3]);
    const w = g.scope('block0', () => g.scope('q_proj', () => g.param('weight', [3, 3], { kind: 'zeros' })));
    const y = g.scope('block0', () => g.scope('q_proj', () => g.matMul(x, w)));
    grad(g, g.reduceSum(y), [w]);
    const names = g.nodes.map((n) => n.name);
    expect(names).toContain('block0/q_proj/MatMul');
    expect(names.some((n) => n.startsWith('grad/block0/q_proj/MatMul/'))).toBe(true);
  });

  it('refuses a non-scalar loss and an op without a rule', () => {
    const g = new Graph();
    const w = g.param('w', [3], { kind: 'zeros' });
    expect(() => grad(g, g.mul(w, w), [w])).toThrow(/scalar/);
    const m = g.reduceSum(g.min([w, g.scalar(0)]));
    expect(() => grad(g, m, [w])).toThrow(/no gradient rule for Min/);
  });
});
