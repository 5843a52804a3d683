/**
 * Exports the held-out benchmark a run is scored on as an lmms-eval task folder (lmmsEval.ts): `<task>.yaml`,
 * `utils.py`, `<task>.jsonl` (one doc per question: the VSI-Bench record, its frame images and frame context)
 * and `frames/<scene>/<frame>.png` rendered as the training exports render them (sceneFrames.ts, the run's
 * pinned scene versions). Beside it the debiased version, `<task>_debiased.yaml` / `.jsonl` (loop/debiased.ts: without
 * the questions a blind model answers confidently), over the same utils.py and frames. `export.json`, written
 * last, says what the folder holds, with the solver's and the blind model's scores on both versions.
 */
import { join, resolve } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { visionBlindGaps, type BenchmarkDebias, type GapRow } from '../../shared/debiased.js';
import { benchmarkDebias, debiasedQuestionIds, solverOnBoth } from '../loop/debiased.js';
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
  /** The debiased version: its task, questions, and the scores on both versions with the gap per family. */
  debiased: { task: string; questions: number; removedByFamily: BenchmarkDebias['removedByFamily']; rule: string; solverRound: number | null; gaps: GapRow[] };
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

/** The debiased version's task name: the full one's with `_debiased`, kept within lmms-eval's 100 characters. */
export function debiasedTaskName(task: string): string {
  return `${task.slice(0, 100 - DEBIASED_SUFFIX.length)}${DEBIASED_SUFFIX}`;
}
const DEBIASED_SUFFIX = '_debiased';

export function exportBenchmark(store: Store, options: ExportBenchmarkOptions): BenchmarkExportSummary {
  const format = options.format ?? 'lmms-eval';
  if (!BENCHMARK_FORMATS.includes(format)) throw new InputError({ field: 'format', message: `expected one of ${BENCHMARK_FORMATS.join(', ')}, found "${String(format)}"` });
  const task = options.task ?? defaultTaskName(options.runId);
  if (!TASK_NAME.test(task)) throw new InputError({ field: 'task', message: `expected a letter then letters, digits or _ (at most 100), found "${task}"` });
  const frameOptions = frameOptionsOf(options);
  const run = requireRun(store, options.runId);
  // The set the run's held-out scores are on (loop/metrics.ts), so the external model is scored on the same questions.
  const metrics = listMetrics(store, { runId: run.id });
  const setId = headlineSet(metrics.filter((m) => m.family === null));
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
  // The debiased version (loop/debiased.ts): the same docs without those a blind model answers confidently.
  const debias = benchmarkDebias(questions);
  const kept = debiasedQuestionIds(questions);
  const debiasedDocs = docs.filter((d) => kept.has(d.id));
  const debiasedTask = debiasedTaskName(task);
  const debiasedFamilies = families.map((f) => f.family).filter((f) => debiasedDocs.some((d) => d.question_type === f));
  const solver = solverOnBoth(metrics.filter((m) => m.benchmarkSetId === setId));
  const gaps = solver ? visionBlindGaps(solver, debias.blind) : [];
  const docsFile = `${task}.jsonl`;
  const debiasedDocsFile = `${debiasedTask}.jsonl`;
  const files = [docsFile, 'utils.py', `${task}.yaml`, debiasedDocsFile, `${debiasedTask}.yaml`];
  writeFileAtomic(join(options.outDir, docsFile), toJsonLines(docs));
  writeFileAtomic(join(options.outDir, debiasedDocsFile), toJsonLines(debiasedDocs));
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
  writeFileAtomic(
    join(options.outDir, `${debiasedTask}.yaml`),
    taskYaml({
      task: debiasedTask,
      dataFile: resolve(options.outDir, debiasedDocsFile),
      families: debiasedFamilies,
      description: `Held-out benchmark ${setId} of run ${run.id}, debiased: ${debiasedDocs.length} of ${docs.length} questions (${debias.rule})`,
    }),
  );
  const summary: BenchmarkExportSummary = {
    runId: run.id,
    setId,
    task,
    debiased: { task: debiasedTask, questions: debiasedDocs.length, removedByFamily: debias.removedByFamily, rule: debias.rule, solverRound: solver?.round ?? null, gaps },
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
    debiased: {
      rule: debias.rule,
      lmmsEval: { task: debiasedTask, yaml: `${debiasedTask}.yaml`, docs: debiasedDocsFile, utils: 'utils.py' },
      questions: debiasedDocs.length,
      removedQuestionIds: docs.filter((d) => !kept.has(d.id)).map((d) => d.id),
      removedByFamily: debias.removedByFamily,
      // Fractions 0..1 as above; the solver's from the run's latest evaluated round (debiased null for a run scored before it was recorded).
      scores: {
        solver: solver ? { round: solver.round, full: solver.full, debiased: solver.debiased ?? null } : null,
        blind: debias.blind,
        visionMinusBlind: gaps.map((g) => ({ family: g.family ?? 'overall', full: g.gap.full, debiased: g.gap.debiased })),
      },
    },
    framesPerScene: frameOptions.frames,
    frameSize: [frameOptions.width, frameOptions.height],
    frameFiles: frames.fileCount,
  };
  writeFileAtomic(join(options.outDir, 'export.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return summary;
}
