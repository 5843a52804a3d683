/**
 * Reverse-mode automatic differentiation over a Graph. Gradient (vector–Jacobian product) ops are emitted into
 * the same graph, under `grad/<forward node name>/…`, so the train-step model is one ONNX graph that
 * onnxruntime runs like any other. Only nodes on a path from a parameter to the loss get gradient ops; index
 * and mask inputs (integer or bool) are never differentiated.
 */
import { type Graph, type Node, type Tensor } from './graph.js';
import { threadSafeKBlock } from './kBlocks.js';
import { broadcastAxes, sameShape, type Shape } from './shape.js';

/**
 * A gradient rule: given the node and the gradients of its outputs (undefined where an output does not reach
 * the loss), the gradients of the inputs flagged in `needs` (undefined elsewhere).
 */
export type GradRule = (g: Graph, node: Node, dOut: readonly (Tensor | undefined)[], needs: readonly boolean[]) => (Tensor | undefined)[];

/** Sums `d` (shaped like a broadcast result) back to `shape`, the shape of the operand that was broadcast. */
export function unbroadcast(g: Graph, d: Tensor, shape: Shape): Tensor {
  if (sameShape(d.shape, shape)) return d;
  const axes = broadcastAxes(d.shape, shape);
  const summed = axes.length > 0 ? g.reduceSum(d, axes, true) : d;
  return g.reshape(summed, shape);
}

const input = (node: Node, i: number): Tensor => {
  const t = node.inputs[i];
  if (!t) throw new Error(`${node.name}: input ${i} is missing`);
  return t;
};
const output = (node: Node, i = 0): Tensor => node.outputs[i]!;
const intAttr = (node: Node, name: string): number => {
  const a = node.attrs[name];
  if (!a || a.type !== 'int') throw new Error(`${node.name}: int attribute "${name}" is missing`);
  return a.value;
};
const intsAttr = (node: Node, name: string): readonly number[] => {
  const a = node.attrs[name];
  if (!a || a.type !== 'ints') throw new Error(`${node.name}: ints attribute "${name}" is missing`);
  return a.value;
};
/** Rules for single-output ops whose gradient is `dy` pushed through elementwise/shape logic. */
const dy0 = (dOut: readonly (Tensor | undefined)[]): Tensor => dOut[0]!;

