/**
 * The exchange commands behind `npm run exchange` (cli/exchange.ts only parses arguments): exporting a run's
 * accepted or trained QA, exporting its held-out benchmark as an lmms-eval task, and answering an external
 * VSI-Bench question file with a stored checkpoint. They return the
 * text to print, so tests reach them without a subprocess.
 *
 * Store and checkpoint failures a user can act on (no such run or checkpoint, a corrupt checkpoint file, a
 * workspace that is not one) become InputErrors, which the CLI prints as one line with exit code 2.
 */
import { InputError } from '../../shared/errors.js';
import { sceneListText } from '../../shared/evalScenes.js';
import { CheckpointError } from '../solver/checkpoint.js';
import { resolveEndpointConfig } from '../solver/external/endpoint.js';
import { EndpointSolver } from '../solver/external/endpointSolver.js';
import { sceneFrameSource } from '../solver/external/frames.js';
import { Solver, type SolverRuntimeOptions } from '../solver/solver.js';
import type { EndpointConfigInput } from '../../shared/loop.js';
import { getCheckpoint, readCheckpoint } from '../store/checkpoints.js';
import { StoreError } from '../store/errors.js';
import { findRun } from '../store/runs.js';
import { listScenes, loadScene } from '../store/scenes.js';
import { openStore, type Store } from '../store/store.js';
import { formatTable } from '../report/table.js';
import { exportBenchmark, type BenchmarkExportSummary, type ExportBenchmarkOptions } from './exportBenchmark.js';
import { exportQa, type ExportQaOptions } from './exportQa.js';
import { prepareOutputFile } from './outputFiles.js';
import {
  evaluateQuestionFile,
  PredictionsWriter,
  scanVsiQuestionFile,
  type AnswerProgress,
  type ExternalEvaluation,
  type FileEvaluation,
  type Predictor,
  type ScanProgress,
} from './vsiQuestions.js';

/** Runs `body`, turning store and checkpoint errors into InputErrors (their messages already name what failed). */
export async function asInputErrors<T>(body: () => Promise<T> | T): Promise<T> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof StoreError || e instanceof CheckpointError) throw new InputError({ message: e.message });
    throw e;
  }
}

function withStore<T>(workspaceDir: string, readonly: boolean, body: (store: Store) => Promise<T> | T): Promise<T> {
  return asInputErrors(async () => {
    const store = openStore({ workspaceDir, readonly });
    try {
      return await body(store);
    } finally {
      store.close();
    }
  });
}

