/**
 * Floating-point operation counts of a built graph, for reporting achieved GFLOP/s against a measured matmul
 * peak. Counted from the graph as written (before onnxruntime's fusions, which change kernels, not
 * arithmetic): a MatMul of [..., m, k] × [..., k, n] is 2·m·k·n per batch entry (a multiply and an add), and
 * every other float node is one operation per output element — a floor for softmax, GELU and the like, whose
 * true cost per element is higher but which are memory-bound, so a peak in FLOP/s says little about them.
 */
import type { Node } from './graph.js';
import { numel } from './shape.js';

export interface FlopCount {
  /** Multiply-adds in MatMul nodes, ×2. */
  matmul: number;
  /** One per output element of every other node with a float32 output. */
  elementwise: number;
  /** MatMul nodes counted. */
  matmulNodes: number;
}

export function countFlops(nodes: readonly Node[]): FlopCount {
  const count: FlopCount = { matmul: 0, elementwise: 0, matmulNodes: 0 };
  for (const n of nodes) {
    if (n.op === 'MatMul') {
      const a = n.inputs[0]!;
      const k = a.shape[a.shape.length - 1]!;
      count.matmul += 2 * k * numel(n.outputs[0]!.shape);
      count.matmulNodes++;
    } else {
      for (const o of n.outputs) if (o.dtype === 'float32') count.elementwise += numel(o.shape);
    }
  }
  return count;
}

/** The input shapes of every MatMul node, in graph order: to time the same products alone (bench/solver.ts). */
export function matmulShapes(nodes: readonly Node[]): { a: readonly number[]; b: readonly number[] }[] {
  return nodes.filter((n) => n.op === 'MatMul').map((n) => ({ a: n.inputs[0]!.shape, b: n.inputs[1]!.shape }));
}
