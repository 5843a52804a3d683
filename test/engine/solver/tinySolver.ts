/** The smallest solver the solver tests train (milliseconds a step), and a runtime that keeps their output quiet. */
import type { SolverConfigInput } from '../../../src/engine/solver/solver.js';

export const tiny: SolverConfigInput = {
  model: { dModel: 16, heads: 2, layers: 1, mlpHidden: 32, maxQuestionTokens: 32, maxDetections: 16 },
  inferenceBatch: 8,
};
export const runtime = { threads: 1, log: () => undefined };
