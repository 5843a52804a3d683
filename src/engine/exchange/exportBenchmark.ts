/**
 * Exports the held-out benchmark a run is scored on as an lmms-eval task folder (lmmsEval.ts): `<task>.yaml`,
 * `utils.py`, `<task>.jsonl` (one doc per question: the VSI-Bench record, its frame images and frame context)
 * and `frames/<scene>/<frame>.png` rendered as the training exports render them (sceneFrames.ts, the run's
 * pinned scene versions). `export.json`, written last, says what the folder holds.
 */
import { join, resolve } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { headlineSet } from '../loop/metrics.js';
import { listBenchmarkQuestions } from '../store/benchmarks.js';
import { listMetrics } from '../store/metrics.js';
import { listScenes } from '../store/scenes.js';
import type { Store } from '../store/store.js';
import { frameOptionsOf, requireRun, runSceneFrames } from './exportQa.js';
import { toJsonLines } from './jsonRecords.js';
import { familyMetric, OVERALL_METRIC, TASK_NAME, taskYaml, utilsPy, type LmmsEvalDoc } from './lmmsEval.js';
import { prepareOutputDir, writeFileAtomic } from './outputFiles.js';
import { questionFrames } from './sceneFrames.js';
import { vsiSceneName } from './sceneNames.js';
import { groundTruthText } from './vsiRecord.js';

export const BENCHMARK_FORMATS = ['lmms-eval'] as const;
export type BenchmarkFormat = (typeof BENCHMARK_FORMATS)[number];

export interface ExportBenchmarkOptions {
  runId: string;
  outDir: string;
  /** Default 'lmms-eval' (the only one so far; named so the command reads like `export --format`). */
  format?: BenchmarkFormat;
  /** lmms-eval task name (default `ouroboros_heldout_<run>`): letters, digits and `_`, starting with a letter. */
  task?: string;
  frames?: number;
  frameWidth?: number;
  frameHeight?: number;
  overwrite?: boolean;
}

export interface BenchmarkExportSummary {
  runId: string;
  setId: string;
  task: string;
  outDir: string;
  questions: number;
  families: { family: string; n: number }[];
  scenes: number;
  frameFiles: number;
  /** Relative paths of the task files (frames aside). */
  files: string[];
}

export function defaultTaskName(runId: string): string {
  const safe = runId.replace(/[^A-Za-z0-9_]/g, '_');
  return `ouroboros_heldout_${safe}`.slice(0, 100);
}

export function exportBenchmark(store: Store, options: ExportBenchmarkOptions): BenchmarkExportSummary {
  const format = options.format ?? 'lmms-eval';
  if (!BENCHMARK_FORMATS.includes(format)) throw new InputError({ field: 'format', message: `expected one of ${BENCHMARK_FORMATS.join(', ')}, found "${String(format)}"` });
  const task = options.task ?? defaultTaskName(options.runId);
  if (!TASK_NAME.test(task)) throw new InputError({ field: 'task', message: `expected a letter then letters, digits or _ (at most 100), found "${task}"` });
  const frameOptions = frameOptionsOf(options);
  const run = requireRun(store, options.runId);
  // The set the run's held-out scores are on (loop/metrics.ts), so the external model is scored on the same questions.
  const setId = headlineSet(listMetrics(store, { runId: run.id, family: null }));
  if (setId === undefined) {
    throw new InputError({
      field: 'run',
      message: `run ${run.id} has no held-out score yet, so which benchmark it is scored on is not recorded; export after its first evaluation (round 0)`,
    });
  }
  const questions = listBenchmarkQuestions(store, setId);
  if (questions.length === 0) throw new InputError({ field: 'run', message: `benchmark set ${setId} of run ${run.id} has no questions` });
  prepareOutputDir(options.outDir, options.overwrite ?? false);

  const sceneDatasets = new Map(listScenes(store).map((s) => [s.id, s.dataset]));
  const frames = runSceneFrames(store, run, options.outDir, frameOptions);
  const counts = new Map<string, number>();
  const docs: LmmsEvalDoc[] = questions.map((q) => {
    counts.set(q.family, (counts.get(q.family) ?? 0) + 1);
    const shown = questionFrames(frames, q.sceneId, q.frame ?? undefined);
    return {
      id: q.id,
      dataset: sceneDatasets.get(q.sceneId) ?? 'unknown',
      scene_name: vsiSceneName(q.sceneId),
      question_type: q.family,
      question: q.question,
      options: q.options,
      ground_truth: groundTruthText(q.answer),
      images: shown.paths,
      context: shown.context ?? '',
      scene_id: q.sceneId,
    };
  });
  const families = [...counts].map(([family, n]) => ({ family, n }));
  const docsFile = `${task}.jsonl`;
  const files = [docsFile, 'utils.py', `${task}.yaml`];
  writeFileAtomic(join(options.outDir, docsFile), toJsonLines(docs));
  writeFileAtomic(join(options.outDir, 'utils.py'), utilsPy(families.map((f) => f.family)));
  writeFileAtomic(
    join(options.outDir, `${task}.yaml`),
    taskYaml({
      task,
      dataFile: resolve(options.outDir, docsFile),
      families: families.map((f) => f.family),
      description: `Held-out benchmark ${setId} of run ${run.id} (${run.name}): ${docs.length} questions, ${frameOptions.frames} frames per scene`,
    }),
  );
  const summary: BenchmarkExportSummary = {
    runId: run.id,
    setId,
    task,
    outDir: options.outDir,
    questions: docs.length,
    families,
    scenes: new Set(questions.map((q) => q.sceneId)).size,
    frameFiles: frames.fileCount,
    files,
  };
  const manifest = {
    format: 'ouroboros-benchmark-export',
    version: 1,
    run: { id: run.id, name: run.name, mode: run.mode, codeVersion: run.codeVersion },
    benchmarkSet: setId,
    lmmsEval: {
      task,
      yaml: `${task}.yaml`,
      docs: docsFile,
      utils: 'utils.py',
      metrics: [OVERALL_METRIC, ...families.map((f) => familyMetric(f.family))],
      scores: 'fractions 0..1: accuracy for choice families, MRA .5:.95:.05 for numeric ones, overall as VSI-Bench averages them',
    },
    questions: docs.length,
    families,
    framesPerScene: frameOptions.frames,
    frameSize: [frameOptions.width, frameOptions.height],
    frameFiles: frames.fileCount,
  };
  writeFileAtomic(join(options.outDir, 'export.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return summary;
}
