/**
 * Exports a run's accepted QA for use outside the workbench: one file per round, in VSI-Bench's record
 * shape (`qa-round<k>.jsonl`, qaExportRecord.ts), as LLaVA-NeXT multi-image conversations
 * (`llava-round<k>.json`, llavaConversation.ts) or as a LLaMA-Factory ShareGPT dataset (`sharegpt-round<k>.json`
 * plus its entry in `dataset_info.json`, llamaFactory.ts), over rendered frames (`frames/<scene>/<frame>.png`,
 * sceneFrames.ts). With `trained`, round k's file holds the questions round k trained on instead (the loop's
 * training selection, recorded as `trained_round`), named `…-trained-round<k>…`. `export.json`, written
 * last, lists what the export holds; an export without it did not finish. Output is deterministic: the same
 * store and options give byte-identical files.
 */
import { join } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { QaRecord, RunRecord } from '../../shared/records.js';
import { sceneListText } from '../../shared/evalScenes.js';
import { evalScenesAmong } from '../sources/evalScenes.js';
import { listRounds } from '../store/rounds.js';
import { queryQa } from '../store/qa.js';
import { findRun, listRunScenes, listRuns } from '../store/runs.js';
import { listScenes, loadScene } from '../store/scenes.js';
import type { Store } from '../store/store.js';
import { toJsonLines } from './jsonRecords.js';
import { llamaFactoryDatasetName, llamaFactoryEntry, llamaFactorySample, mergeDatasetInfo, type DatasetInfoMerge, type LlamaFactoryDatasetEntry, type LlamaFactorySample } from './llamaFactory.js';
import { llavaSample, type LlavaSample, type LlavaSampleInput } from './llavaConversation.js';
import { prepareOutputDir, writeFileAtomic } from './outputFiles.js';
import { exportRecordOf, type ExportedQaRecord } from './qaExportRecord.js';
import { DEFAULT_FRAME_EXPORT, questionFrames, SceneFrameWriter } from './sceneFrames.js';

