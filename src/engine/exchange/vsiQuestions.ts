/**
 * External VSI-Bench questions: read a question file in VSI-Bench's record shape, check every record, map its
 * scene to a stored scene, answer with a solver on the solver's own perception of that scene, and score the
 * way VSI-Bench does (vsiScore.ts).
 *
 * Reading reports every problem of a file at once (an InputError naming file, record and field). Question
 * types this system has no family for (route planning) are neither an error nor dropped in silence: they come
 * back in `skipped` with the reason, and callers report how many. A question whose scene is not in the store
 * is an error that lists the missing scenes and the import command that would add them.
 *
 * Large files (tens of megabytes, ~10⁵ questions) go through scanVsiQuestionFile and evaluateQuestionFile,
 * which read the file in chunks and answer in bounded batches; the array functions (readVsiQuestions,
 * evaluateExternal) remain for callers that hold a small set anyway.
 */
import { statSync } from 'node:fs';
import { InputError, type InputProblem } from '../../shared/errors.js';
import type { Observation } from '../../shared/observation.js';
import { defaultPerceptionConfig } from '../../shared/observation.js';
import type { AnswerType, Family } from '../../shared/proposer.js';
import { FAMILIES } from '../../shared/proposer.js';
import { hashSeed } from '../../shared/random.js';
import type { Scene, SceneSummary } from '../../shared/scene.js';
import { aggregateScores, firstWord, parseNumber, scorePrediction, type FamilyScore } from '../eval/vsiScore.js';
import { observeScene } from '../perception/observe.js';
import { FAMILY_UNIT, LETTERS } from '../solver/answers.js';
import type { SolverSample } from '../solver/features.js';
import type { Prediction } from '../solver/solver.js';
import { describeJsonValue } from '../sources/json.js';
import { type JsonRecord, parseJsonRecords, readJsonRecordBatches, readJsonRecords, toJsonLines } from './jsonRecords.js';
import { AtomicFileWriter, prepareOutputFile, writeFileAtomic } from './outputFiles.js';
import { vsiSceneName } from './sceneNames.js';
import { KNOWN_QUESTION_TYPES, UNSUPPORTED_QUESTION_TYPES, type VsiRecord } from './vsiRecord.js';

/** A record that passed every check, with its options and ground truth in the form our QA uses. */
export interface VsiQuestion {
  /** 0-based position among the file's records. */
  index: number;
  /** The record as read (the seven VSI-Bench fields; anything else in the file is ignored). */
  record: VsiRecord;
  family: Family;
  answerType: AnswerType;
  /** "A. left" style, lettered by position; null for numeric questions. */
  options: string[] | null;
  /** The option letter, or the number. */
  answer: string | number;
}

export interface SkippedQuestion {
  index: number;
  id: number | string;
  questionType: string;
  reason: string;
}

export interface VsiQuestionSet {
  file: string;
  questions: VsiQuestion[];
  skipped: SkippedQuestion[];
}

export interface ResolvedQuestion extends VsiQuestion {
  /** The stored scene the question is asked about. */
  sceneId: string;
}

const REQUIRED = ['id', 'dataset', 'scene_name', 'question_type', 'question', 'options', 'ground_truth'] as const;
const LETTERED = /^\s*([A-Za-z])\s*[.)]\s*(.*)$/s;

function familyOf(type: string): Family | undefined {
  return (FAMILIES as readonly string[]).includes(type) ? (type as Family) : undefined;
}

