/**
 * The solver: a small transformer over question words and per-frame detections that answers spatial
 * questions with a confidence, trained in-process as ONNX graphs (./onnx).
 */
export * from './answers.js';
export * from './checkpoint.js';
export * from './features.js';
export * from './model.js';
export * from './providers.js';
export * from './solver.js';
export * from './tokenizer.js';
