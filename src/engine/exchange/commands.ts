/**
 * The exchange commands behind `npm run exchange` (cli/exchange.ts only parses arguments): exporting a run's
 * accepted QA, and answering an external VSI-Bench question file with a stored checkpoint. They return the
 * text to print, so tests reach them without a subprocess.
 *
 * Store and checkpoint failures a user can act on (no such run or checkpoint, a corrupt checkpoint file, a
 * workspace that is not one) become InputErrors, which the CLI prints as one line with exit code 2.
 */
import { InputError } from '../../shared/errors.js';
import { CheckpointError } from '../solver/checkpoint.js';
import { Solver, type SolverRuntimeOptions } from '../solver/solver.js';
import { getCheckpoint, readCheckpoint } from '../store/checkpoints.js';
import { StoreError } from '../store/errors.js';
import { findRun } from '../store/runs.js';
import { listScenes, loadScene } from '../store/scenes.js';
import { openStore, type Store } from '../store/store.js';
import { formatTable } from '../report/table.js';
import { exportQa, type ExportQaOptions } from './exportQa.js';
import { prepareOutputFile } from './outputFiles.js';
import { evaluateExternal, readVsiQuestions, resolveQuestionScenes, writePredictions, type ExternalEvaluation } from './vsiQuestions.js';

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
      [{ header: 'iteration' }, { header: 'questions' }, { header: 'files' }],
      summary.iterations.map((i) => [i.iteration, i.questions, i.files.join(', ')]),
    );
    const lines = [
      table,
      '',
      `exported ${summary.questions} accepted questions of run ${summary.runId} over ${summary.scenes} scenes` +
        (summary.frameFiles > 0 ? `, ${summary.frameFiles} frames rendered` : '') +
        ` in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      `output: ${summary.outDir} (export.json lists the files)`,
    ];
    if (summary.withoutAnswer.length > 0) lines.push(`left out ${summary.withoutAnswer.length} accepted questions without a ground truth (ids ${summary.withoutAnswer.slice(0, 10).join(', ')})`);
    return `${lines.join('\n')}\n`;
  });
}

export interface EvalQuestionsOptions {
  questions: string;
  checkpointId: number;
  out: string;
  /** Frames the solver observes per scene; default the checkpoint's run setting (`frames`), else 32. */
  frames?: number;
  /** Perception noise seed (default 0). */
  seed?: number;
  overwrite?: boolean;
  runtime?: SolverRuntimeOptions;
}

/** Per-family and overall scores as a table (accuracy % for choice families, MRA % for numeric ones). */
export function scoreTable(evaluation: ExternalEvaluation): string {
  const pct = (v: number): string => (100 * v).toFixed(1);
  return formatTable(
    [{ header: 'family' }, { header: 'n' }, { header: 'score %', format: pct }],
    evaluation.families.map((f) => [f.family, f.n, f.score]),
    { footer: [['overall (VSI-Bench style)', evaluation.predictions.length, evaluation.overall]] },
  );
}

export function evalQuestionsCommand(workspaceDir: string, options: EvalQuestionsOptions): Promise<string> {
  return withStore(workspaceDir, true, async (store) => {
    // The file is checked before the checkpoint is loaded: a typo in it should not cost a model load.
    const set = readVsiQuestions(options.questions);
    prepareOutputFile(options.out, options.overwrite ?? false);
    const resolved = resolveQuestionScenes(set, listScenes(store));
    const ref = getCheckpoint(store, options.checkpointId);
    const runFrames = findRun(store, ref.runId)?.config.frames;
    const frames = options.frames ?? (typeof runFrames === 'number' && Number.isInteger(runFrames) && runFrames >= 1 ? runFrames : undefined);
    const solver = await Solver.fromCheckpoint(readCheckpoint(store, ref.id), options.runtime ?? {});
    let evaluation: ExternalEvaluation;
    try {
      evaluation = await evaluateExternal(solver, resolved, (id) => loadScene(store, id), {
        seed: options.seed ?? 0,
        ...(frames !== undefined ? { frames } : {}),
      });
    } finally {
      await solver.dispose();
    }
    writePredictions(options.out, evaluation.predictions, { overwrite: options.overwrite ?? false });
    const lines = [
      scoreTable(evaluation),
      '',
      `answered ${evaluation.predictions.length} questions of ${set.file} with checkpoint ${ref.id} (run ${ref.runId}, iteration ${ref.iteration})`,
    ];
    if (set.skipped.length > 0) {
      const byType = new Map<string, { n: number; reason: string }>();
      for (const s of set.skipped) byType.set(s.questionType, { n: (byType.get(s.questionType)?.n ?? 0) + 1, reason: s.reason });
      for (const [type, { n, reason }] of byType) lines.push(`skipped ${n} ${type} question${n === 1 ? '' : 's'}: ${reason}`);
    }
    lines.push(`predictions: ${options.out}`);
    return `${lines.join('\n')}\n`;
  });
}