/** "record 3 (id 17, line 4)": index for any file, the benchmark's id when readable, the line for JSON Lines. */
function whereOf(r: JsonRecord, id: unknown): string {
  const parts = [typeof id === 'number' || typeof id === 'string' ? `id ${JSON.stringify(id)}` : '', r.line !== undefined ? `line ${r.line}` : ''].filter(Boolean);
  return `record ${r.index}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

function checkOptions(raw: unknown[], field: string, file: string, problems: InputProblem[]): string[] | undefined {
  if (raw.length < 2 || raw.length > LETTERS.length) {
    problems.push({ file, field, message: `expected 2–${LETTERS.length} options, found ${raw.length}` });
    return undefined;
  }
  const out: string[] = [];
  raw.forEach((o, i) => {
    const letter = LETTERS[i]!;
    if (typeof o !== 'string' || o.trim() === '') {
      problems.push({ file, field: `${field}[${i}]`, message: `expected the option text (e.g. "${letter}. chair"), found ${describeJsonValue(o)}` });
      return;
    }
    const m = LETTERED.exec(o);
    // VSI-Bench's options are already "A. left"; a bare "left" gets its letter from its position.
    if (m && m[1]!.toUpperCase() !== letter) {
      problems.push({ file, field: `${field}[${i}]`, message: `option ${i + 1} is lettered "${m[1]}", expected "${letter}" (options are lettered A, B, C, … in order)` });
      return;
    }
    out.push(`${letter}. ${(m ? m[2]! : o).trim()}`);
  });
  return out.length === raw.length ? out : undefined;
}

function checkChoiceAnswer(gt: unknown, options: string[], field: string, file: string, problems: InputProblem[]): string | undefined {
  if (typeof gt !== 'string') {
    problems.push({ file, field, message: `expected an option letter as a string (e.g. "A"), found ${describeJsonValue(gt)}` });
    return undefined;
  }
  const letters = LETTERS.slice(0, options.length);
  // An option's own text first: "a lamp" is that option, not the letter A.
  const byText = options.findIndex((o) => o.slice(3).toLowerCase() === gt.trim().toLowerCase());
  if (byText >= 0) return letters[byText]!;
  // The benchmark scores the first word without a trailing full stop, so "B." and "B. left" mean B too.
  const word = firstWord(gt.trim()).toUpperCase();
  if ((letters as readonly string[]).includes(word)) return word;
  problems.push({ file, field, message: `expected one of the option letters ${letters.join(', ')} (or an option's text), found ${describeJsonValue(gt)}` });
  return undefined;
}

function checkNumberAnswer(gt: unknown, field: string, file: string, problems: InputProblem[]): number | undefined {
  const n = typeof gt === 'number' ? gt : typeof gt === 'string' ? parseNumber(gt) : undefined;
  if (n === undefined || !Number.isFinite(n)) {
    problems.push({ file, field, message: `expected a number (or a numeric string such as "1.8"), found ${describeJsonValue(gt)}` });
    return undefined;
  }
  if (!(n > 0)) {
    problems.push({ file, field, message: `expected a positive number: relative accuracy (MRA) cannot score a ground truth of ${n}` });
    return undefined;
  }
  return n;
}

/**
 * Checks records one at a time, so a file can be checked while it is read. Problems are collected, not thrown:
 * `finish` reports every problem of the file at once.
 */
export class VsiRecordChecker {
  readonly problems: InputProblem[] = [];
  /** Records seen, good or bad. */
  records = 0;
  private readonly seenIds = new Map<string, number>();

  constructor(readonly file: string) {}

  /** The record as a question, as a skipped one, or nothing when it has problems (they are in `problems`). */
  check(r: JsonRecord): { question: VsiQuestion } | { skipped: SkippedQuestion } | undefined {
    const { file, problems } = this;
    this.records++;
    const v = r.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      problems.push({ file, field: whereOf(r, undefined), message: `expected an object with ${REQUIRED.join(', ')}; found ${describeJsonValue(v)}` });
      return undefined;
    }
    const o = v as Record<string, unknown>;
    const where = whereOf(r, o.id);
    const before = problems.length;
    for (const k of REQUIRED) if (!(k in o)) problems.push({ file, field: `${where}.${k}`, message: 'missing field' });
    if ('id' in o && typeof o.id !== 'number' && typeof o.id !== 'string') problems.push({ file, field: `${where}.id`, message: `expected a number or a string, found ${describeJsonValue(o.id)}` });
    for (const k of ['dataset', 'scene_name', 'question_type', 'question'] as const) {
      if (k in o && (typeof o[k] !== 'string' || o[k] === '')) problems.push({ file, field: `${where}.${k}`, message: `expected a non-empty string, found ${describeJsonValue(o[k])}` });
    }
    if (typeof o.id === 'number' || typeof o.id === 'string') {
      const key = `${typeof o.id}:${o.id}`;
      const other = this.seenIds.get(key);
      if (other !== undefined) problems.push({ file, field: `${where}.id`, message: `duplicate id ${JSON.stringify(o.id)} (record ${other} has it too); ids must tell predictions apart` });
      else this.seenIds.set(key, r.index);
    }
    const type = typeof o.question_type === 'string' ? o.question_type : undefined;
    if (type !== undefined && type !== '' && !KNOWN_QUESTION_TYPES.includes(type)) {
      problems.push({ file, field: `${where}.question_type`, message: `unknown question_type "${type}"; expected one of ${KNOWN_QUESTION_TYPES.join(', ')}` });
    }
    if (problems.length > before || type === undefined) return undefined;

    const id = o.id as number | string;
    const unsupported = UNSUPPORTED_QUESTION_TYPES[type];
    if (unsupported !== undefined) return { skipped: { index: r.index, id, questionType: type, reason: unsupported } };
    const family = familyOf(type)!;
    const answerType: AnswerType = FAMILY_UNIT[family] === 'choice' ? 'choice' : 'number';
    let options: string[] | null = null;
    let answer: string | number | undefined;
    if (answerType === 'choice') {
      if (!Array.isArray(o.options)) {
        problems.push({ file, field: `${where}.options`, message: `${type} is multiple choice: expected an array of lettered options, found ${describeJsonValue(o.options)}` });
        return undefined;
      }
      options = checkOptions(o.options, `${where}.options`, file, problems) ?? null;
      if (!options) return undefined;
      answer = checkChoiceAnswer(o.ground_truth, options, `${where}.ground_truth`, file, problems);
    } else {
      if (o.options !== null && !(Array.isArray(o.options) && o.options.length === 0)) {
        problems.push({ file, field: `${where}.options`, message: `${type} is answered with a number: expected null (or an empty array), found ${describeJsonValue(o.options)}` });
        return undefined;
      }
      answer = checkNumberAnswer(o.ground_truth, `${where}.ground_truth`, file, problems);
    }
    if (answer === undefined) return undefined;
    const record: VsiRecord = {
      id,
      dataset: o.dataset as string,
      scene_name: o.scene_name as string,
      question_type: type,
      question: o.question as string,
      options: (o.options as string[] | null) ?? null,
      ground_truth: typeof o.ground_truth === 'number' ? String(o.ground_truth) : (o.ground_truth as string),
    };
    return { question: { index: r.index, record, family, answerType, options, answer } };
  }

  /** Throws one InputError with every problem found, or for a file without records. */
  finish(): void {
    if (this.problems.length > 0) throw new InputError(this.problems);
    if (this.records === 0) throw new InputError({ file: this.file, message: 'no question records in the file' });
  }
}

