/**
 * Whole-model builders. A model is written once as a definition function over the graph builder; from it we
 * emit an inference model (outputs only) and a train-step model (loss, per-sample answer log-probabilities,
 * AdamW-updated parameters and optimizer state), each as ONNX bytes plus a manifest saying what to feed and
 * what comes back, so a runtime never has to parse the model to drive it.
 */
import { grad } from './autodiff.js';
import { type DType, Graph, type Node, type OutputSpec, type ParamInit, type Tensor, attr } from './graph.js';
import { type FlopCount, countFlops } from './flops.js';
import { type AdamWConfig, DEFAULT_ADAMW, adamW } from './optimizer.js';
import { encodeModel } from './proto.js';

/** ir_version 9 / opset 18: onnxruntime 1.29 loads both; opset 18 has LayerNormalization (≥17) and takes
 * the axes of every Reduce* op as an input, so all reductions are emitted one way. */
export const IR_VERSION = 9;
export const OPSET = 18;

export interface TensorSpec {
  name: string;
  dtype: DType;
  shape: readonly number[];
}

export interface ModelHeads {
  /** Named inference outputs (logits, predictions…). */
  outputs: Readonly<Record<string, Tensor>>;
  /** Scalar float32 training loss. */
  loss: Tensor;
  /** log p(answer token) per sample, e.g. [B]. */
  perSampleLogProbs: Tensor;
}

/** Builds a model into `g` from its declared inputs. Called once per emitted graph, so it must be pure. */
export type ModelDefinition = (g: Graph, inputs: Readonly<Record<string, Tensor>>) => ModelHeads;

export interface ParamSpec {
  /** Logical name; also the graph input name of the parameter. */
  name: string;
  shape: readonly number[];
  init: ParamInit;
}

export interface BuiltModel<M> {
  bytes: Uint8Array;
  manifest: M;
}

export interface InferenceManifest {
  kind: 'inference';
  /** Data inputs, in graph order; only those the outputs depend on. */
  inputs: TensorSpec[];
  /** Parameters, fed as inputs named after them. */
  params: ParamSpec[];
  outputs: TensorSpec[];
}

export interface TrainParamSpec extends ParamSpec {
  decay: boolean;
  /** Graph input names of the AdamW moments. */
  m: string;
  v: string;
  /** Graph output names of the updated parameter and moments. */
  next: { param: string; m: string; v: string };
}

export interface TrainManifest {
  kind: 'train';
  /** Optimizer steps per run call. When > 1, batch inputs and per-step outputs get a leading axis of this size. */
  stepsPerRun: number;
  inputs: TensorSpec[];
  params: TrainParamSpec[];
  /** int64 scalar: the 1-based number of the (first) update this call makes. */
  step: string;
  /** float32 scalar learning rate. */
  lr: string;
  loss: TensorSpec;
  perSampleLogProbs: TensorSpec;
  gradNorm: TensorSpec;
  optimizer: AdamWConfig;
}

export const OUTPUT_NAMES = { loss: 'loss', perSampleLogProbs: 'log_probs', gradNorm: 'grad_norm' } as const;

const stateNames = (name: string): Pick<TrainParamSpec, 'm' | 'v' | 'next'> => ({
  m: `adamw.m/${name}`,
  v: `adamw.v/${name}`,
  next: { param: `next/${name}`, m: `next/adamw.m/${name}`, v: `next/adamw.v/${name}` },
});

function spec(name: string, t: Tensor): TensorSpec {
  return { name, dtype: t.dtype, shape: [...t.shape] };
}

function declareInputs(g: Graph, inputs: readonly TensorSpec[]): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const s of inputs) feeds[s.name] = g.input(s.name, s.dtype, s.shape);
  return feeds;
}

function checkHeads(heads: ModelHeads): void {
  if (heads.loss.rank !== 0 || heads.loss.dtype !== 'float32') throw new Error(`loss must be a float32 scalar, got ${heads.loss}`);
  if (heads.perSampleLogProbs.dtype !== 'float32') throw new Error(`perSampleLogProbs must be float32, got ${heads.perSampleLogProbs}`);
  for (const reserved of Object.values(OUTPUT_NAMES)) {
    if (reserved in heads.outputs) throw new Error(`output name "${reserved}" is reserved`);
  }
}

