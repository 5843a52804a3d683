/**
 * A small transformer encoder that answers with one token: token + learned position embeddings, pre-norm
 * blocks with key-padding-masked attention, and a linear answer head read out at position 0 (where the
 * question's query token sits). It is the reference model definition for the ONNX training path — tests
 * check its gradients and train it; the step benchmark sizes it to ~1M parameters.
 */
import type { Graph, Tensor } from './graph.js';
import { crossEntropy, embedding, layerNorm, linear, transformerBlock } from './layers.js';
import type { ModelDefinition, ModelHeads, TensorSpec } from './model.js';

export interface AnswerTransformerConfig {
  vocab: number;
  seqLen: number;
  dModel: number;
  heads: number;
  layers: number;
  mlpHidden: number;
  /** Size of the answer vocabulary. */
  answers: number;
  batch: number;
}

/** tokens int64 [B, T]; mask bool [B, T] (true = real token); answer int64 [B]. */
export function answerTransformerInputs(c: AnswerTransformerConfig): TensorSpec[] {
  return [
    { name: 'tokens', dtype: 'int64', shape: [c.batch, c.seqLen] },
    { name: 'mask', dtype: 'bool', shape: [c.batch, c.seqLen] },
    { name: 'answer', dtype: 'int64', shape: [c.batch] },
  ];
}

export function answerTransformer(c: AnswerTransformerConfig): ModelDefinition {
  return (g: Graph, inputs: Readonly<Record<string, Tensor>>): ModelHeads => {
    const { tokens, mask, answer } = inputs as Record<'tokens' | 'mask' | 'answer', Tensor>;
    let x = g.scope('embed', () => {
      const tok = embedding(g, tokens, c.vocab, c.dModel, 'tokens');
      const pos = g.param('positions', [c.seqLen, c.dModel], { kind: 'normal', std: 0.02 });
      return g.add(tok, pos);
    });
    for (let l = 0; l < c.layers; l++) x = transformerBlock(g, x, `block${l}`, { heads: c.heads, mlpHidden: c.mlpHidden, keyMask: mask });
    const logits = g.scope('answer_head', () => {
      const h = layerNorm(g, x, 'ln');
      const first = g.reshape(g.slice(h, [0], [1], [1]), [c.batch, c.dModel], 'readout');
      return linear(g, first, c.answers, 'proj');
    });
    const ce = crossEntropy(g, logits, answer);
    return { outputs: { logits }, loss: ce.loss, perSampleLogProbs: ce.logProbs };
  };
}

/** Parameter count, for sizing benchmarks without building a graph. */
export function answerTransformerParamCount(c: AnswerTransformerConfig): number {
  const d = c.dModel;
  const block = 2 * 2 * d + 4 * (d * d + d) + (d * c.mlpHidden + c.mlpHidden) + (c.mlpHidden * d + d);
  return c.vocab * d + c.seqLen * d + c.layers * block + 2 * d + d * c.answers + c.answers;
}