/** Checks every record of already-read records; throws one InputError with every problem found. */
export function checkVsiRecords(records: readonly JsonRecord[], file: string): VsiQuestionSet {
  const checker = new VsiRecordChecker(file);
  const questions: VsiQuestion[] = [];
  const skipped: SkippedQuestion[] = [];
  for (const r of records) {
    const c = checker.check(r);
    if (c && 'question' in c) questions.push(c.question);
    else if (c) skipped.push(c.skipped);
  }
  checker.finish();
  return { file, questions, skipped };
}

export function parseVsiQuestions(text: string, file: string): VsiQuestionSet {
  return checkVsiRecords(parseJsonRecords(text, file), file);
}

/** Reads a VSI-Bench question file (JSON array or JSON Lines) and checks every record. */
export function readVsiQuestions(file: string): VsiQuestionSet {
  return checkVsiRecords(readJsonRecords(file), file);
}

/**
 * Maps a question's `scene_name` + `dataset` to a stored scene: a scene whose id is `<source>:<scene_name>`
 * with the same dataset, preferring `vsibench:` (the metadata VSI-Bench's answers were computed from). Each
 * name is looked up once, however many questions ask about it; questions whose scene is missing are counted
 * per scene for one error that lists them all.
 */
export class SceneResolver {
  private readonly byName = new Map<string, SceneSummary[]>();
  private readonly found = new Map<string, string | undefined>();
  private readonly missing = new Map<string, { dataset: string; name: string; count: number; near: string[] }>();

