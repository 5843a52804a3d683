/**
 * The toy task the training tests use: a query token (1) at position 0, then 1–(T−1) content tokens from
 * 2..vocab−1, then padding (0, masked). The answer is the first content token, so the model has to learn to
 * attend from the readout position to position 1 past a key-padding mask.
 */
import type { Rng } from '../../../../src/shared/random.js';
import type { AnswerTransformerConfig } from '../../../../src/engine/solver/onnx/answerTransformer.js';

export interface ToyBatch {
  tokens: BigInt64Array;
  mask: Uint8Array;
  answer: BigInt64Array;
  [name: string]: BigInt64Array | Uint8Array;
}

export function copyFirstToken(c: AnswerTransformerConfig, rng: Rng, stacked = 1): ToyBatch {
  const n = c.batch * stacked;
  const t = c.seqLen;
  const tokens = new BigInt64Array(n * t);
  const mask = new Uint8Array(n * t);
  const answer = new BigInt64Array(n);
  for (let b = 0; b < n; b++) {
    const len = 2 + rng.int(t - 1);
    for (let i = 0; i < len; i++) {
      tokens[b * t + i] = BigInt(i === 0 ? 1 : 2 + rng.int(c.vocab - 2));
      mask[b * t + i] = 1;
    }
    answer[b] = tokens[b * t + 1]! - 2n;
  }
  return { tokens, mask, answer };
}

export function accuracy(logits: Float32Array, answer: BigInt64Array, classes: number): number {
  let right = 0;
  for (let i = 0; i < answer.length; i++) {
    let best = 0;
    for (let j = 1; j < classes; j++) if (logits[i * classes + j]! > logits[i * classes + best]!) best = j;
    if (BigInt(best) === answer[i]) right++;
  }
  return right / answer.length;
}
