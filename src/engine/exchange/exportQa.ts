/**
 * Exports a run's accepted QA for use outside the workbench: one file per iteration, in VSI-Bench's record
 * shape (`qa-iter<k>.jsonl`, qaExportRecord.ts) and/or as LLaVA-NeXT multi-image conversations
 * (`llava-iter<k>.json`, llavaConversation.ts) over rendered frames (`frames/<scene>/<frame>.png`,
 * sceneFrames.ts). `export.json`, written last, lists what the export holds; an export without it did not
 * finish. Output is deterministic: the same store and options give byte-identical files.
 */
import { join } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { QaRecord } from '../../shared/records.js';
import { listIterations } from '../store/iterations.js';
import { queryQa } from '../store/qa.js';
import { findRun, listRuns } from '../store/runs.js';
import { listScenes, loadScene } from '../store/scenes.js';
import type { Store } from '../store/store.js';
import { toJsonLines } from './jsonRecords.js';
import { llavaSample, type LlavaSample } from './llavaConversation.js';
import { prepareOutputDir, writeFileAtomic } from './outputFiles.js';
import { exportRecordOf, type ExportedQaRecord } from './qaExportRecord.js';
import { DEFAULT_FRAME_EXPORT, SceneFrameWriter } from './sceneFrames.js';