  constructor(scenes: readonly SceneSummary[]) {
    for (const s of scenes) {
      const name = vsiSceneName(s.id);
      const list = this.byName.get(name);
      if (list) list.push(s);
      else this.byName.set(name, [s]);
    }
  }

  /** The stored scene's id, or undefined (and the question counted as missing). */
  resolve(q: VsiQuestion): string | undefined {
    const { scene_name: name, dataset } = q.record;
    const key = `${dataset}/${name}`;
    if (!this.found.has(key)) {
      const rank = (s: SceneSummary): number => (s.id.startsWith('vsibench:') ? 0 : 1);
      const candidates = this.byName.get(name) ?? [];
      const match = candidates.filter((s) => s.dataset === dataset).sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id))[0];
      this.found.set(key, match?.id);
    }
    const id = this.found.get(key);
    if (id === undefined) {
      const m = this.missing.get(key) ?? { dataset, name, count: 0, near: (this.byName.get(name) ?? []).map((s) => `${s.id} (dataset ${s.dataset})`) };
      m.count++;
      this.missing.set(key, m);
    }
    return id;
  }

  /** Throws the error that lists the missing scenes and the import command that would add them. */
  assertNoneMissing(file: string): void {
    if (this.missing.size === 0) return;
    const list = [...this.missing.values()];
    const datasets = [...new Set(list.map((m) => m.dataset))];
    const shown = list
      .slice(0, 10)
      .map((m) => `${m.dataset}/${m.name} (${m.count} question${m.count === 1 ? '' : 's'}${m.near.length ? `; stored with another dataset: ${m.near.join(', ')}` : ''})`)
      .join(', ');
    const more = list.length > 10 ? `, … and ${list.length - 10} more` : '';
    const how = datasets.map((d) => `npm run scenes -- import vsibench:<path>/${d}_meta_info_val.json`).join(' and ');
    throw new InputError({
      file,
      message: `${list.reduce((n, m) => n + m.count, 0)} questions refer to ${list.length} scenes that are not in the workspace: ${shown}${more}. Import them first with ${how} (VSI-Bench's meta_info files), then run this again`,
    });
  }
}

/** Maps each question to its stored scene (SceneResolver); throws when any scene is missing. */
export function resolveQuestionScenes(set: VsiQuestionSet, scenes: readonly SceneSummary[]): ResolvedQuestion[] {
  const resolver = new SceneResolver(scenes);
  const out: ResolvedQuestion[] = [];
  for (const q of set.questions) {
    const sceneId = resolver.resolve(q);
    if (sceneId !== undefined) out.push({ ...q, sceneId });
  }
  resolver.assertNoneMissing(set.file);
  return out;
}

/** A stored scene by id: a map of loaded scenes, or a loader (e.g. `(id) => loadScene(store, id)`). */
export type SceneLookup = ReadonlyMap<string, Scene> | ((sceneId: string) => Scene);

export interface ExternalOptions {
  /** Root seed of the perception noise; each scene observes with hashSeed(seed, sceneId). Default 0. */
  seed?: number;
  /** Trajectory frames the solver observes per scene (default: the perception default, 32). */
  frames?: number;
}

function lookup(scenes: SceneLookup, id: string): Scene {
  if (typeof scenes === 'function') return scenes(id);
  const s = scenes.get(id);
  if (!s) throw new InputError({ field: 'scenes', message: `scene "${id}" was not given to the evaluation` });
  return s;
}

/** Adds the observation of every scene in `sceneIds` that `out` lacks; each scene is loaded and observed once. */
function addObservations(out: Map<string, Observation>, sceneIds: Iterable<string>, scenes: SceneLookup, options: ExternalOptions): void {
  const seed = options.seed ?? 0;
  for (const id of sceneIds) {
    if (out.has(id)) continue;
    const config = defaultPerceptionConfig(hashSeed(seed, id));
    if (options.frames !== undefined) config.frames = options.frames;
    out.set(id, observeScene(lookup(scenes, id), config));
  }
}

