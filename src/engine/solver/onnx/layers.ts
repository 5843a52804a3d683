/**
 * Model building blocks over the graph builder: each creates its parameters under its own scope, so a block
 * named `block0/attn` yields parameters `block0/attn/q_proj/weight` and nodes `block0/attn/q_proj/MatMul`.
 * Everything here is composed of primitive ops, so autodiff covers it without rules of its own.
 */
import { type Graph, type ParamInit, type Tensor, init } from './graph.js';
import { threadSafeKBlock } from './kBlocks.js';

/** The additive bias that masked attention logits get: large enough to vanish after softmax in float32, small
 * enough that a fully masked row stays finite (it becomes uniform instead of NaN). */
export const MASK_BIAS = -1e9;

export interface LinearOptions {
  bias?: boolean;
  init?: ParamInit;
}

/**
 * x · W (+ b), in the K blocks MLAS takes on one thread wherever threads could split W's columns (kBlocks.ts),
 * so the numbers are the same on any intra-op thread count. Each block is one product; the bias joins the first
 * block and the partial sums are added in block order, as onnxruntime's fused Gemm did on one thread.
 */
function threadSafeLinear(g: Graph, x: Tensor, w: Tensor, bias: Tensor | undefined): Tensor {
  const [k, n] = w.shape as [number, number];
  const block = threadSafeKBlock(x.size / k, n, k);
  if (block === undefined) {
    const y = g.matMul(x, w);
    return bias ? g.add(y, bias) : y;
  }
  let y: Tensor | undefined;
  for (let start = 0; start < k; start += block) {
    const end = Math.min(k, start + block);
    const part = g.matMul(g.slice(x, [start], [end], [-1]), g.slice(w, [start], [end], [0]));
    y = y === undefined ? (bias ? g.add(part, bias) : part) : g.add(y, part);
  }
  return y!;
}

/** x[..., in] · W[in, out] (+ b[out]); parameters `<name>/weight`, `<name>/bias`. */
export function linear(g: Graph, x: Tensor, outDim: number, name: string, options: LinearOptions = {}): Tensor {
  const inDim = x.shape[x.rank - 1]!;
  return g.scope(name, () => {
    const w = g.param('weight', [inDim, outDim], options.init ?? init.normal(Math.sqrt(1 / inDim)));
    return threadSafeLinear(g, x, w, options.bias === false ? undefined : g.param('bias', [outDim], init.zeros()));
  });
}

/** Token embedding: ids (int64, any shape) → ids.shape ++ [dim]; parameter `<name>/weight` [vocab, dim]. */
export function embedding(g: Graph, ids: Tensor, vocab: number, dim: number, name: string, std = 0.02): Tensor {
  return g.scope(name, () => g.gather(g.param('weight', [vocab, dim], init.normal(std)), ids));
}

/** LayerNorm over the last axis with learned scale (`<name>/scale`, ones) and shift (`<name>/bias`, zeros). */
export function layerNorm(g: Graph, x: Tensor, name: string, epsilon = 1e-5): Tensor {
  const d = x.shape[x.rank - 1]!;
  return g.scope(name, () => g.layerNorm(x, g.param('scale', [d], init.ones()), g.param('bias', [d], init.zeros()), epsilon));
}

/** Two-layer perceptron with exact GELU: linear(hidden) → gelu → linear(out). */
export function mlp(g: Graph, x: Tensor, hidden: number, name: string): Tensor {
  const d = x.shape[x.rank - 1]!;
  return g.scope(name, () => linear(g, g.gelu(linear(g, x, hidden, 'fc1')), d, 'fc2'));
}

/** A key-padding mask (bool [B, T], true = real token) as an additive logit bias [B, 1, 1, T]. */
export function keyPaddingBias(g: Graph, keyMask: Tensor): Tensor {
  if (keyMask.dtype !== 'bool' || keyMask.rank !== 2) throw new RangeError(`key mask must be bool [B, T], got ${keyMask}`);
  return g.scope('key_padding_bias', () => {
    const [b, t] = keyMask.shape as [number, number];
    return g.reshape(g.where(keyMask, g.scalar(0), g.scalar(MASK_BIAS)), [b, 1, 1, t]);
  });
}

/** A [T, T] additive bias hiding future positions (j > i), for decoder-style attention. */
export function causalBias(g: Graph, t: number): Tensor {
  const values = new Float32Array(t * t);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) values[i * t + j] = MASK_BIAS;
  return g.constant(values, [t, t], 'float32', 'causal_bias');
}

