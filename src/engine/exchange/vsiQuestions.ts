/**
 * External VSI-Bench questions: read a question file in VSI-Bench's record shape, check every record, map its
 * scene to a stored scene, answer with a solver on the solver's own perception of that scene, and score the
 * way VSI-Bench does (vsiScore.ts).
 *
 * Reading reports every problem of a file at once (an InputError naming file, record and field). Question
 * types this system has no family for (route planning) are neither an error nor dropped in silence: they come
 * back in `skipped` with the reason, and callers report how many. A question whose scene is not in the store
 * is an error that lists the missing scenes and the import command that would add them.
 */
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
import { type JsonRecord, parseJsonRecords, readJsonRecords, toJsonLines } from './jsonRecords.js';
import { prepareOutputFile, writeFileAtomic } from './outputFiles.js';
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

/** Checks every record of already-read records; throws one InputError with every problem found. */
export function checkVsiRecords(records: readonly JsonRecord[], file: string): VsiQuestionSet {
  const problems: InputProblem[] = [];
  const questions: VsiQuestion[] = [];
  const skipped: SkippedQuestion[] = [];
  const seenIds = new Map<string, number>();
  for (const r of records) {
    const v = r.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      problems.push({ file, field: whereOf(r, undefined), message: `expected an object with ${REQUIRED.join(', ')}; found ${describeJsonValue(v)}` });
      continue;
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
      const other = seenIds.get(key);
      if (other !== undefined) problems.push({ file, field: `${where}.id`, message: `duplicate id ${JSON.stringify(o.id)} (record ${other} has it too); ids must tell predictions apart` });
      else seenIds.set(key, r.index);
    }
    const type = typeof o.question_type === 'string' ? o.question_type : undefined;
    if (type !== undefined && type !== '' && !KNOWN_QUESTION_TYPES.includes(type)) {
      problems.push({ file, field: `${where}.question_type`, message: `unknown question_type "${type}"; expected one of ${KNOWN_QUESTION_TYPES.join(', ')}` });
    }
    if (problems.length > before || type === undefined) continue;

    const id = o.id as number | string;
    const unsupported = UNSUPPORTED_QUESTION_TYPES[type];
    if (unsupported !== undefined) {
      skipped.push({ index: r.index, id, questionType: type, reason: unsupported });
      continue;
    }
    const family = familyOf(type)!;
    const answerType: AnswerType = FAMILY_UNIT[family] === 'choice' ? 'choice' : 'number';
    let options: string[] | null = null;
    let answer: string | number | undefined;
    if (answerType === 'choice') {
      if (!Array.isArray(o.options)) {
        problems.push({ file, field: `${where}.options`, message: `${type} is multiple choice: expected an array of lettered options, found ${describeJsonValue(o.options)}` });
        continue;
      }
      options = checkOptions(o.options, `${where}.options`, file, problems) ?? null;
      if (!options) continue;
      answer = checkChoiceAnswer(o.ground_truth, options, `${where}.ground_truth`, file, problems);
    } else {
      if (o.options !== null && !(Array.isArray(o.options) && o.options.length === 0)) {
        problems.push({ file, field: `${where}.options`, message: `${type} is answered with a number: expected null (or an empty array), found ${describeJsonValue(o.options)}` });
        continue;
      }
      answer = checkNumberAnswer(o.ground_truth, `${where}.ground_truth`, file, problems);
    }
    if (answer === undefined) continue;
    const record: VsiRecord = {
      id,
      dataset: o.dataset as string,
      scene_name: o.scene_name as string,
      question_type: type,
      question: o.question as string,
      options: (o.options as string[] | null) ?? null,
      ground_truth: typeof o.ground_truth === 'number' ? String(o.ground_truth) : (o.ground_truth as string),
    };
    questions.push({ index: r.index, record, family, answerType, options, answer });
  }
  if (problems.length > 0) throw new InputError(problems);
  if (records.length === 0) throw new InputError({ file, message: 'no question records in the file' });
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
 * Maps each question's `scene_name` + `dataset` to a stored scene: a scene whose id is `<source>:<scene_name>`
 * with the same dataset, preferring `vsibench:` (the metadata VSI-Bench's answers were computed from).
 */
export function resolveQuestionScenes(set: VsiQuestionSet, scenes: readonly SceneSummary[]): ResolvedQuestion[] {
  const byName = new Map<string, SceneSummary[]>();
  for (const s of scenes) {
    const name = vsiSceneName(s.id);
    byName.set(name, [...(byName.get(name) ?? []), s]);
  }
  const rank = (s: SceneSummary): number => (s.id.startsWith('vsibench:') ? 0 : 1);
  const missing = new Map<string, { dataset: string; name: string; count: number; near: string[] }>();
  const out: ResolvedQuestion[] = [];
  for (const q of set.questions) {
    const { scene_name: name, dataset } = q.record;
    const candidates = byName.get(name) ?? [];
    const match = candidates.filter((s) => s.dataset === dataset).sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id))[0];
    if (match) {
      out.push({ ...q, sceneId: match.id });
      continue;
    }
    const key = `${dataset}/${name}`;
    const m = missing.get(key) ?? { dataset, name, count: 0, near: candidates.map((s) => `${s.id} (dataset ${s.dataset})`) };
    m.count++;
    missing.set(key, m);
  }
  if (missing.size > 0) {
    const list = [...missing.values()];
    const datasets = [...new Set(list.map((m) => m.dataset))];
    const shown = list
      .slice(0, 10)
      .map((m) => `${m.dataset}/${m.name} (${m.count} question${m.count === 1 ? '' : 's'}${m.near.length ? `; stored with another dataset: ${m.near.join(', ')}` : ''})`)
      .join(', ');
    const more = list.length > 10 ? `, … and ${list.length - 10} more` : '';
    const how = datasets.map((d) => `npm run scenes -- import vsibench:<path>/${d}_meta_info_val.json`).join(' and ');
    throw new InputError({
      file: set.file,
      message: `${list.reduce((n, m) => n + m.count, 0)} questions refer to ${list.length} scenes that are not in the workspace: ${shown}${more}. Import them first with ${how} (VSI-Bench's meta_info files), then run this again`,
    });
  }
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