/** The perception a question is answered from: one seeded observation per scene, shared by its questions. */
export function observeForQuestions(sceneIds: Iterable<string>, scenes: SceneLookup, options: ExternalOptions = {}): Map<string, Observation> {
  const out = new Map<string, Observation>();
  addObservations(out, sceneIds, scenes, options);
  return out;
}

/** Solver samples for the questions, with their ground truth (so they can be scored as well as predicted). */
export function externalSamples(questions: readonly ResolvedQuestion[], observations: ReadonlyMap<string, Observation>): SolverSample[] {
  return questions.map((q) => {
    const observation = observations.get(q.sceneId);
    if (!observation) throw new Error(`no observation of scene ${q.sceneId}`);
    return {
      qa: {
        id: String(q.record.id),
        family: q.family,
        question: q.record.question,
        ...(q.options ? { options: q.options } : {}),
        answerType: q.answerType,
        answer: q.answer,
      },
      observation,
      sceneId: q.sceneId,
    };
  });
}

export interface ExternalPrediction {
  question: ResolvedQuestion;
  /** As written to the predictions file: an option letter, or the number as text (4 significant digits). */
  prediction: string;
  /** The model's probability of its own answer (geometric mean of its tokens' probabilities). */
  predictionConfidence: number;
  /** VSI-Bench score of this prediction: 0/1 for choice questions, MRA for numeric ones. */
  score: number;
}

export interface ExternalEvaluation {
  predictions: ExternalPrediction[];
  families: FamilyScore[];
  /** VSI-Bench's overall figure (relative-direction levels averaged first); 0 when nothing was answered. */
  overall: number;
}

/** What answers: a Solver, or anything with its `predict`. */
export interface Predictor {
  predict(samples: readonly SolverSample[]): Promise<Pick<Prediction, 'prediction' | 'predictionConfidence'>[]>;
  /** The solver's inference batch, when known: evaluation batches are whole multiples of it (see answerBatch). */
  readonly config?: { readonly inferenceBatch: number };
}

function predictionText(p: string | number): string {
  // Bin centres carry float noise (1.2345679); four digits keep what MRA can tell apart.
  return typeof p === 'number' ? String(Number(p.toPrecision(4))) : p;
}

/** How far an evaluation is: questions answered of all there are to answer. */
export interface AnswerProgress {
  answered: number;
  total: number;
}

export interface EvaluateOptions extends ExternalOptions {
  /**
   * Questions encoded and answered together (default 1024, rounded up to a multiple of the solver's inference
   * batch). Encoded samples of one batch are all that is held at a time, whatever the number of questions.
   */
  batchSize?: number;
  /** Called after every batch. */
  onProgress?: (progress: AnswerProgress) => void;
}

const DEFAULT_BATCH = 1024;

function batchSizeFor(solver: Predictor, requested: number | undefined): number {
  const size = Math.max(1, Math.floor(requested ?? DEFAULT_BATCH));
  // A whole number of the solver's own batches: every inference run then holds the same questions it would
  // hold if all questions were answered in one call, so batching cannot change a single prediction.
  const unit = solver.config?.inferenceBatch ?? 1;
  return Math.ceil(size / unit) * unit;
}

/** Answers and scores one batch of questions whose scenes are already observed. */
async function answerBatch(solver: Predictor, batch: readonly ResolvedQuestion[], observations: ReadonlyMap<string, Observation>): Promise<ExternalPrediction[]> {
  if (batch.length === 0) return [];
  const samples = externalSamples(batch, observations).map((s) => ({ ...s, qa: { ...s.qa, answer: undefined } }));
  const raw = await solver.predict(samples);
  return batch.map((q, i) => {
    const p = raw[i]!;
    const prediction = predictionText(p.prediction);
    return { question: q, prediction, predictionConfidence: p.predictionConfidence, score: scorePrediction(q.family, prediction, q.answer) };
  });
}

