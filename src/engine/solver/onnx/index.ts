/**
 * Training and inference as plain ONNX graphs for onnxruntime-node, which has no training API: a graph
 * builder with static shapes, reverse-mode autodiff and AdamW emit a train-step model whose outputs are the
 * next parameters; the runtime feeds them back in.
 */
export { grad, gradRules, unbroadcast, type GradRule } from './autodiff.js';
export {
  Graph,
  Tensor,
  attr,
  init,
  type AttrValue,
  type DType,
  type GraphOptions,
  type Node,
  type OutputSpec,
  type ParamInfo,
  type ParamInit,
  type Shape,
  type ValueKind,
} from './graph.js';
export * from './layers.js';
export { countFlops, type FlopCount } from './flops.js';
export * from './model.js';
export { DEFAULT_ADAMW, adamW, type AdamWConfig, type AdamWResult, type AdamWSlot, type AdamWUpdate } from './optimizer.js';
export { encodeModel, type ModelProtoData } from './proto.js';
export * from './runtime.js';
