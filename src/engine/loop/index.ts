/**
 * CONTEXT — the closed loop. A run is T rounds of propose → filter → solve → control → train → evaluate
 * (stages.ts), each stage committed atomically with the round's progress marker so a killed run resumes
 * exactly (run.ts). config.ts holds the defaults and the validator; benchmark.ts the held-out set, its
 * VSI-Bench scoring and bootstrap interval; samples.ts turns stored rows into solver samples; selection.ts the
 * rules' per-sample scores (learnability, reducible loss) and the top-score pick, whose per-cell means the
 * controller's score strategies steer the mix by; base.ts the models runs start from or compare with (the base,
 * the irreducible-loss model), each an ordinary run found by its settings, and the main job's settings.
 * Plain Node: no Electron imports.
 */
export { DEFAULT_LOOP_CONFIG, MODEL_PRESETS, resolveLoopConfig, roundSampleCap, storedLoopConfig } from './config.js';
export { startLoop, resumeLoop, type LoopHandle, type LoopOptions } from './run.js';
export { loadRunScenes } from './runScenes.js';
export * from './metrics.js';
export { benchmarkId, ensureBenchmark, evaluateOnBenchmark } from './benchmark.js';
export { splitScenes } from './split.js';
export { Observations, questionOfRecord, sampleOfRecord, toNewQa } from './samples.js';
export { BASE_PROTOCOL, BENCHMARK_PER_FAMILY, BUILTIN_TARGET, MAIN_JOB, baseConfig, comparable, ensureBaseFor, ensureModel, ensureRun, finalCheckpointId, findCompletedRun, referenceModelSettings, runSceneIds, targetLabels, type ModelRef } from './base.js';
export { learnability, reducibleLoss, selectionScore, topByScore } from './selection.js';
