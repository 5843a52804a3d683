/**
 * The products MLAS would split across threads by columns are cut into explicit K blocks (kBlocks.ts), so a
 * layer's numbers do not depend on the intra-op thread count. Checked here at the shapes that differed before
 * (the default model's 256-input summary layer at a batch of 64, a 7-row embedding's gradient over 64 × 48 rows):
 * the cut graph gives the same bytes on 1, 2 and 4 threads, and the same bytes as the uncut product on one thread,
 * which is what runs made before the cut computed.
 */
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { grad } from '../../../../src/engine/solver/onnx/autodiff.js';
import { Graph, init, type Tensor } from '../../../../src/engine/solver/onnx/graph.js';
import { singleThreadKBlock, threadSafeKBlock } from '../../../../src/engine/solver/onnx/kBlocks.js';
import { linear } from '../../../../src/engine/solver/onnx/layers.js';
import { IR_VERSION, OPSET } from '../../../../src/engine/solver/onnx/model.js';
import { encodeModel } from '../../../../src/engine/solver/onnx/proto.js';
import { createRng } from '../../../../src/shared/random.js';

describe('MLAS K blocks', () => {
  it('follow MLAS: wide products shorten the block while it covers K, narrow ones lengthen it', () => {
    expect(singleThreadKBlock(128, 256)).toBe(128);
    expect(singleThreadKBlock(64, 9216)).toBe(256);
    expect(singleThreadKBlock(32, 9216)).toBe(512);
    expect(singleThreadKBlock(16, 9216)).toBe(1024);
    expect(singleThreadKBlock(8, 9216)).toBe(1024); // the column stride stops at 16
    expect(singleThreadKBlock(256, 100)).toBe(128);
    expect(singleThreadKBlock(256, 50)).toBe(64);
    expect(singleThreadKBlock(256, 256)).toBe(128);
  });

  it('cut only products that threads split by columns and whose K exceeds one block', () => {
    expect(threadSafeKBlock(64, 128, 256)).toBe(128); // the summary layer at batch 64
    expect(threadSafeKBlock(7, 64, 9216)).toBe(256); // segment embedding gradient
    expect(threadSafeKBlock(128, 128, 256)).toBeUndefined(); // rows ≥ columns: threads split rows
    expect(threadSafeKBlock(9216, 64, 256)).toBeUndefined();
    expect(threadSafeKBlock(64, 128, 112)).toBeUndefined(); // one block
    expect(threadSafeKBlock(64, 128, 128)).toBeUndefined();
  });
});

type Feeds = Record<string, OrtTensor>;

async function run(g: Graph, inputs: Tensor[], out: Tensor, feeds: Feeds, threads: number): Promise<Float32Array> {
  const bytes = encodeModel({ irVersion: IR_VERSION, opsets: [{ domain: '', version: OPSET }], producerName: 'test', graph: g.toGraphProto('k', inputs, [{ name: 'y', tensor: out }]) });
  const session = await InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: threads });
  try {
    return (await session.run(feeds)).y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

const floats = (seed: number, n: number): Float32Array => {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
};

describe('thread-independent products', () => {
  it('a 64 × 256 · 256 × 128 linear layer: same bytes on 1, 2 and 4 threads, and as the uncut product on one', async () => {
    const feeds: Feeds = { x: new OrtTensor('float32', floats(1, 64 * 256), [64, 256]), w: new OrtTensor('float32', floats(2, 256 * 128), [256, 128]) };
    const cut = new Graph();
    const x = cut.input('x', 'float32', [64, 256]);
    const y = linear(cut, x, 128, 'l', { bias: false });
    const w = cut.params[0]!.tensor;
    expect(cut.nodes.filter((n) => n.op === 'MatMul')).toHaveLength(2);
    const uncut = new Graph();
    const ux = uncut.input('x', 'float32', [64, 256]);
    const uw = uncut.input('w', 'float32', [256, 128]);
    const reference = await run(uncut, [ux, uw], uncut.matMul(ux, uw), feeds, 1);
    // Renamed so the cut graph reads the same feed names.
    const named: Feeds = { x: feeds.x!, [w.name]: feeds.w! };
    for (const threads of [1, 2, 4]) expect(Buffer.from((await run(cut, [x, w], y, named, threads)).buffer), `${threads} threads`).toEqual(Buffer.from(reference.buffer));
  });

  it("a 7-row embedding's gradient over 64 × 48 ids: same bytes on 1, 2 and 4 threads, and as the uncut one-hot product on one", async () => {
    const [vocab, rows, dim] = [7, 64 * 48, 64];
    const rng = createRng(3);
    const ids = BigInt64Array.from({ length: rows }, () => BigInt(rng.int(vocab)));
    const feeds: Feeds = {
      ids: new OrtTensor('int64', ids, [64, 48]),
      up: new OrtTensor('float32', floats(4, rows * dim), [64, 48, dim]),
      table: new OrtTensor('float32', floats(5, vocab * dim), [vocab, dim]),
    };
    const g = new Graph();
    const table = g.param('table', [vocab, dim], init.zeros());
    const idIn = g.input('ids', 'int64', [64, 48]);
    const up = g.input('up', 'float32', [64, 48, dim]);
    const loss = g.reduceSum(g.mul(g.gather(table, idIn), up));
    const dTable = grad(g, loss, [table]).get(table)!;
    expect(g.nodes.some((n) => n.name.startsWith('grad/') && n.op === 'ReduceSum' && n.inputs[0]!.rank === 3)).toBe(true);

    const plain = new Graph();
    const pIds = plain.input('ids', 'int64', [64, 48]);
    const pUp = plain.input('up', 'float32', [64, 48, dim]);
    const oneHot = plain.cast(plain.equal(plain.constant(Array.from({ length: vocab }, (_, i) => i), [vocab, 1], 'int64'), plain.reshape(pIds, [1, rows])), 'float32');
    const reference = await run(plain, [pIds, pUp], plain.matMul(oneHot, plain.reshape(pUp, [rows, dim])), { ids: feeds.ids!, up: feeds.up! }, 1);
    for (const threads of [1, 2, 4]) {
      expect(Buffer.from((await run(g, [table, idIn, up], dTable, feeds, threads)).buffer), `${threads} threads`).toEqual(Buffer.from(reference.buffer));
    }
  });
});