/** Answers every question and scores it; per-family and overall scores as VSI-Bench computes them. */
export async function evaluateExternal(solver: Predictor, questions: readonly ResolvedQuestion[], scenes: SceneLookup, options: EvaluateOptions = {}): Promise<ExternalEvaluation> {
  const observations = observeForQuestions(
    questions.map((q) => q.sceneId),
    scenes,
    options,
  );
  const size = batchSizeFor(solver, options.batchSize);
  const predictions: ExternalPrediction[] = [];
  for (let start = 0; start < questions.length; start += size) {
    predictions.push(...(await answerBatch(solver, questions.slice(start, start + size), observations)));
    options.onProgress?.({ answered: predictions.length, total: questions.length });
  }
  const { families, overall } = aggregateScores(predictions.map((p) => ({ family: p.question.family, score: p.score })));
  return { predictions, families, overall };
}

/** What a first pass over a question file found: enough to answer it in a second pass, nothing per question. */
export interface VsiFileScan {
  file: string;
  records: number;
  /** Questions to answer (skipped ones excluded). */
  questions: number;
  skipped: SkippedQuestion[];
  /** The file's size and modification time when checked: a second pass refuses a file that changed. */
  bytes: number;
  mtimeMs: number;
  /** Resolves each question's scene; it holds the missing scenes, if any (`assertNoneMissing`). */
  scenes: SceneResolver;
}

export interface ScanProgress {
  records: number;
  bytesRead: number;
  totalBytes: number;
}

export interface ScanOptions {
  onProgress?: (progress: ScanProgress) => void;
  /** Bytes read per chunk (default 1 MiB). */
  chunkBytes?: number;
}