/** Mean of x over the positions where mask (bool, same shape) is true; 0 when none is. */
export function maskedMean(g: Graph, x: Tensor, mask: Tensor): Tensor {
  return g.scope('masked_mean', () => {
    const m = g.cast(mask, 'float32');
    const count = g.max([g.reduceSum(m), g.scalar(1)]);
    return g.div(g.reduceSum(g.mul(x, m)), count);
  });
}

/**
 * Scaled dot-product attention. q: [B, H, Tq, Dh], k and v: [B, H, Tk, Dh]; `bias` (optional) broadcasts to
 * the [B, H, Tq, Tk] logits, e.g. keyPaddingBias or causalBias.
 */
export function scaledDotProductAttention(g: Graph, q: Tensor, k: Tensor, v: Tensor, bias?: Tensor): Tensor {
  return g.scope('sdpa', () => {
    const dh = q.shape[q.rank - 1]!;
    const kT = g.transpose(k, [0, 1, 3, 2]);
    let logits = g.mul(g.matMul(q, kT, 'scores'), g.scalar(1 / Math.sqrt(dh)));
    if (bias) logits = g.add(logits, bias, 'masked_scores');
    return g.matMul(g.softmax(logits, -1, 'weights'), v, 'context');
  });
}

export interface AttentionOptions {
  heads: number;
  /** bool [B, T], true where the key is a real token. */
  keyMask?: Tensor;
  /** Extra additive bias broadcasting to [B, H, T, T] (e.g. causalBias). */
  bias?: Tensor;
}

/** Multi-head self-attention over x [B, T, D] with q/k/v/out projections. */
export function multiHeadAttention(g: Graph, x: Tensor, name: string, options: AttentionOptions): Tensor {
  const [b, t, d] = x.shape as [number, number, number];
  const h = options.heads;
  if (x.rank !== 3 || d % h !== 0) throw new RangeError(`attention needs [B, T, D] with D divisible by ${h} heads, got ${x}`);
  const dh = d / h;
  return g.scope(name, () => {
    const heads = (proj: string): Tensor => g.transpose(g.reshape(linear(g, x, d, proj), [b, t, h, dh]), [0, 2, 1, 3]);
    const [q, k, v] = [heads('q_proj'), heads('k_proj'), heads('v_proj')];
    let bias = options.keyMask ? keyPaddingBias(g, options.keyMask) : undefined;
    if (options.bias) bias = bias ? g.add(bias, options.bias) : options.bias;
    const context = scaledDotProductAttention(g, q, k, v, bias);
    const merged = g.reshape(g.transpose(context, [0, 2, 1, 3]), [b, t, d]);
    return linear(g, merged, d, 'out_proj');
  });
}

export interface BlockOptions extends AttentionOptions {
  mlpHidden: number;
}

/** Pre-norm transformer block: x + attn(ln(x)), then + mlp(ln(·)). */
export function transformerBlock(g: Graph, x: Tensor, name: string, options: BlockOptions): Tensor {
  return g.scope(name, () => {
    const a = g.add(x, multiHeadAttention(g, layerNorm(g, x, 'ln1'), 'attn', options), 'residual1');
    return g.add(a, mlp(g, layerNorm(g, a, 'ln2'), options.mlpHidden, 'mlp'), 'residual2');
  });
}

export interface CrossEntropy {
  /** log p(target) per position: the shape of `targets`. */
  logProbs: Tensor;
  /** Mean negative log-likelihood over all positions (or the masked ones): a float32 scalar. */
  loss: Tensor;
}

/**
 * Cross-entropy of logits [..., C] against integer targets [...] via LogSoftmax and GatherElements, so the
 * per-sample log-probabilities come out of the same ops the loss uses.
 */
export function crossEntropy(g: Graph, logits: Tensor, targets: Tensor, mask?: Tensor): CrossEntropy {
  if (targets.dtype !== 'int64') throw new RangeError(`targets must be int64, got ${targets}`);
  if (targets.rank !== logits.rank - 1 || targets.shape.some((d, i) => d !== logits.shape[i])) {
    throw new RangeError(`targets ${targets} do not match logits ${logits}`);
  }
  return g.scope('cross_entropy', () => {
    const logp = g.logSoftmax(logits, -1);
    const picked = g.gatherElements(logp, g.unsqueeze(targets, [-1]), -1);
    const logProbs = g.squeeze(picked, [-1], 'log_probs');
    const loss = g.neg(mask ? maskedMean(g, logProbs, mask) : g.reduceMean(logProbs), 'loss');
    return { logProbs, loss };
  });
}
