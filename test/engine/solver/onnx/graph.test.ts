import { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph, attr } from '../../../../src/engine/solver/onnx/graph.js';
import { ProtoWriter } from '../../../../src/engine/solver/onnx/proto.js';
import { broadcastAxes, broadcastShapes, resolveReshape } from '../../../../src/engine/solver/onnx/shape.js';
import { ortTensor, sessionOf } from './gradcheck.js';

describe('ProtoWriter', () => {
  const bytes = (write: (w: ProtoWriter) => void): number[] => {
    const w = new ProtoWriter();
    write(w);
    return Array.from(w.finish());
  };

  it('writes varints, including int64 negatives as ten bytes', () => {
    expect(bytes((w) => w.varint(0))).toEqual([0]);
    expect(bytes((w) => w.varint(127))).toEqual([0x7f]);
    expect(bytes((w) => w.varint(300))).toEqual([0xac, 0x02]);
    expect(bytes((w) => w.varint(2 ** 35))).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect(bytes((w) => w.varint(-1))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(bytes((w) => w.varint(-2n))).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(() => bytes((w) => w.varint(1.5))).toThrow(RangeError);
  });

  it('writes tagged fields: varint, fixed32 float, strings, nested and packed', () => {
    expect(bytes((w) => w.int(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes((w) => w.float(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    expect(bytes((w) => w.string(2, 'ab'))).toEqual([0x12, 0x02, 0x61, 0x62]);
    expect(bytes((w) => w.message(3, (m) => m.int(1, 150)))).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
    expect(bytes((w) => w.packedInts(4, [3, 270, 86942]))).toEqual([0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
    expect(bytes((w) => w.packedInts(4, []))).toEqual([]);
  });
});

describe('shape helpers', () => {
  it('broadcasts like numpy and names both shapes on failure', () => {
    expect(broadcastShapes([2, 1, 4], [3, 1], [])).toEqual([2, 3, 4]);
    expect(() => broadcastShapes([2, 3], [4])).toThrow('[2, 3] and [4]');
    expect(broadcastAxes([2, 3, 4], [3, 1])).toEqual([0, 2]);
    expect(resolveReshape([2, 6], [3, -1])).toEqual([3, 4]);
    expect(() => resolveReshape([2, 6], [5, -1])).toThrow(/cannot reshape/);
  });
});

describe('Graph', () => {
  it('infers shapes and names nodes by scope, uniquifying repeats', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2, 3, 4]);
    const [a, b] = g.scope('block0', () =>
      g.scope('attn', () => g.scope('q_proj', () => [g.matMul(x, g.param('weight', [4, 5], { kind: 'zeros' })), g.matMul(x, g.constant(new Float32Array(20), [4, 5]))])),
    );
    expect(a!.shape).toEqual([2, 3, 5]);
    expect(a!.producer!.name).toBe('block0/attn/q_proj/MatMul');
    expect(b!.producer!.name).toBe('block0/attn/q_proj/MatMul_1');
    expect(g.params[0]!.name).toBe('block0/attn/q_proj/weight');
    expect(g.matMul(g.input('p', 'float32', [1, 3, 4]), g.input('q', 'float32', [2, 4, 6])).shape).toEqual([2, 3, 6]);
    expect(g.reshape(x, [-1, 4]).shape).toEqual([6, 4]);
    expect(g.transpose(x, [2, 0, 1]).shape).toEqual([4, 2, 3]);
    expect(g.slice(x, [1, -2], [99, -1], [1, 2]).shape).toEqual([2, 2, 1]);
    expect(g.concat([x, x], -1).shape).toEqual([2, 3, 8]);
    expect(g.unsqueeze(x, [0, -1]).shape).toEqual([1, 2, 3, 4, 1]);
    expect(g.squeeze(g.unsqueeze(x, [1]), [1]).shape).toEqual([2, 3, 4]);
    expect(g.reduceSum(x, [1], true).shape).toEqual([2, 1, 4]);
    expect(g.reduceMax(x, [0, 2]).shape).toEqual([3]);
    expect(g.reduceMean(x).shape).toEqual([]);
    expect(g.gather(g.param('emb', [10, 4], { kind: 'zeros' }), g.input('ids', 'int64', [2, 3])).shape).toEqual([2, 3, 4]);
    expect(g.equal(x, g.scalar(0)).dtype).toBe('bool');
    expect(g.expand(g.scalar(1), [2, 2]).shape).toEqual([2, 2]);
  });

  it('reports shape and dtype errors at build time, naming the node', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2, 3]);
    expect(() => g.scope('mlp', () => g.matMul(x, g.input('w', 'float32', [4, 5])))).toThrow(/mlp\/MatMul: inner dimensions differ/);
    expect(() => g.add(x, g.input('y', 'float32', [4]))).toThrow(/Add: shapes \[2, 3\] and \[4\] do not broadcast/);
    expect(() => g.add(x, g.input('i', 'int64', [2, 3]))).toThrow(/dtype mismatch/);
    expect(() => g.squeeze(x, [0])).toThrow(/is not 1/);
    expect(() => g.input('x', 'float32', [1])).toThrow(/already used/);
    g.param('p', [1], { kind: 'zeros' });
    expect(() => g.param('p', [1], { kind: 'zeros' })).toThrow(/declared twice/);
  });

  it('stores each small constant once', () => {
    const g = new Graph();
    expect(g.scalar(0.5)).toBe(g.scalar(0.5));
    expect(g.ints([1, 2])).toBe(g.ints([1, 2]));
    expect(g.scalar(1, 'int64')).not.toBe(g.scalar(1));
  });

  it('exports only what the outputs need and refuses unlisted inputs', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [3]);
    const unused = g.input('unused', 'float32', [3]);
    g.exp(unused);
    const y = g.scope('head', () => g.mul(g.relu(x), g.scalar(2)));
    const proto = g.toGraphProto('m', [x], [{ name: 'y', tensor: y }, { name: 'x_again', tensor: x }]);
    expect(proto.nodes.map((n) => n.opType)).toEqual(['Relu', 'Mul', 'Identity']);
    // The computed output is renamed rather than copied; the input needs an Identity.
    expect(proto.nodes[1]!.outputs).toEqual(['y']);
    expect(proto.nodes[2]!.inputs).toEqual(['x']);
    expect(proto.nodes[1]!.name).toBe('head/Mul');
    expect(() => g.toGraphProto('m', [], [{ name: 'y', tensor: y }])).toThrow(/x: float32\[3\] is needed/);

    const session: InferenceSession = await sessionOf(g, [x], [{ name: 'y', tensor: y }]);
    const out = await session.run({ x: ortTensor('float32', Float32Array.of(-1, 0.5, 2), [3]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([0, 1, 4]);
    await session.release();
  });

  it('builds Loop bodies that read outer values by name, which export never renames', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2]);
    const y = g.exp(x);
    const body = new Graph({ namePrefix: 'body/' });
    const iter = body.input('iter', 'int64', []);
    const cond = body.input('cond', 'bool', []);
    const acc = body.input('acc', 'float32', [2]);
    const next = body.add(acc, body.mul(body.outer(y), body.cast(iter, 'float32')));
    const proto = body.toGraphProto('body', [iter, cond, acc], [
      { name: 'body/cond_out', tensor: body.identity(cond) },
      { name: 'body/acc_out', tensor: next },
    ], true);
    expect(() => body.toGraphProto('body', [iter, cond, acc], [{ name: 'o', tensor: next }])).toThrow(/outer reference/);
    const [total] = g.node('Loop', [g.scalar(4, 'int64'), g.constant([1], [], 'bool'), g.zeros([2])], [{ dtype: 'float32', shape: [2] }], {
      attrs: { body: attr.graph(proto) },
    });
    // y is both read by the body and a graph output: it must keep its name, so it goes out through an Identity.
    const session = await sessionOf(g, [x], [{ name: 'total', tensor: total! }, { name: 'y', tensor: y }]);
    const out = await session.run({ x: ortTensor('float32', Float32Array.of(0, 1), [2]) });
    const t = out.total!.data as Float32Array;
    expect(t[0]).toBeCloseTo(6, 5); // (0 + 1 + 2 + 3) · e^0
    expect(t[1]).toBeCloseTo(6 * Math.E, 4);
    expect((out.y!.data as Float32Array)[1]).toBeCloseTo(Math.E, 5);
    await session.release();
  });
});
