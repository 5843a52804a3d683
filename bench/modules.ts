import { evalQuestionsBench } from './evalQuestions.js';
import type { BenchModule } from './harness.js';
import { onnxStepBench } from './onnxStep.js';
import { perceptionBench } from './perception.js';
import { plyBench } from './ply.js';
import { proposerBench } from './proposer.js';
import { serverLatencyBench } from './serverLatency.js';
import { sandboxBench } from './sandbox.js';
import { solverBench } from './solver.js';
import { stagesBench } from './stages.js';
import { storeBench } from './store.js';
import { syntheticBench } from './synthetic.js';
import { viewerBench } from './viewer.js';

/** Registered benchmarks, in the order they print. */
export const modules: BenchModule[] = [plyBench, syntheticBench, storeBench, sandboxBench, proposerBench, perceptionBench, onnxStepBench, solverBench, evalQuestionsBench, serverLatencyBench, viewerBench, stagesBench];