function encode(g: Graph, name: string, inputs: readonly Tensor[], outputs: readonly OutputSpec[]): Uint8Array {
  return encodeModel({
    irVersion: IR_VERSION,
    opsets: [{ domain: '', version: OPSET }],
    producerName: 'ouroboros-workbench',
    graph: g.toGraphProto(name, inputs, outputs),
  });
}

export interface InferenceOptions {
  /** Also output the loss and the per-sample log-probabilities (the model then reads its target inputs). */
  withLoss?: boolean;
  name?: string;
}

export function buildInferenceModel(
  define: ModelDefinition,
  inputs: readonly TensorSpec[],
  options: InferenceOptions = {},
): BuiltModel<InferenceManifest> {
  const g = new Graph();
  const heads = define(g, declareInputs(g, inputs));
  checkHeads(heads);
  const outputs: OutputSpec[] = Object.entries(heads.outputs).map(([name, tensor]) => ({ name, tensor }));
  if (options.withLoss) {
    outputs.push({ name: OUTPUT_NAMES.loss, tensor: heads.loss }, { name: OUTPUT_NAMES.perSampleLogProbs, tensor: heads.perSampleLogProbs });
  }
  // Inputs the outputs do not read (targets, without the loss) are dropped: onnxruntime insists on a feed for
  // every declared input.
  const used = new Set(g.reachable(outputs.map((o) => o.tensor)).leaves.map((t) => t.id));
  const dataInputs = g.inputs.filter((t) => used.has(t.id));
  const params = g.params.filter((p) => used.has(p.tensor.id));
  const bytes = encode(g, options.name ?? 'inference', [...dataInputs, ...params.map((p) => p.tensor)], outputs);
  return {
    bytes,
    manifest: {
      kind: 'inference',
      inputs: dataInputs.map((t) => spec(t.name, t)),
      params: params.map((p) => ({ name: p.name, shape: [...p.tensor.shape], init: p.init })),
      outputs: outputs.map((o) => spec(o.name, o.tensor)),
    },
  };
}

export interface TrainStepOptions {
  optimizer?: Partial<AdamWConfig>;
  /** Which parameters get weight decay; by default those of rank ≥ 2 (matrices, embeddings). */
  decay?: (param: { name: string; shape: readonly number[] }) => boolean;
  /**
   * Optimizer steps per run call (an ONNX Loop over a stacked batch). Parameters cross between JS and the
   * runtime once per call, so this divides that cost by the step count.
   */
  stepsPerRun?: number;
  name?: string;
}

interface StepPieces {
  params: { name: string; tensor: Tensor; init: ParamInit; decay: boolean; m: Tensor; v: Tensor }[];
  updates: { param: Tensor; m: Tensor; v: Tensor }[];
  heads: ModelHeads;
  gradNorm: Tensor;
}

/** Forward, backward and AdamW for one batch, in `g`. Moment inputs are declared here, after the model. */
function emitStep(g: Graph, feeds: Record<string, Tensor>, define: ModelDefinition, step: Tensor, lr: Tensor, options: TrainStepOptions): StepPieces {
  const heads = define(g, feeds);
  checkHeads(heads);
  const decayOf = options.decay ?? ((p) => p.shape.length >= 2);
  const params = g.params.map((p) => {
    const names = stateNames(p.name);
    return {
      name: p.name,
      tensor: p.tensor,
      init: p.init,
      decay: decayOf({ name: p.name, shape: p.tensor.shape }),
      m: g.input(names.m, 'float32', p.tensor.shape),
      v: g.input(names.v, 'float32', p.tensor.shape),
    };
  });
  const grads = grad(g, heads.loss, params.map((p) => p.tensor));
  const config = { ...DEFAULT_ADAMW, ...options.optimizer };
  const { updates, gradNorm } = adamW(
    g,
    params.map((p) => ({ param: p.tensor, grad: grads.get(p.tensor)!, m: p.m, v: p.v, decay: p.decay })),
    step,
    lr,
    config,
  );
  return { params, updates, heads, gradNorm };
}

