/**
 * AdamW (Loshchilov & Hutter, decoupled weight decay) emitted as graph ops, so one onnxruntime call both
 * differentiates and updates. The step number and learning rate are graph inputs — a schedule changes them
 * per call without rebuilding the model — while β1, β2, ε and the decay are baked in as constants.
 */
import { type Graph, type Tensor } from './graph.js';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  /** Rescale all gradients together when their global L2 norm exceeds this (off when undefined). */
  clipGradNorm?: number;
}

export const DEFAULT_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 };

export interface AdamWSlot {
  param: Tensor;
  grad: Tensor;
  m: Tensor;
  v: Tensor;
  /** Whether weight decay applies (conventionally matrices yes; biases, norms' scales and shifts no). */
  decay: boolean;
}

export interface AdamWUpdate {
  param: Tensor;
  m: Tensor;
  v: Tensor;
}

export interface AdamWResult {
  updates: AdamWUpdate[];
  /** Global L2 norm of the gradients before clipping: a scalar worth logging. */
  gradNorm: Tensor;
}

/**
 * One AdamW update for every slot, as PyTorch's torch.optim.AdamW computes it:
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   p ← p − lr·wd·p − lr · (m / (1−β1^t)) / (√(v / (1−β2^t)) + ε)
 * `step` is t, the 1-based number of this update (float32 or int64 scalar); `lr` a float32 scalar.
 */
export function adamW(g: Graph, slots: readonly AdamWSlot[], step: Tensor, lr: Tensor, config: AdamWConfig = DEFAULT_ADAMW): AdamWResult {
  const { beta1, beta2, epsilon, weightDecay } = config;
  return g.scope('adamw', () => {
    const t = step.dtype === 'float32' ? step : g.cast(step, 'float32', 'step');
    const c = (v: number): Tensor => g.scalar(v);
    // Bias corrections stay separate (not folded into one step size) so ε enters exactly where PyTorch puts it.
    const bc1 = g.sub(c(1), g.pow(c(beta1), t), 'bias_correction1');
    const bc2 = g.sub(c(1), g.pow(c(beta2), t), 'bias_correction2');
    const gradNorm = g.scope('grad_norm', () => g.sqrt(g.sum(slots.map((s) => g.reduceSum(g.mul(s.grad, s.grad))))));
    let scale: Tensor | undefined;
    if (config.clipGradNorm !== undefined) {
      scale = g.scope('clip', () => g.min([c(1), g.div(c(config.clipGradNorm!), g.add(gradNorm, c(1e-6)))]));
    }
    const decayFactor = g.sub(c(1), g.mul(lr, c(weightDecay)), 'decay_factor');
    const updates = slots.map((s) =>
      g.scope(s.param.name.slice(g.namePrefix.length), () => {
        const grad = scale ? g.mul(s.grad, scale) : s.grad;
        const m = g.add(g.mul(s.m, c(beta1)), g.mul(grad, c(1 - beta1)), 'm');
        const v = g.add(g.mul(s.v, c(beta2)), g.mul(g.mul(grad, grad), c(1 - beta2)), 'v');
        const denom = g.add(g.sqrt(g.div(v, bc2)), c(epsilon));
        const stepDir = g.div(g.div(m, bc1), denom);
        const decayed = s.decay && weightDecay !== 0 ? g.mul(s.param, decayFactor) : s.param;
        return { param: g.sub(decayed, g.mul(stepDir, lr), 'param'), m, v };
      }),
    );
    return { updates, gradNorm };
  });
}