/** The perception a question is answered from: one seeded observation per scene, shared by its questions. */
export function observeForQuestions(sceneIds: Iterable<string>, scenes: SceneLookup, options: ExternalOptions = {}): Map<string, Observation> {
  const seed = options.seed ?? 0;
  const out = new Map<string, Observation>();
  for (const id of sceneIds) {
    if (out.has(id)) continue;
    const config = defaultPerceptionConfig(hashSeed(seed, id));
    if (options.frames !== undefined) config.frames = options.frames;
    out.set(id, observeScene(lookup(scenes, id), config));
  }
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
    };
  });
}

export interface ExternalPrediction {
  question: ResolvedQuestion;
  /** As written to the predictions file: an option letter, or the number as text (4 significant digits). */
  prediction: string;
  confidence: number;
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
  predict(samples: readonly SolverSample[]): Promise<Prediction[]>;
}

function predictionText(p: string | number): string {
  // Bin centres carry float noise (1.2345679); four digits keep what MRA can tell apart.
  return typeof p === 'number' ? String(Number(p.toPrecision(4))) : p;
}

/** Answers every question and scores it; per-family and overall scores as VSI-Bench computes them. */
export async function evaluateExternal(solver: Predictor, questions: readonly ResolvedQuestion[], scenes: SceneLookup, options: ExternalOptions = {}): Promise<ExternalEvaluation> {
  const observations = observeForQuestions(
    questions.map((q) => q.sceneId),
    scenes,
    options,
  );
  const samples = externalSamples(questions, observations).map((s) => ({ ...s, qa: { ...s.qa, answer: undefined } }));
  const raw = questions.length > 0 ? await solver.predict(samples) : [];
  const predictions = questions.map((q, i) => {
    const p = raw[i]!;
    const prediction = predictionText(p.prediction);
    return { question: q, prediction, confidence: p.confidence, score: scorePrediction(q.family, prediction, q.answer) };
  });
  const { families, overall } = aggregateScores(predictions.map((p) => ({ family: p.question.family, score: p.score })));
  return { predictions, families, overall };
}

/** A prediction as a VSI-Bench record plus `prediction` and `confidence`. */
export function predictionRecord(p: ExternalPrediction): VsiRecord & { prediction: string; confidence: number } {
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
    confidence: p.confidence,
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
