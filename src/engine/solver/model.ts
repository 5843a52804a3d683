/**
 * The solver network: one transformer encoder over question tokens and detection tokens together, read out
 * at [CLS] into the answer vocabulary.
 *
 * Answer logits are the sum of two heads. A general head reads [CLS] and covers every class (letters whose
 * meaning is fixed, like "left", counts, bins). A pointer head scores option letter i from the pooled tokens
 * bound to option i's slot (the option's words and its label's detections), with [CLS] as context: "which of
 * these objects is closest" is then one learned comparison applied to every option, rather than six letter
 * rows that each have to learn where their option lives. Options that name no label pool nothing, and their
 * pointer score is a constant the general head absorbs.
 *
 * The question's mask over valid classes is added before the softmax, so invalid letters and other units'
 * bins get no probability and no gradient.
 */
import { ANSWER_CLASSES, LETTERS } from './answers.js';
import { FEATURE_COUNT, INPUTS, NAMED_SLOTS, NUMBER_FEATURES, SEGMENT_COUNT, SLOT_COUNT, type FeatureConfig } from './features.js';
import type { Graph, Tensor } from './onnx/graph.js';
import { init } from './onnx/graph.js';
import { embedding, layerNorm, linear, transformerBlock } from './onnx/layers.js';
import type { ModelDefinition, ModelHeads, TensorSpec } from './onnx/model.js';

export interface SolverModelConfig extends FeatureConfig {
  dModel: number;
  heads: number;
  layers: number;
  mlpHidden: number;
}

/** Sized for a 2-core CPU: 100 steps at batch 64 in well under a minute. */
export const DEFAULT_MODEL: SolverModelConfig = {
  dModel: 64,
  heads: 4,
  layers: 2,
  mlpHidden: 128,
  maxQuestionTokens: 48,
  maxDetections: 96,
};

/** For a GPU: wider, deeper, and the full detection budget. */
export const LARGE_MODEL: SolverModelConfig = {
  dModel: 256,
  heads: 8,
  layers: 6,
  mlpHidden: 1024,
  maxQuestionTokens: 64,
  maxDetections: 256,
};

/** Embedding table sizes, which come from the vocabulary rather than the architecture. */
export interface VocabularySizes {
  words: number;
  labels: number;
}

/** Output name of the masked answer log-probabilities [B, A]. */
export const ANSWER_LOGP = 'answer_logp';

