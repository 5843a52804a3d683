import { describe, expect, it } from 'vitest';
import { countFlops } from '../../../../src/engine/solver/onnx/flops.js';
import { Graph } from '../../../../src/engine/solver/onnx/graph.js';
import { trainStepFlops } from '../../../../src/engine/solver/onnx/model.js';
import { init } from '../../../../src/engine/solver/onnx/graph.js';

describe('FLOP count', () => {
  it('counts a MatMul as 2·m·k·n per batch entry and other float nodes per output element', () => {
    const g = new Graph();
    const a = g.input('a', 'float32', [3, 4, 5]);
    const b = g.input('b', 'float32', [5, 6]);
    const c = g.matMul(a, b); // [3, 4, 6]
    const d = g.add(c, c);
    expect(countFlops(g.reachable([d]).nodes)).toEqual({ matmul: 2 * 3 * 4 * 5 * 6, elementwise: 3 * 4 * 6, matmulNodes: 1 });
  });

  it('a train step of a linear layer counts forward and both backward MatMuls (3× the forward)', () => {
    const [batch, inDim, outDim] = [8, 16, 4];
    const flops = trainStepFlops(
      (g, inputs) => {
        const w = g.param('w', [inDim, outDim], init.normal(0.1));
        const y = g.matMul(inputs.x!, w);
        const loss = g.reduceMean(g.mul(y, y), [0, 1], false);
        return { loss, perSampleLogProbs: g.reduceSum(y, [1], false), outputs: {} };
      },
      [{ name: 'x', dtype: 'float32', shape: [batch, inDim] }],
    );
    const forward = 2 * batch * inDim * outDim;
    // dW = xᵀ·dy; dx is not needed (x is an input), so autodiff emits one backward MatMul.
    expect(flops.matmul).toBe(2 * forward);
    expect(flops.matmulNodes).toBe(2);
    expect(flops.elementwise).toBeGreaterThan(0);
  });
});