export function exportCommand(workspaceDir: string, options: ExportQaOptions): Promise<string> {
  // Exports only read the store; read-only lets them run beside a loop that is still writing.
  return withStore(workspaceDir, true, (store) => {
    const t0 = performance.now();
    const summary = exportQa(store, options);
    const table = formatTable(
      [{ header: 'round' }, { header: 'questions' }, { header: 'files' }],
      summary.rounds.map((i) => [i.round, i.questions, i.files.join(', ')]),
    );
    const lines = [
      table,
      '',
      `exported ${summary.questions} ${summary.trained ? 'trained-on' : 'accepted'} questions of run ${summary.runId} over ${summary.scenes} scenes` +
        (summary.frameFiles > 0 ? `, ${summary.frameFiles} frames rendered` : '') +
        ` in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      `output: ${summary.outDir} (export.json lists the files)`,
    ];
    const info = summary.datasetInfo;
    if (info) {
      lines.push(
        `dataset_info.json: ${info.added.length} added, ${info.replaced.length} replaced, ${info.kept} other entries kept; datasets: ${info.names.join(', ')}`,
        `train with LLaMA-Factory (not part of the workbench): llamafactory-cli train <your config.yaml> dataset_dir=${summary.outDir} dataset=${info.names.join(',')}`,
      );
    }
    const untrained = summary.trained ? summary.rounds.filter((i) => i.questions === 0).map((i) => i.round) : [];
    if (untrained.length > 0) lines.push(`no trained questions for round${untrained.length === 1 ? '' : 's'} ${untrained.join(', ')} (not trained yet, or nothing was selected)`);
    if (summary.evalScenes.length > 0) {
      lines.push(`warning: exported with --allow-eval-scenes: ${summary.evalScenes.length} of the scenes are VSI-Bench evaluation scenes (${sceneListText(summary.evalScenes)}); export.json lists them`);
    }
    if (summary.withoutAnswer.length > 0) lines.push(`left out ${summary.withoutAnswer.length} accepted questions without a ground truth (ids ${summary.withoutAnswer.slice(0, 10).join(', ')})`);
    return `${lines.join('\n')}\n`;
  });
}

/** The solver's and the blind model's scores on both versions and the gap, per family, as score % (VSI-Bench's scale). */
function gapLines(summary: BenchmarkExportSummary): string[] {
  const { gaps, solverRound } = summary.debiased;
  if (solverRound === null) return ['no solver scores yet (the run has not been evaluated)'];
  const pct = (v: unknown): string => (typeof v === 'number' ? (100 * v).toFixed(1) : '—');
  const signed = (v: unknown): string => (typeof v === 'number' ? `${v >= 0 ? '+' : '−'}${(100 * Math.abs(v)).toFixed(1)}` : '—');
  const table = formatTable(
    [
      { header: 'family' },
      { header: 'n full/debiased' },
      { header: 'solver', format: pct },
      { header: 'blind', format: pct },
      { header: 'gap', format: signed },
      { header: 'solver debiased', format: pct },
      { header: 'blind debiased', format: pct },
      { header: 'gap debiased', format: signed },
    ],
    gaps.map((g) => [g.family ?? 'overall (VSI-Bench style)', `${g.n.full}/${g.n.debiased}`, g.solver.full, g.blind.full, g.gap.full, g.solver.debiased, g.blind.debiased, g.gap.debiased]),
  );
  return ['', `scores after round ${solverRound} (score %; gap = solver − blind):`, table, ''];
}

export function exportBenchmarkCommand(workspaceDir: string, options: ExportBenchmarkOptions): Promise<string> {
  return withStore(workspaceDir, true, (store) => {
    const t0 = performance.now();
    const summary = exportBenchmark(store, options);
    const table = formatTable(
      [{ header: 'family' }, { header: 'questions' }],
      summary.families.map((f) => [f.family, f.n]),
      { footer: [['all', summary.questions]] },
    );
    return `${[
      table,
      '',
      `exported held-out benchmark ${summary.setId} of run ${summary.runId} as lmms-eval task ${summary.task}: ${summary.questions} questions over ${summary.scenes} scenes, ` +
        `${summary.frameFiles} frames rendered in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      `debiased version ${summary.debiased.task}: ${summary.debiased.questions} of ${summary.questions} questions (${summary.debiased.rule})`,
      ...gapLines(summary),
      `output: ${summary.outDir} (${summary.files.join(', ')}, frames/; export.json lists them)`,
      `evaluate with lmms-eval (not part of the workbench): lmms-eval --model <model> --model_args <args> --tasks ${summary.task},${summary.debiased.task} --include_path ${summary.outDir}`,
    ].join('\n')}\n`;
  });
}

export interface EvalQuestionsOptions {
  questions: string;
  /** The built-in solver's checkpoint that answers; exactly one of this and `endpoint`. */
  checkpointId?: number;
  /** A model behind an OpenAI-compatible endpoint answers instead (solver/external). */
  endpoint?: EndpointConfigInput;
  out: string;
  /** Frames the solver observes per scene; default the checkpoint's run setting (`frames`), else 32. */
  frames?: number;
  /** Perception noise seed (default 0). */
  seed?: number;
  overwrite?: boolean;
  runtime?: SolverRuntimeOptions;
  /** Receives a progress line now and then (the CLI prints them to stderr); nothing for a short run. */
  progress?: (line: string) => void;
  /** At least this long between progress lines (default 2000 ms). */
  progressIntervalMs?: number;
  /** Questions answered per batch (evaluateQuestionFile). */
  batchSize?: number;
  /** Bytes read per chunk of the question file (default 1 MiB). */
  chunkBytes?: number;
}

/** Per-family and overall scores as a table (accuracy % for choice families, MRA % for numeric ones). */
export function scoreTable(evaluation: Pick<ExternalEvaluation, 'families' | 'overall'> & { answered?: number; predictions?: readonly unknown[] }): string {
  const pct = (v: number): string => (100 * v).toFixed(1);
  return formatTable(
    [{ header: 'family' }, { header: 'n' }, { header: 'score %', format: pct }],
    evaluation.families.map((f) => [f.family, f.n, f.score]),
    { footer: [['overall (VSI-Bench style)', evaluation.answered ?? evaluation.predictions?.length ?? 0, evaluation.overall]] },
  );
}

const MB = 1024 * 1024;

function duration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * Progress lines for one phase at most every `intervalMs`. A phase that ends before its first line is due
 * prints nothing (short runs stay quiet); one that printed gets its final figure too, so the last line a user
 * sees is never a stale one.
 */
export function progressLines(write: (line: string) => void, intervalMs: number, now: () => number = () => performance.now()) {
  return <T>(describe: (p: T, rate: (done: number, total: number | undefined) => { perSecond: number; left: string }) => string) => {
    const start = now();
    let last = start;
    let printed = false;
    const rate = (done: number, total: number | undefined): { perSecond: number; left: string } => {
      const seconds = (now() - start) / 1000;
      const perSecond = seconds > 0 ? done / seconds : 0;
      const left = total !== undefined && perSecond > 0 && done < total ? `, about ${duration((total - done) / perSecond)} left` : '';
      return { perSecond, left };
    };
    return (p: T, finished: boolean): void => {
      const t = now();
      if (finished ? !printed : t - last < intervalMs) return;
      last = t;
      printed = true;
      write(describe(p, rate));
    };
  };
}

export function evalQuestionsCommand(workspaceDir: string, options: EvalQuestionsOptions): Promise<string> {
  return withStore(workspaceDir, true, async (store) => {
    const phase = progressLines(options.progress ?? (() => undefined), options.progressIntervalMs ?? 2000);
    const chunk = options.chunkBytes !== undefined ? { chunkBytes: options.chunkBytes } : {};
    // The file is checked before the checkpoint is loaded: a typo in it should not cost a model load. It is read
    // twice, checked now and answered later, so that neither pass holds more than a batch of its questions.
    const checking = phase<ScanProgress>((p, rate) => {
      const r = rate(p.bytesRead, p.totalBytes);
      return `checking ${options.questions}: ${(p.bytesRead / MB).toFixed(1)} of ${(p.totalBytes / MB).toFixed(1)} MB, ${count(p.records)} records (${(r.perSecond / MB).toFixed(1)} MB/s${r.left})`;
    });
    const scan = scanVsiQuestionFile(options.questions, listScenes(store), { ...chunk, onProgress: (p) => checking(p, p.bytesRead >= p.totalBytes) });
    prepareOutputFile(options.out, options.overwrite ?? false);
    scan.scenes.assertNoneMissing(scan.file);
    if ((options.checkpointId === undefined) === (options.endpoint === undefined)) {
      throw new InputError({ field: 'checkpoint', message: 'expected either a checkpoint of the built-in solver or an endpoint model, not both or neither' });
    }
    let solver: Predictor & { dispose?: () => Promise<void> };
    let frames = options.frames;
    let who: string;
    if (options.endpoint !== undefined) {
      const config = resolveEndpointConfig(options.endpoint, 'endpoint');
      // The workspace is open read-only here, so responses are not cached in it (the loop caches them).
      const remote = new EndpointSolver(config, { frames: sceneFrameSource((id) => loadScene(store, id), config.frames, store) });
      solver = { predict: (samples) => remote.predict(samples.map((x) => ({ qa: x.qa, sceneId: x.sceneId! }))) };
      who = `${config.model} at ${config.baseUrl}`;
    } else {
      const ref = getCheckpoint(store, options.checkpointId!);
      const runFrames = findRun(store, ref.runId)?.config.frames;
      frames ??= typeof runFrames === 'number' && Number.isInteger(runFrames) && runFrames >= 1 ? runFrames : undefined;
      const local = await Solver.fromCheckpoint(readCheckpoint(store, ref.id), options.runtime ?? {});
      solver = local;
      who = `checkpoint ${ref.id} (run ${ref.runId}, round ${ref.round})`;
    }
    const answering = phase<AnswerProgress>((p, rate) => {
      const r = rate(p.answered, p.total);
      const pct = p.total > 0 ? ` (${((100 * p.answered) / p.total).toFixed(1)}%)` : '';
      return `answering: ${count(p.answered)} of ${count(p.total)} questions${pct}, ${count(Math.round(r.perSecond))} questions/s${r.left}`;
    });
    let evaluation: FileEvaluation;
    const writer = new PredictionsWriter(options.out, { overwrite: options.overwrite ?? false });
    try {
      evaluation = await evaluateQuestionFile(solver, scan, (id) => loadScene(store, id), (p) => writer.write(p), {
        ...chunk,
        seed: options.seed ?? 0,
        ...(frames !== undefined ? { frames } : {}),
        ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
        onProgress: (p) => answering(p, p.answered >= p.total),
      });
      writer.commit();
    } catch (e) {
      writer.abort();
      throw e;
    } finally {
      await solver.dispose?.();
    }
    const lines = [
      scoreTable(evaluation),
      '',
      `answered ${evaluation.answered} questions of ${scan.file} with ${who}`,
    ];
    if (scan.skipped.length > 0) {
      const byType = new Map<string, { n: number; reason: string }>();
      for (const s of scan.skipped) byType.set(s.questionType, { n: (byType.get(s.questionType)?.n ?? 0) + 1, reason: s.reason });
      for (const [type, { n, reason }] of byType) lines.push(`skipped ${n} ${type} question${n === 1 ? '' : 's'}: ${reason}`);
    }
    lines.push(`predictions: ${options.out}`);
    return `${lines.join('\n')}\n`;
  });
}