function fileState(file: string): { bytes: number; mtimeMs: number } {
  try {
    const st = statSync(file);
    return { bytes: st.size, mtimeMs: st.mtimeMs };
  } catch (e) {
    throw new InputError({ file, message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
  }
}

/**
 * Reads and checks a question file without keeping its questions: every problem of the file is thrown at once
 * (as readVsiQuestions does), and each question's scene is looked up. Missing scenes are not thrown here, so a
 * caller can check other input first; `scan.scenes.assertNoneMissing(file)` throws them.
 */
export function scanVsiQuestionFile(file: string, scenes: readonly SceneSummary[], options: ScanOptions = {}): VsiFileScan {
  const state = fileState(file);
  const checker = new VsiRecordChecker(file);
  const resolver = new SceneResolver(scenes);
  const skipped: SkippedQuestion[] = [];
  let questions = 0;
  for (const batch of readJsonRecordBatches(file, options.chunkBytes !== undefined ? { chunkBytes: options.chunkBytes } : {})) {
    for (const r of batch.records) {
      const c = checker.check(r);
      if (!c) continue;
      if ('skipped' in c) {
        skipped.push(c.skipped);
        continue;
      }
      questions++;
      // A file with record problems is refused before its scenes matter.
      if (checker.problems.length === 0) resolver.resolve(c.question);
    }
    options.onProgress?.({ records: checker.records, bytesRead: batch.bytesRead, totalBytes: batch.totalBytes });
  }
  checker.finish();
  return { file, records: checker.records, questions, skipped, ...state, scenes: resolver };
}

export interface FileEvaluation {
  /** Questions answered. */
  answered: number;
  families: FamilyScore[];
  overall: number;
}

export interface FileEvaluateOptions extends EvaluateOptions {
  /** Bytes read per chunk (default 1 MiB). */
  chunkBytes?: number;
}

/**
 * Answers a scanned question file in a second pass over it, batch by batch: each batch's predictions go to
 * `sink` in file order and are then dropped, so memory holds one batch, the scenes' observations and one
 * score per question. Predictions equal evaluateExternal's on the same questions.
 */
export async function evaluateQuestionFile(
  solver: Predictor,
  scan: VsiFileScan,
  scenes: SceneLookup,
  sink: (predictions: readonly ExternalPrediction[]) => void,
  options: FileEvaluateOptions = {},
): Promise<FileEvaluation> {
  const { file } = scan;
  const changed = (why: string): InputError => new InputError({ file, message: `the file changed while its questions were being answered (${why}); run this again` });
  const state = fileState(file);
  if (state.bytes !== scan.bytes || state.mtimeMs !== scan.mtimeMs) throw changed('its size or modification time is not the one checked');
  const size = batchSizeFor(solver, options.batchSize);
  const checker = new VsiRecordChecker(file);
  const observations = new Map<string, Observation>();
  const rows: { family: string; score: number }[] = [];
  let pending: ResolvedQuestion[] = [];
  const flush = async (batch: ResolvedQuestion[]): Promise<void> => {
    addObservations(
      observations,
      batch.map((q) => q.sceneId),
      scenes,
      options,
    );
    const predictions = await answerBatch(solver, batch, observations);
    for (const p of predictions) rows.push({ family: p.question.family, score: p.score });
    sink(predictions);
    options.onProgress?.({ answered: rows.length, total: scan.questions });
  };
  for (const batch of readJsonRecordBatches(file, options.chunkBytes !== undefined ? { chunkBytes: options.chunkBytes } : {})) {
    for (const r of batch.records) {
      const c = checker.check(r);
      if (checker.problems.length > 0) throw changed(`record ${r.index} no longer passes the checks`);
      if (!c || 'skipped' in c) continue;
      const sceneId = scan.scenes.resolve(c.question);
      if (sceneId === undefined) throw changed(`record ${r.index} asks about a scene it did not ask about before`);
      pending.push({ ...c.question, sceneId });
    }
    // Whole batches only, so every batch but the last is exactly `size` (see batchSizeFor).
    while (pending.length >= size) {
      await flush(pending.slice(0, size));
      pending = pending.slice(size);
    }
  }
  if (pending.length > 0) await flush(pending);
  if (rows.length !== scan.questions) throw changed(`it now holds ${rows.length} questions to answer, not ${scan.questions}`);
  const { families, overall } = aggregateScores(rows);
  return { answered: rows.length, families, overall };
}

/** A prediction as a VSI-Bench record plus `prediction` and `confidence`. */
export function predictionRecord(p: ExternalPrediction): VsiRecord & { prediction: string; prediction_confidence: number } {
  const r = p.question.record;
  return {
    id: r.id,
    dataset: r.dataset,
    scene_name: r.scene_name,
    question_type: r.question_type,
    question: r.question,
    options: r.options,
    ground_truth: r.ground_truth,
    prediction: p.prediction,
    prediction_confidence: p.predictionConfidence,
  };
}

/**
 * Writes the predictions atomically: JSON Lines, or one JSON array when the path ends in `.json`. An existing
 * file is replaced only with `overwrite`.
 */
export function writePredictions(path: string, predictions: readonly ExternalPrediction[], options: { overwrite?: boolean } = {}): void {
  prepareOutputFile(path, options.overwrite ?? false);
  const records = predictions.map(predictionRecord);
  writeFileAtomic(path, path.toLowerCase().endsWith('.json') ? `${JSON.stringify(records, null, 1)}\n` : toJsonLines(records));
}

/**
 * Writes predictions as they come, with the same bytes writePredictions gives for all of them at once; the
 * file appears (atomically) at `commit`, and `abort` leaves nothing behind.
 */
export class PredictionsWriter {
  private readonly out: AtomicFileWriter;
  private readonly array: boolean;
  private count = 0;

  constructor(path: string, options: { overwrite?: boolean } = {}) {
    prepareOutputFile(path, options.overwrite ?? false);
    this.array = path.toLowerCase().endsWith('.json');
    this.out = new AtomicFileWriter(path);
  }

  write(predictions: readonly ExternalPrediction[]): void {
    if (predictions.length === 0) return;
    const records = predictions.map(predictionRecord);
    if (!this.array) {
      this.out.write(toJsonLines(records));
    } else {
      // JSON.stringify(all, null, 1) indents each element's lines by one more space and separates them with ",\n"
      // (strings hold no raw line breaks, so splitting on them is safe).
      const parts = records.map((r) => ` ${JSON.stringify(r, null, 1).split('\n').join('\n ')}`);
      this.out.write(`${this.count === 0 ? '[\n' : ',\n'}${parts.join(',\n')}`);
    }
    this.count += records.length;
  }

  commit(): void {
    if (this.array) this.out.write(this.count === 0 ? '[]\n' : '\n]\n');
    this.out.commit();
  }

  abort(): void {
    this.out.abort();
  }
}