export const EXPORT_FORMATS = ['jsonl', 'conversation', 'both'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportQaOptions {
  runId: string;
  /** Only this iteration; default: every iteration of the run. */
  iteration?: number;
  outDir: string;
  /** Default 'both'. */
  format?: ExportFormat;
  /** Frames per scene for conversations (default 8). */
  frames?: number;
  /** Rendered frame size (default 320×240). */
  frameWidth?: number;
  frameHeight?: number;
  /** Write into a folder that already has files (replacing those of the same name). */
  overwrite?: boolean;
}

export interface ExportedIteration {
  iteration: number;
  questions: number;
  /** Relative paths of the files written for this iteration. */
  files: string[];
}

export interface ExportSummary {
  runId: string;
  outDir: string;
  format: ExportFormat;
  iterations: ExportedIteration[];
  questions: number;
  scenes: number;
  frameFiles: number;
  /** Accepted questions left out because they carry no ground truth (should not happen; listed, not hidden). */
  withoutAnswer: number[];
}

const PAGE = 1000;
const MAX_FRAMES = 256;

function positiveInt(v: number | undefined, fallback: number, field: string, max: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new InputError({ field, message: `expected a whole number from 1 to ${max}, found ${v}` });
  return v;
}

function acceptedQa(store: Store, runId: string, iteration: number): QaRecord[] {
  const out: QaRecord[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = queryQa(store, { runId, iteration, verdict: 'accepted', limit: PAGE, offset });
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}

/** The trajectory frame a question refers to (`extra.frame`, 0-based), when it names one. */
function referencedFrame(qa: QaRecord): number | undefined {
  const f = qa.extra.frame;
  return typeof f === 'number' && Number.isInteger(f) && f >= 0 ? f : undefined;
}

function conversationOf(qa: QaRecord, record: ExportedQaRecord, runId: string, frames: SceneFrameWriter): LlavaSample {
  const base = { id: `${runId}/${qa.id}`, questionType: qa.family, question: qa.question, options: qa.options, answer: record.ground_truth };
  const scene = frames.framesOf(qa.sceneId);
  const f = referencedFrame(qa);
  if (f === undefined || f >= scene.trajectoryLength) return llavaSample({ ...base, frames: scene.paths });
  // "In frame k of N" means the full trajectory; the model sees a few frames, so it is told which one is frame k.
  const withFrame = frames.framesWith(qa.sceneId, f);
  return llavaSample({
    ...base,
    frames: withFrame.paths,
    context: `Frame ${f + 1} of ${scene.trajectoryLength} of the video is image ${withFrame.position + 1} of ${withFrame.paths.length}.`,
  });
}

export function exportQa(store: Store, options: ExportQaOptions): ExportSummary {
  const format = options.format ?? 'both';
  if (!EXPORT_FORMATS.includes(format)) throw new InputError({ field: 'format', message: `expected one of ${EXPORT_FORMATS.join(', ')}, found "${String(format)}"` });
  const frameOptions = {
    frames: positiveInt(options.frames, DEFAULT_FRAME_EXPORT.frames, 'frames', MAX_FRAMES),
    width: positiveInt(options.frameWidth, DEFAULT_FRAME_EXPORT.width, 'frame width', 4096),
    height: positiveInt(options.frameHeight, DEFAULT_FRAME_EXPORT.height, 'frame height', 4096),
  };
  const run = findRun(store, options.runId);
  if (!run) {
    const known = listRuns(store, { limit: 5 }).map((r) => `${r.id} (${r.name})`);
    throw new InputError({ field: 'run', message: `no run "${options.runId}" in ${store.dbPath}${known.length ? `; recent runs: ${known.join(', ')}` : '; the workspace has no runs'}` });
  }
  const all = listIterations(store, run.id).map((i) => i.index);
  if (options.iteration !== undefined && !all.includes(options.iteration)) {
    throw new InputError({ field: 'iteration', message: `run ${run.id} has no iteration ${options.iteration}; it has ${all.length ? all.join(', ') : 'none yet'}` });
  }
  const iterations = options.iteration !== undefined ? [options.iteration] : all;
  prepareOutputDir(options.outDir, options.overwrite ?? false);

  const datasets = new Map(listScenes(store).map((s) => [s.id, s.dataset]));
  const withJsonl = format !== 'conversation';
  const withConversation = format !== 'jsonl';
  const frames = new SceneFrameWriter(options.outDir, frameOptions, (id) => loadScene(store, id));
  const scenes = new Set<string>();
  const withoutAnswer: number[] = [];
  const exported: ExportedIteration[] = [];
  for (const k of iterations) {
    const records: ExportedQaRecord[] = [];
    const conversations: LlavaSample[] = [];
    for (const qa of acceptedQa(store, run.id, k)) {
      const record = exportRecordOf(qa, datasets.get(qa.sceneId) ?? 'unknown');
      if (!record) {
        withoutAnswer.push(qa.id);
        continue;
      }
      scenes.add(qa.sceneId);
      records.push(record);
      if (withConversation) conversations.push(conversationOf(qa, record, run.id, frames));
    }
    const files: string[] = [];
    if (withJsonl) {
      files.push(`qa-iter${k}.jsonl`);
      writeFileAtomic(join(options.outDir, files[files.length - 1]!), toJsonLines(records));
    }
    if (withConversation) {
      files.push(`llava-iter${k}.json`);
      writeFileAtomic(join(options.outDir, files[files.length - 1]!), `${JSON.stringify(conversations, null, 1)}\n`);
    }
    exported.push({ iteration: k, questions: records.length, files });
  }

  const summary: ExportSummary = {
    runId: run.id,
    outDir: options.outDir,
    format,
    iterations: exported,
    questions: exported.reduce((n, e) => n + e.questions, 0),
    scenes: scenes.size,
    frameFiles: frames.fileCount,
    withoutAnswer,
  };
  const manifest = {
    format: 'ouroboros-qa-export',
    version: 1,
    run: { id: run.id, name: run.name, mode: run.mode, codeVersion: run.codeVersion },
    iterations: exported,
    questions: summary.questions,
    records: withJsonl ? 'VSI-Bench record (id, dataset, scene_name, question_type, question, options, ground_truth) + iteration, program, args, difficulty, bin, confidence, bucket, scene_id, proposal_id; one JSON object per line' : null,
    conversations: withConversation
      ? {
          format: 'LLaVA-NeXT training JSON, multi-image: {id, image: [paths relative to this folder], conversations: [human with one <image> per frame, gpt]}',
          imageFolder: '.',
          framesPerScene: frameOptions.frames,
          frameSize: [frameOptions.width, frameOptions.height],
          frameRendering: 'scanned point clouds as points; scenes whose point cloud was synthesised as shaded boxes in the room',
          frameFiles: frames.fileCount,
        }
      : null,
    withoutAnswer,
  };
  writeFileAtomic(join(options.outDir, 'export.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return summary;
}