/** `both`: jsonl and conversation (kept as it was); llama-factory is asked for by name. */
export const EXPORT_FORMATS = ['jsonl', 'conversation', 'both', 'llama-factory'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportQaOptions {
  runId: string;
  /** Only this round; default: every round of the run. */
  round?: number;
  outDir: string;
  /** Default 'both'. */
  format?: ExportFormat;
  /** Round k's file holds the questions round k trained on, not the accepted questions round k proposed. */
  trained?: boolean;
  /** Frames per scene for conversations (default 8). */
  frames?: number;
  /** Rendered frame size (default 320×240). */
  frameWidth?: number;
  frameHeight?: number;
  /** Write into a folder that already has files (replacing those of the same name). */
  overwrite?: boolean;
  /**
   * Export even when the questions are about VSI-Bench's evaluation scenes (sources/evalScenes.ts); without it
   * such an export is refused, naming the scenes (CLI `--allow-eval-scenes`).
   */
  allowEvalScenes?: boolean;
}

export interface ExportedRound {
  round: number;
  questions: number;
  /** Relative paths of the files written for this round. */
  files: string[];
}

export interface ExportSummary {
  runId: string;
  outDir: string;
  format: ExportFormat;
  rounds: ExportedRound[];
  questions: number;
  scenes: number;
  frameFiles: number;
  /** Accepted questions left out because they carry no ground truth (should not happen; listed, not hidden). */
  withoutAnswer: number[];
  trained: boolean;
  /** llama-factory: the dataset names written and what became of dataset_info.json. */
  datasetInfo?: DatasetInfoMerge & { names: string[] };
  /** VSI-Bench evaluation scenes the exported questions are about (exported only with `allowEvalScenes`). */
  evalScenes: string[];
}

const PAGE = 1000;
const MAX_FRAMES = 256;

function positiveInt(v: number | undefined, fallback: number, field: string, max: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new InputError({ field, message: `expected a whole number from 1 to ${max}, found ${v}` });
  return v;
}

function acceptedQa(store: Store, runId: string, round: number): QaRecord[] {
  const out: QaRecord[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = queryQa(store, { runId, round, verdict: 'accepted', limit: PAGE, offset });
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}

/**
 * The questions each round trained on, by round, in id order. Read from `trained_round` (markTrained), which
 * the train stage writes in the same transaction as the round's checkpoint, so it is exactly what the model saw.
 * A static run's rounds train on round 0's questions, so every round's questions are read, page by page,
 * keeping only the trained ones.
 */
function trainedQa(store: Store, runId: string): Map<number, QaRecord[]> {
  const byRound = new Map<number, QaRecord[]>();
  for (let offset = 0; ; offset += PAGE) {
    const page = queryQa(store, { runId, limit: PAGE, offset });
    for (const qa of page) {
      if (qa.trainedRound === null) continue;
      const list = byRound.get(qa.trainedRound) ?? [];
      list.push(qa);
      byRound.set(qa.trainedRound, list);
    }
    if (page.length < PAGE) return byRound;
  }
}

/** Why a training export about evaluation scenes is refused, naming them and the override. */
export function evalScenesRefusal(runId: string, scenes: readonly string[]): InputError {
  return new InputError({
    message:
      `refusing to export run ${runId}'s questions for training: ${scenes.length} of their scenes ${scenes.length === 1 ? 'is a' : 'are'} VSI-Bench evaluation scene${scenes.length === 1 ? '' : 's'} ` +
      `(${sceneListText(scenes)}), so a model trained on them and then scored on VSI-Bench has seen the test rooms; ` +
      'pass --allow-eval-scenes (API: allowEvalScenes) to export anyway, or train on other scenes',
  });
}

/** The run, or an InputError naming the workspace's recent runs. */
export function requireRun(store: Store, runId: string): RunRecord {
  const run = findRun(store, runId);
  if (run) return run;
  const known = listRuns(store, { limit: 5 }).map((r) => `${r.id} (${r.name})`);
  throw new InputError({ field: 'run', message: `no run "${runId}" in ${store.dbPath}${known.length ? `; recent runs: ${known.join(', ')}` : '; the workspace has no runs'}` });
}

/**
 * Frames for a run's questions are drawn from the scene versions the run pinned (a scene re-imported since would
 * otherwise show the model a room its questions are not about); a scene with no pin is drawn as it is now.
 */
export function runSceneFrames(store: Store, run: RunRecord, outDir: string, options: { frames: number; width: number; height: number }): SceneFrameWriter {
  const pinned = new Map(listRunScenes(store, run.id).map((s) => [s.sceneId, s.sceneVersion]));
  return new SceneFrameWriter(outDir, options, (id) => {
    const version = pinned.get(id);
    return version ? loadScene(store, id, version) : loadScene(store, id);
  });
}

/** Frame options from export options, checked. */
export function frameOptionsOf(options: { frames?: number; frameWidth?: number; frameHeight?: number }): { frames: number; width: number; height: number } {
  return {
    frames: positiveInt(options.frames, DEFAULT_FRAME_EXPORT.frames, 'frames', MAX_FRAMES),
    width: positiveInt(options.frameWidth, DEFAULT_FRAME_EXPORT.width, 'frame width', 4096),
    height: positiveInt(options.frameHeight, DEFAULT_FRAME_EXPORT.height, 'frame height', 4096),
  };
}

function sampleInput(qa: QaRecord, record: ExportedQaRecord, runId: string, frames: SceneFrameWriter): LlavaSampleInput {
  const shown = questionFrames(frames, qa.sceneId, qa.frame ?? undefined);
  return {
    id: `${runId}/${qa.id}`,
    questionType: qa.family,
    question: qa.question,
    options: qa.options,
    answer: record.ground_truth,
    frames: shown.paths,
    ...(shown.context !== undefined ? { context: shown.context } : {}),
  };
}

export function exportQa(store: Store, options: ExportQaOptions): ExportSummary {
  const format = options.format ?? 'both';
  if (!EXPORT_FORMATS.includes(format)) throw new InputError({ field: 'format', message: `expected one of ${EXPORT_FORMATS.join(', ')}, found "${String(format)}"` });
  const frameOptions = frameOptionsOf(options);
  const run = requireRun(store, options.runId);
  const trained = options.trained ?? false;
  const all = listRounds(store, run.id).map((i) => i.round);
  if (options.round !== undefined && !all.includes(options.round)) {
    throw new InputError({ field: 'round', message: `run ${run.id} has no round ${options.round}; it has ${all.length ? all.join(', ') : 'none yet'}` });
  }
  const rounds = options.round !== undefined ? [options.round] : all;
  const sceneDatasets = new Map(listScenes(store).map((s) => [s.id, s.dataset]));
  const byRound = trained ? trainedQa(store, run.id) : undefined;
  const questionsOf = new Map(rounds.map((k) => [k, byRound ? (byRound.get(k) ?? []) : acceptedQa(store, run.id, k)]));
  // Checked before anything is written: a refused export leaves no half-written folder behind.
  const evalScenes = evalScenesAmong(
    [...new Set([...questionsOf.values()].flatMap((list) => list.map((qa) => qa.sceneId)))].map((id) => ({ id, dataset: sceneDatasets.get(id) ?? 'unknown' })),
  );
  if (evalScenes.length > 0 && options.allowEvalScenes !== true) throw evalScenesRefusal(run.id, evalScenes);
  prepareOutputDir(options.outDir, options.overwrite ?? false);

  const withJsonl = format === 'jsonl' || format === 'both';
  const withConversation = format === 'conversation' || format === 'both';
  const withLlamaFactory = format === 'llama-factory';
  const frames = runSceneFrames(store, run, options.outDir, frameOptions);
  const scenes = new Set<string>();
  const withoutAnswer: number[] = [];
  const exported: ExportedRound[] = [];
  const datasets: Record<string, LlamaFactoryDatasetEntry> = {};
  const stem = (kind: string, k: number): string => `${kind}-${trained ? 'trained-' : ''}round${k}`;
  for (const k of rounds) {
    const records: ExportedQaRecord[] = [];
    const conversations: LlavaSample[] = [];
    const sharegpt: LlamaFactorySample[] = [];
    for (const qa of questionsOf.get(k)!) {
      const record = exportRecordOf(qa, sceneDatasets.get(qa.sceneId) ?? 'unknown');
      if (!record) {
        withoutAnswer.push(qa.id);
        continue;
      }
      scenes.add(qa.sceneId);
      records.push(record);
      if (withConversation) conversations.push(llavaSample(sampleInput(qa, record, run.id, frames)));
      if (withLlamaFactory) sharegpt.push(llamaFactorySample(sampleInput(qa, record, run.id, frames)));
    }
    const files: string[] = [];
    if (withJsonl) {
      files.push(`${stem('qa', k)}.jsonl`);
      writeFileAtomic(join(options.outDir, files[files.length - 1]!), toJsonLines(records));
    }
    if (withConversation) {
      files.push(`${stem('llava', k)}.json`);
      writeFileAtomic(join(options.outDir, files[files.length - 1]!), `${JSON.stringify(conversations, null, 1)}\n`);
    }
    if (withLlamaFactory) {
      const file = `${stem('sharegpt', k)}.json`;
      files.push(file);
      writeFileAtomic(join(options.outDir, file), `${JSON.stringify(sharegpt, null, 1)}\n`);
      datasets[llamaFactoryDatasetName(run.id, k, trained)] = llamaFactoryEntry(file);
    }
    exported.push({ round: k, questions: records.length, files });
  }
  // After the data files: an entry never names a file that is not there yet.
  const datasetInfo = withLlamaFactory ? { ...mergeDatasetInfo(options.outDir, datasets), names: Object.keys(datasets) } : undefined;

  const summary: ExportSummary = {
    runId: run.id,
    outDir: options.outDir,
    format,
    rounds: exported,
    questions: exported.reduce((n, e) => n + e.questions, 0),
    scenes: scenes.size,
    frameFiles: frames.fileCount,
    withoutAnswer,
    trained,
    ...(datasetInfo ? { datasetInfo } : {}),
    evalScenes,
  };
  const frameManifest = {
    imageFolder: '.',
    framesPerScene: frameOptions.frames,
    frameSize: [frameOptions.width, frameOptions.height],
    frameRendering: 'scanned point clouds as points; scenes whose point cloud was synthesised as shaded boxes in the room',
    frameFiles: frames.fileCount,
  };
  const manifest = {
    format: 'ouroboros-qa-export',
    version: 1,
    run: { id: run.id, name: run.name, mode: run.mode, codeVersion: run.codeVersion },
    selection: trained ? 'the questions each round trained on (trained_round = k)' : 'the accepted questions each round proposed',
    rounds: exported,
    questions: summary.questions,
    records: withJsonl ? 'VSI-Bench record (id, dataset, scene_name, question_type, question, options, ground_truth) + round, program, args, difficulty, bin, confidence, bucket, scene_id, proposal_id; one JSON object per line' : null,
    conversations: withConversation
      ? {
          format: 'LLaVA-NeXT training JSON, multi-image: {id, image: [paths relative to this folder], conversations: [human with one <image> per frame, gpt]}',
          ...frameManifest,
        }
      : null,
    llamaFactory: withLlamaFactory
      ? {
          format: 'LLaMA-Factory ShareGPT, multimodal: {messages: [user with one <image> per frame, assistant], images: [paths relative to this folder]}; dataset_dir = media_dir = this folder',
          datasets: Object.keys(datasets),
          ...frameManifest,
        }
      : null,
    withoutAnswer,
    // Said in the folder itself, so whoever trains on it later knows (only non-empty with allowEvalScenes).
    vsiBenchEvalScenes: evalScenes,
  };
  writeFileAtomic(join(options.outDir, 'export.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return summary;
}