export function checkModelConfig(c: SolverModelConfig): void {
  for (const k of ['dModel', 'heads', 'layers', 'mlpHidden', 'maxQuestionTokens', 'maxDetections'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new RangeError(`model.${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.dModel % c.heads !== 0) throw new RangeError(`model.dModel (${c.dModel}) must be divisible by model.heads (${c.heads})`);
  if (c.maxQuestionTokens < 3) throw new RangeError(`model.maxQuestionTokens must be at least 3, got ${c.maxQuestionTokens}`);
}

export function solverInputs(c: SolverModelConfig, batch: number): TensorSpec[] {
  const tq = c.maxQuestionTokens;
  const nd = c.maxDetections;
  return [
    { name: INPUTS.tokens, dtype: 'int64', shape: [batch, tq] },
    { name: INPUTS.segments, dtype: 'int64', shape: [batch, tq] },
    { name: INPUTS.numbers, dtype: 'float32', shape: [batch, tq, NUMBER_FEATURES] },
    { name: INPUTS.labels, dtype: 'int64', shape: [batch, nd] },
    { name: INPUTS.features, dtype: 'float32', shape: [batch, nd, FEATURE_COUNT] },
    { name: INPUTS.slots, dtype: 'int64', shape: [batch, tq + nd] },
    { name: INPUTS.mask, dtype: 'bool', shape: [batch, tq + nd] },
    { name: INPUTS.bias, dtype: 'float32', shape: [batch, ANSWER_CLASSES] },
    { name: INPUTS.answer, dtype: 'int64', shape: [batch] },
    { name: INPUTS.target, dtype: 'float32', shape: [batch, ANSWER_CLASSES] },
  ];
}

export function solverModel(c: SolverModelConfig, sizes: VocabularySizes, batch: number): ModelDefinition {
  checkModelConfig(c);
  const d = c.dModel;
  const tq = c.maxQuestionTokens;
  const nd = c.maxDetections;
  const letters = LETTERS.length;
  return (g: Graph, inputs: Readonly<Record<string, Tensor>>): ModelHeads => {
    const input = (name: string): Tensor => {
      const x = inputs[name];
      if (!x) throw new Error(`solver model: missing input ${name}`);
      return x;
    };
    const slots = input(INPUTS.slots);
    const question = g.scope('question', () =>
      g.sum([
        embedding(g, input(INPUTS.tokens), sizes.words, d, 'tokens'),
        g.param('positions', [tq, d], init.normal(0.02)),
        embedding(g, input(INPUTS.segments), SEGMENT_COUNT, d, 'segments'),
        linear(g, input(INPUTS.numbers), d, 'numbers', { bias: false }),
      ]),
    );
    const detections = g.scope('detections', () => {
      // Geometry enters through a small MLP so attention compares features that are already non-linear
      // mixes (a lifted position times a heading, say), which two layers alone could not form.
      const f = linear(g, g.gelu(linear(g, input(INPUTS.features), d, 'fc1')), d, 'fc2');
      return g.sum([embedding(g, input(INPUTS.labels), sizes.labels, d, 'labels'), f, g.param('type', [d], init.normal(0.02))]);
    });
    let x = g.add(g.concat([question, detections], 1, 'tokens'), embedding(g, slots, SLOT_COUNT, d, 'slots'));
    const keyMask = input(INPUTS.mask);
    for (let l = 0; l < c.layers; l++) x = transformerBlock(g, x, `block${l}`, { heads: c.heads, mlpHidden: c.mlpHidden, keyMask });
    const h = layerNorm(g, x, 'final_ln');
    const cls = g.reshape(g.slice(h, [0], [1], [1]), [batch, d], 'cls');

    // Pool what is bound to each slot: the final states (what attention made of the object) and the raw
    // detection features (where the detector put it, undiluted by the residual stream). Named objects feed
    // the summary the general head reads; options feed the pointer.
    const { states, geometry } = g.scope('slot_pool', () => {
      const ids = g.constant(
        Array.from({ length: SLOT_COUNT - 1 }, (_, i) => 1 + i),
        [1, 1, SLOT_COUNT - 1],
        'int64',
        'slot_ids',
      );
      const member = g.cast(g.equal(g.unsqueeze(slots, [-1]), ids), 'float32'); // [B, T, S-1]
      const average = (m: Tensor): Tensor => g.transpose(g.div(m, g.max([g.reduceSum(m, [1], true), g.scalar(1)])), [0, 2, 1]);
      const detMember = g.slice(member, [tq], [tq + nd], [1]); // [B, N, S-1]
      return {
        states: g.matMul(average(member), h, 'states'), // [B, S-1, d]
        geometry: g.matMul(average(detMember), input(INPUTS.features), 'geometry'), // [B, S-1, F]
      };
    });
    const namedStates = g.reshape(g.slice(states, [0], [NAMED_SLOTS], [1]), [batch, NAMED_SLOTS * d]);
    const namedGeometry = g.reshape(g.slice(geometry, [0], [NAMED_SLOTS], [1]), [batch, NAMED_SLOTS * FEATURE_COUNT]);
    const summary = g.scope('summary', () => {
      const mixed = g.sum([linear(g, cls, c.mlpHidden, 'cls'), linear(g, namedStates, c.mlpHidden, 'states', { bias: false }), linear(g, namedGeometry, c.mlpHidden, 'geometry', { bias: false })]);
      return linear(g, g.gelu(mixed), d, 'out');
    });
    const general = linear(g, g.add(cls, summary), ANSWER_CLASSES, 'answer_head');
    const pointer = g.scope('option_pointer', () => {
      const optionStates = g.slice(states, [NAMED_SLOTS], [NAMED_SLOTS + letters], [1]); // [B, L, d]
      const optionGeometry = g.slice(geometry, [NAMED_SLOTS], [NAMED_SLOTS + letters], [1]); // [B, L, F]
      const context = g.reshape(linear(g, summary, c.mlpHidden, 'context', { bias: false }), [batch, 1, c.mlpHidden]);
      const hidden = g.gelu(g.sum([linear(g, optionStates, c.mlpHidden, 'states'), linear(g, optionGeometry, c.mlpHidden, 'geometry', { bias: false }), context]));
      const score = g.reshape(linear(g, hidden, 1, 'score'), [batch, letters]);
      return g.pad(score, [0, 0, 0, ANSWER_CLASSES - letters]);
    });
    const logits = g.sum([general, pointer, input(INPUTS.bias)], 'masked_logits');
    const logp = g.logSoftmax(logits, -1, ANSWER_LOGP);
    const loss = g.scope('loss', () => g.neg(g.reduceMean(g.reduceSum(g.mul(input(INPUTS.target), logp), [1])), 'loss'));
    const picked = g.squeeze(g.gatherElements(logp, g.unsqueeze(input(INPUTS.answer), [-1]), -1), [-1], 'answer_log_prob');
    return { outputs: { [ANSWER_LOGP]: logp }, loss, perSampleLogProbs: picked };
  };
}

/** Parameter count without building a graph, for sizing reports. */
export function solverParamCount(c: SolverModelConfig, sizes: VocabularySizes): number {
  const d = c.dModel;
  const m = c.mlpHidden;
  const f = FEATURE_COUNT;
  const lin = (i: number, o: number, bias = true): number => i * o + (bias ? o : 0);
  const block = 4 * d + 4 * lin(d, d) + lin(d, m) + lin(m, d);
  const question = sizes.words * d + c.maxQuestionTokens * d + SEGMENT_COUNT * d + lin(NUMBER_FEATURES, d, false);
  const detections = lin(f, d) + lin(d, d) + sizes.labels * d + d;
  const summary = lin(d, m) + lin(NAMED_SLOTS * d, m, false) + lin(NAMED_SLOTS * f, m, false) + lin(m, d);
  const pointer = lin(d, m, false) + lin(d, m) + lin(f, m, false) + lin(m, 1);
  return question + detections + SLOT_COUNT * d + c.layers * block + 2 * d + summary + lin(d, ANSWER_CLASSES) + pointer;
}