export function buildTrainStepModel(
  define: ModelDefinition,
  inputs: readonly TensorSpec[],
  options: TrainStepOptions = {},
): BuiltModel<TrainManifest> {
  const k = options.stepsPerRun ?? 1;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`stepsPerRun must be a positive integer, got ${k}`);
  return k === 1 ? buildSingleStep(define, inputs, options) : buildLoopedSteps(define, inputs, k, options);
}

function trainManifest(
  pieces: StepPieces,
  dataInputs: readonly TensorSpec[],
  k: number,
  options: TrainStepOptions,
): TrainManifest {
  const lead = k === 1 ? [] : [k];
  return {
    kind: 'train',
    stepsPerRun: k,
    inputs: [...dataInputs],
    params: pieces.params.map((p) => ({ name: p.name, shape: [...p.tensor.shape], init: p.init, decay: p.decay, ...stateNames(p.name) })),
    step: 'step',
    lr: 'lr',
    loss: { name: OUTPUT_NAMES.loss, dtype: 'float32', shape: lead },
    perSampleLogProbs: { name: OUTPUT_NAMES.perSampleLogProbs, dtype: 'float32', shape: [...lead, ...pieces.heads.perSampleLogProbs.shape] },
    gradNorm: { name: OUTPUT_NAMES.gradNorm, dtype: 'float32', shape: lead },
    optimizer: { ...DEFAULT_ADAMW, ...options.optimizer },
  };
}

function stepOutputs(pieces: StepPieces, rename: (name: string) => string = (n) => n): { carried: OutputSpec[]; scanned: OutputSpec[] } {
  const carried: OutputSpec[] = [];
  pieces.params.forEach((p, i) => carried.push({ name: rename(stateNames(p.name).next.param), tensor: pieces.updates[i]!.param }));
  pieces.params.forEach((p, i) => carried.push({ name: rename(stateNames(p.name).next.m), tensor: pieces.updates[i]!.m }));
  pieces.params.forEach((p, i) => carried.push({ name: rename(stateNames(p.name).next.v), tensor: pieces.updates[i]!.v }));
  const scanned: OutputSpec[] = [
    { name: rename(OUTPUT_NAMES.loss), tensor: pieces.heads.loss },
    { name: rename(OUTPUT_NAMES.perSampleLogProbs), tensor: pieces.heads.perSampleLogProbs },
    { name: rename(OUTPUT_NAMES.gradNorm), tensor: pieces.gradNorm },
  ];
  return { carried, scanned };
}

/**
 * FLOPs of one optimizer step (forward, backward, AdamW) as buildTrainStepModel emits it with stepsPerRun 1;
 * a Loop of K runs the same body K times. Builds the graph afresh and counts what the outputs reach.
 */
export function trainStepFlops(define: ModelDefinition, inputs: readonly TensorSpec[], options: TrainStepOptions = {}): FlopCount {
  return countFlops(trainStepNodes(define, inputs, options));
}

/** The nodes of one optimizer step (what trainStepFlops counts), in graph order. */
export function trainStepNodes(define: ModelDefinition, inputs: readonly TensorSpec[], options: TrainStepOptions = {}): readonly Node[] {
  const g = new Graph();
  const pieces = emitStep(g, declareInputs(g, inputs), define, g.input('step', 'int64', []), g.input('lr', 'float32', []), options);
  const { carried, scanned } = stepOutputs(pieces);
  return g.reachable([...scanned, ...carried].map((o) => o.tensor)).nodes;
}