/** The input shape with reduced axes kept as 1: the shape a reduction's gradient is expanded from. */
function keptShape(node: Node): number[] {
  const x = input(node, 0);
  const axes = node.meta.axes ?? [];
  return x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

export const gradRules: Record<string, GradRule> = {
  Identity: (_g, _n, d) => [dy0(d)],
  Add: (g, n, d) => [unbroadcast(g, dy0(d), input(n, 0).shape), unbroadcast(g, dy0(d), input(n, 1).shape)],
  Sub: (g, n, d, needs) => [
    needs[0] ? unbroadcast(g, dy0(d), input(n, 0).shape) : undefined,
    needs[1] ? unbroadcast(g, g.neg(dy0(d)), input(n, 1).shape) : undefined,
  ],
  Mul: (g, n, d, needs) => [
    needs[0] ? unbroadcast(g, g.mul(dy0(d), input(n, 1)), input(n, 0).shape) : undefined,
    needs[1] ? unbroadcast(g, g.mul(dy0(d), input(n, 0)), input(n, 1).shape) : undefined,
  ],
  Div: (g, n, d, needs) => {
    const b = input(n, 1);
    return [
      needs[0] ? unbroadcast(g, g.div(dy0(d), b), input(n, 0).shape) : undefined,
      // d(a/b)/db = -a/b² = -y/b, reusing the forward output.
      needs[1] ? unbroadcast(g, g.neg(g.div(g.mul(dy0(d), output(n)), b)), b.shape) : undefined,
    ];
  },
  Pow: (g, n, d, needs) => {
    if (needs[1]) throw new Error(`${n.name}: gradient with respect to an exponent is not supported`);
    const [a, b] = [input(n, 0), input(n, 1)];
    const da = g.mul(g.mul(dy0(d), b), g.pow(a, g.sub(b, g.scalar(1))));
    return [unbroadcast(g, da, a.shape), undefined];
  },
  Sum: (g, n, d, needs) => n.inputs.map((x, i) => (needs[i] && x ? unbroadcast(g, dy0(d), x.shape) : undefined)),
  Neg: (g, _n, d) => [g.neg(dy0(d))],
  Exp: (g, n, d) => [g.mul(dy0(d), output(n))],
  Log: (g, n, d) => [g.div(dy0(d), input(n, 0))],
  Sqrt: (g, n, d) => [g.div(g.mul(dy0(d), g.scalar(0.5)), output(n))],
  Relu: (g, n, d) => [g.where(g.greater(input(n, 0), g.scalar(0)), dy0(d), g.scalar(0))],
  Tanh: (g, n, d) => {
    const y = output(n);
    return [g.mul(dy0(d), g.sub(g.scalar(1), g.mul(y, y)))];
  },
  Sigmoid: (g, n, d) => {
    const y = output(n);
    return [g.mul(dy0(d), g.mul(y, g.sub(g.scalar(1), y)))];
  },
  Erf: (g, n, d) => {
    const x = input(n, 0);
    return [g.mul(dy0(d), g.mul(g.exp(g.neg(g.mul(x, x))), g.scalar(2 / Math.sqrt(Math.PI))))];
  },
  Where: (g, n, d, needs) => {
    const [c, a, b] = [input(n, 0), input(n, 1), input(n, 2)];
    const zero = g.scalar(0);
    return [
      undefined,
      needs[1] ? unbroadcast(g, g.where(c, dy0(d), zero), a.shape) : undefined,
      needs[2] ? unbroadcast(g, g.where(c, zero, dy0(d)), b.shape) : undefined,
    ];
  },
  // Only float→float casts are on a gradient path: a cast to int or bool yields a value needing no gradient.
  Cast: (_g, _n, d) => [dy0(d)],
  MatMul: (g, n, d, needs) => {
    const [a, b] = [input(n, 0), input(n, 1)];
    const dy = dy0(d);
    const swapLast = (t: Tensor): Tensor => g.transpose(t, [...t.shape.map((_, i) => i).slice(0, -2), t.rank - 1, t.rank - 2]);
    let da: Tensor | undefined;
    let db: Tensor | undefined;
    if (needs[0]) da = unbroadcast(g, g.matMul(dy, swapLast(b)), a.shape);
    if (needs[1]) {
      if (b.rank === 2 && a.rank > 2) {
        // A linear layer applied over batch axes: fold them into the rows so the weight gradient is one GEMM
        // instead of a batched product followed by a sum.
        const k = a.shape[a.rank - 1]!;
        const m = dy.shape[dy.rank - 1]!;
        db = g.matMul(g.transpose(g.reshape(a, [-1, k]), [1, 0]), g.reshape(dy, [-1, m]));
      } else {
        db = unbroadcast(g, g.matMul(swapLast(a), dy), b.shape);
      }
    }
    return [da, db];
  },
  Reshape: (g, n, d) => [g.reshape(dy0(d), input(n, 0).shape), undefined],
  Unsqueeze: (g, n, d) => [g.reshape(dy0(d), input(n, 0).shape), undefined],
  Squeeze: (g, n, d) => [g.reshape(dy0(d), input(n, 0).shape), undefined],
  Transpose: (g, n, d) => {
    const perm = intsAttr(n, 'perm');
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [g.transpose(dy0(d), inverse)];
  },
  Concat: (g, n, d, needs) => {
    const axis = intAttr(n, 'axis');
    let offset = 0;
    return n.inputs.map((x, i) => {
      const len = x!.shape[axis]!;
      const part = needs[i] ? g.slice(dy0(d), [offset], [offset + len], [axis]) : undefined;
      offset += len;
      return part;
    });
  },
  Slice: (g, n, d) => {
    const x = input(n, 0);
    const { axes = [], starts = [], ends = [] } = n.meta;
    const pads = new Array<number>(2 * x.rank).fill(0);
    axes.forEach((a, i) => {
      pads[a] = starts[i]!;
      pads[a + x.rank] = x.shape[a]! - ends[i]!;
    });
    return [g.pad(dy0(d), pads)];
  },
  Pad: (g, n, d) => {
    const x = input(n, 0);
    const pads = Array.from(g.constantValue(input(n, 1)) as BigInt64Array, Number);
    return [g.slice(dy0(d), pads.slice(0, x.rank), pads.slice(0, x.rank).map((p, i) => p + x.shape[i]!))];
  },
  Expand: (g, n, d) => [unbroadcast(g, dy0(d), input(n, 0).shape), undefined],
  ReduceSum: (g, n, d) => [g.expand(g.reshape(dy0(d), keptShape(n)), input(n, 0).shape)],
  ReduceMean: (g, n, d) => {
    const x = input(n, 0);
    const count = (n.meta.axes ?? []).reduce((c, a) => c * x.shape[a]!, 1);
    return [g.expand(g.reshape(g.mul(dy0(d), g.scalar(1 / count)), keptShape(n)), x.shape)];
  },
  ReduceMax: (g, n, d) => {
    // Ties share the gradient equally, which keeps it a valid subgradient.
    const x = input(n, 0);
    const kept = keptShape(n);
    const axes = n.meta.axes ?? [];
    const mask = g.cast(g.equal(x, g.reshape(output(n), kept)), 'float32');
    const share = g.div(mask, g.reduceSum(mask, axes, true));
    return [g.mul(share, g.reshape(dy0(d), kept))];
  },
  Gather: (g, n, d) => {
    const [data, indices] = [input(n, 0), input(n, 1)];
    if (intAttr(n, 'axis') !== 0) throw new Error(`${n.name}: only axis-0 Gather is differentiable`);
    // The gradient of a row lookup sums the rows' gradients into the table. ScatterND(reduction=add) does that
    // but races on onnxruntime's CPU threads when an index repeats (updates were measured lost), so training
    // would not be reproducible. A one-hot matrix product computes the same sum, each output element by one
    // thread in a fixed order: [V, rows] · [rows, rest] → [V, rest].
    const rows = indices.size;
    const vocab = data.shape[0]!;
    const rest = data.shape.slice(1).reduce((a, b) => a * b, 1);
    const ids = g.reshape(indices.dtype === 'int64' ? indices : g.cast(indices, 'int64'), [1, rows]);
    const rowIds = g.constant(Array.from({ length: vocab }, (_, i) => i), [vocab, 1], 'int64', 'row_ids');
    const oneHot = (of: Tensor): Tensor => g.cast(g.equal(rowIds, of), 'float32');
    const updates = g.reshape(dy0(d), [rows, rest]);
    // A small table under a wide gradient (7 segments × 64) is split across threads by columns, which changed its
    // K blocks with the thread count (kBlocks.ts): there the blocks are explicit, one batched product of
    // [blocks, V, block] · [blocks, block, rest], summed over blocks in order, then the rows left over.
    const block = threadSafeKBlock(vocab, rest, rows);
    if (block === undefined) return [g.reshape(g.matMul(oneHot(ids), updates), data.shape), undefined];
    const blocks = Math.floor(rows / block);
    const whole = blocks * block;
    const perBlock = g.matMul(
      oneHot(g.reshape(g.slice(ids, [0], [whole], [1]), [blocks, 1, block])),
      g.reshape(g.slice(updates, [0], [whole], [0]), [blocks, block, rest]),
    );
    let total = g.reduceSum(perBlock, [0], false);
    if (whole < rows) total = g.add(total, g.matMul(oneHot(g.slice(ids, [whole], [rows], [1])), g.slice(updates, [whole], [rows], [0])));
    return [g.reshape(total, data.shape), undefined];
  },
  GatherElements: (g, n, d) => {
    const [data, indices] = [input(n, 0), input(n, 1)];
    return [g.scatterElementsAdd(g.zeros(data.shape), indices, dy0(d), intAttr(n, 'axis')), undefined];
  },
  Softmax: (g, n, d) => {
    const axis = intAttr(n, 'axis');
    const y = output(n);
    const dy = dy0(d);
    return [g.mul(y, g.sub(dy, g.reduceSum(g.mul(dy, y), [axis], true)))];
  },
  LogSoftmax: (g, n, d) => {
    const axis = intAttr(n, 'axis');
    const dy = dy0(d);
    return [g.sub(dy, g.mul(g.exp(output(n)), g.reduceSum(dy, [axis], true)))];
  },
  LayerNormalization: (g, n, d, needs) => {
    const [x, gamma] = [input(n, 0), input(n, 1)];
    const dy = d[0];
    if (d[1] || d[2]) throw new Error(`${n.name}: gradients through Mean/InvStdDev outputs are not supported`);
    if (!dy) return [undefined, undefined, undefined];
    const [mean, invStd] = [output(n, 1), output(n, 2)];
    const last = x.rank - 1;
    const lead = x.shape.map((_, i) => i).slice(0, -1);
    const xhat = g.mul(g.sub(x, mean), invStd);
    const dxhat = g.mul(dy, gamma);
    // dx = invStd · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)), the usual closed form for normalisation over `last`.
    const dx = needs[0]
      ? g.mul(
          invStd,
          g.sub(g.sub(dxhat, g.reduceMean(dxhat, [last], true)), g.mul(xhat, g.reduceMean(g.mul(dxhat, xhat), [last], true))),
        )
      : undefined;
    const dGamma = needs[1] ? g.reduceSum(g.mul(dy, xhat), lead) : undefined;
    const dBeta = needs[2] ? g.reduceSum(dy, lead) : undefined;
    return [dx, dGamma, dBeta];
  },
};

/**
 * Gradients of the scalar `loss` with respect to each of `wrt`, emitted into `g`. A parameter the loss does
 * not depend on gets a zero gradient, so an optimizer can treat every parameter alike.
 */
export function grad(g: Graph, loss: Tensor, wrt: readonly Tensor[], rules: Record<string, GradRule> = gradRules): Map<Tensor, Tensor> {
  if (loss.graph !== g) throw new Error('loss belongs to another graph');
  if (loss.rank !== 0 || loss.dtype !== 'float32') throw new Error(`loss must be a float32 scalar, got ${loss}`);
  const wrtIds = new Set(wrt.map((t) => t.id));

  // Forward pass: which values depend on a differentiated leaf through float values.
  const live = new Set(wrtIds);
  for (const node of g.nodes) {
    if (node.inputs.some((i) => i && live.has(i.id) && i.dtype === 'float32')) {
      for (const o of node.outputs) if (o.dtype === 'float32') live.add(o.id);
    }
  }

  const pending = new Map<number, Tensor[]>();
  const contribute = (t: Tensor, d: Tensor): void => {
    if (!sameShape(t.shape, d.shape)) throw new Error(`gradient for ${t} has shape [${d.shape.join(', ')}]`);
    const list = pending.get(t.id);
    if (list) list.push(d);
    else pending.set(t.id, [d]);
  };
  const total = (t: Tensor): Tensor | undefined => {
    const list = pending.get(t.id);
    if (!list) return undefined;
    if (list.length > 1) {
      const summed = g.sum(list);
      pending.set(t.id, [summed]);
      return summed;
    }
    return list[0];
  };

  g.scope('grad', () => {
    contribute(loss, g.scalar(1));
    const producer = loss.producer;
    if (!producer) return;
    for (let k = producer.id; k >= 0; k--) {
      const node = g.nodes[k]!;
      const needs = node.inputs.map((i) => !!i && i.dtype === 'float32' && live.has(i.id));
      if (!needs.some(Boolean)) continue;
      const dOut = node.outputs.map((o) => total(o));
      if (dOut.every((x) => x === undefined)) continue;
      const rule = rules[node.op];
      if (!rule) throw new Error(`no gradient rule for ${node.op} (node ${node.name})`);
      const dIn = g.scope(node.name.slice(g.namePrefix.length), () => rule(g, node, dOut, needs));
      node.inputs.forEach((x, i) => {
        const dx = dIn[i];
        if (x && needs[i] && dx) contribute(x, dx);
      });
    }
  });

  const out = new Map<Tensor, Tensor>();
  g.scope('grad', () => {
    for (const t of wrt) out.set(t, total(t) ?? g.zeros(t.shape, 'float32', `zero/${t.name}`));
  });
  return out;
}