function buildSingleStep(define: ModelDefinition, inputs: readonly TensorSpec[], options: TrainStepOptions): BuiltModel<TrainManifest> {
  const g = new Graph();
  const feeds = declareInputs(g, inputs);
  const step = g.input('step', 'int64', []);
  const lr = g.input('lr', 'float32', []);
  const pieces = emitStep(g, feeds, define, step, lr, options);
  const { carried, scanned } = stepOutputs(pieces);
  const outputs = [...scanned, ...carried];
  const used = new Set(g.reachable(outputs.map((o) => o.tensor)).leaves.map((t) => t.id));
  const dataInputs = g.inputs.filter((t) => used.has(t.id) && t.name in feeds);
  const graphInputs = [
    ...dataInputs,
    ...pieces.params.map((p) => p.tensor),
    ...pieces.params.map((p) => p.m),
    ...pieces.params.map((p) => p.v),
    step,
    lr,
  ];
  return {
    bytes: encode(g, options.name ?? 'train_step', graphInputs, outputs),
    manifest: trainManifest(pieces, dataInputs.map((t) => spec(t.name, t)), 1, options),
  };
}

/**
 * K optimizer steps in one call: an ONNX Loop whose body is the single step. Parameters and moments are
 * loop-carried; round i reads slice i of each stacked batch input (outer-scope values, by name) and
 * scans out its loss, log-probabilities and gradient norm.
 */
function buildLoopedSteps(define: ModelDefinition, inputs: readonly TensorSpec[], k: number, options: TrainStepOptions): BuiltModel<TrainManifest> {
  const outer = new Graph();
  const stacked = inputs.map((s) => outer.input(s.name, s.dtype, [k, ...s.shape]));
  const step0 = outer.input('step', 'int64', []);
  const lr = outer.input('lr', 'float32', []);

  const body = new Graph({ namePrefix: 'body/' });
  const iter = body.input('iter', 'int64', []);
  const cond = body.input('cond', 'bool', []);
  const feeds: Record<string, Tensor> = {};
  inputs.forEach((s, i) => {
    feeds[s.name] = body.scope(s.name, () => body.gather(body.outer(stacked[i]!), iter, 'slice'));
  });
  const step = body.add(body.outer(step0), iter, 'step');
  const pieces = emitStep(body, feeds, define, step, body.outer(lr), options);
  const { carried, scanned } = stepOutputs(pieces, (n) => `body/${n}`);
  const bodyOutputs = [{ name: 'body/cond_out', tensor: body.identity(cond) }, ...carried, ...scanned];
  const bodyProto = body.toGraphProto(
    'train_step',
    [iter, cond, ...pieces.params.map((p) => p.tensor), ...pieces.params.map((p) => p.m), ...pieces.params.map((p) => p.v)],
    bodyOutputs,
    true,
  );

  const used = new Set(body.reachable(bodyOutputs.map((o) => o.tensor)).leaves.filter((t) => t.kind === 'outer').map((t) => t.name));
  const dataInputs = stacked.filter((t) => used.has(t.name));
  const params = pieces.params.map((p) => outer.param(p.name, p.tensor.shape, p.init));
  const ms = pieces.params.map((p) => outer.input(p.m.name.slice('body/'.length), 'float32', p.tensor.shape));
  const vs = pieces.params.map((p) => outer.input(p.v.name.slice('body/'.length), 'float32', p.tensor.shape));
  const loopOut = outer.node(
    'Loop',
    [outer.scalar(k, 'int64'), outer.constant([1], [], 'bool'), ...params, ...ms, ...vs],
    [
      ...carried.map((c) => ({ dtype: c.tensor.dtype, shape: c.tensor.shape })),
      ...scanned.map((s) => ({ dtype: s.tensor.dtype, shape: [k, ...s.tensor.shape] })),
    ],
    { attrs: { body: attr.graph(bodyProto) }, label: 'train_steps' },
  );
  const outputs: OutputSpec[] = [...carried, ...scanned].map((o, i) => ({ name: o.name.slice('body/'.length), tensor: loopOut[i]! }));
  const graphInputs = [...dataInputs, ...params, ...ms, ...vs, step0, lr];
  return {
    bytes: encode(outer, options.name ?? 'train_steps', graphInputs, [...outputs.slice(carried.length), ...outputs.slice(0, carried.length)]),
    manifest: trainManifest(pieces, dataInputs.map((t) => spec(t.name, t)), k, options),
  };
}
