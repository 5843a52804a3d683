/**
 * From an Observation and a question to the model's fixed-shape inputs.
 *
 * Question side: [CLS], the question's words, [SEP], then each option's words (its "A." prefix dropped: the
 * option's segment id says which letter it is). Numbers are [NUM] plus a value feature.
 *
 * Observation side: one token per detection — label embedding plus continuous features: normalised 2D box,
 * estimated depth, visible fraction, score, time along the video, the box lifted into the camera frame with
 * the intrinsics and, when the ego pose is given, into the world (a noisy position, as a depth estimator
 * gives: never a ground-truth box), and the camera's own position and heading.
 *
 * Binding: every label the question names gets a slot — 1…4 for named objects in order of mention (counted
 * object, reference, standing-by / facing / querying objects, categories to order), 5…10 for a label that
 * is option A…F. Question words of the mention and every detection of that label share the slot embedding,
 * which is how attention can tie "the sofa" in the question to sofa detections, and an option letter to the
 * detections it names.
 */
import { InputError } from '../../shared/errors.js';
import type { Detection, FrameObservation, Observation } from '../../shared/observation.js';
import type { Family } from '../../shared/proposer.js';
import type { AnswerType } from '../../shared/proposer.js';
import { ANSWER_CLASSES, LETTERS, answerBias, answerTarget, encodeAnswer } from './answers.js';
import { CLS_ID, NUM_ID, SEP_ID, UNK_ID, type Vocabulary, type Word, normaliseLabelText, splitWords } from './tokenizer.js';

/** What the solver needs of a QA (a QA record satisfies it). */
export interface SolverQuestion {
  id?: string;
  family: Family;
  question: string;
  options?: string[];
  answerType: AnswerType;
  /** Labels the question names, in the proposer's order; found in the text when absent. */
  named?: readonly { label: string }[];
  /** Trajectory frame the question refers to (camera_object_distance); parsed from "frame N" when absent. */
  frame?: number;
  /** Ground truth: an option letter or a number. Needed to train and to score, not to predict. */
  answer?: string | number;
}

export interface SolverSample {
  qa: SolverQuestion;
  observation: Observation;
  /** The scene asked about: what an endpoint model is shown frames of (the built-in solver reads `observation`). */
  sceneId?: string;
}

export interface FeatureConfig {
  /** Question + option tokens, [CLS] and [SEP] included. */
  maxQuestionTokens: number;
  /** Detection tokens per sample; the rest are dropped (named labels first, then by score). */
  maxDetections: number;
}

export const NAMED_SLOTS = 4;
export const OPTION_SLOT0 = 1 + NAMED_SLOTS;
export const SLOT_COUNT = OPTION_SLOT0 + LETTERS.length;
/** Segment 0 is the question, segment i the i-th option. */
export const SEGMENT_COUNT = 1 + LETTERS.length;
export const NUMBER_FEATURES = 2;

export const DETECTION_FEATURES = [
  'box_x0',
  'box_y0',
  'box_x1',
  'box_y1',
  'box_area',
  'depth',
  'log_depth',
  'visible_fraction',
  'score',
  'time',
  'timestamp',
  'question_frame',
  'same_label_in_frame',
  'camera_frame_x',
  'camera_frame_y',
  'camera_frame_z',
  'metric_width',
  'metric_height',
  'has_pose',
  'world_x',
  'world_y',
  'world_z',
  'camera_x',
  'camera_y',
  'camera_z',
  'forward_x',
  'forward_y',
  'forward_z',
] as const;
export const FEATURE_COUNT = DETECTION_FEATURES.length;

/** Metres per feature unit: rooms span a few metres, so positions land within a few units of 0. */
const POSITION_SCALE = 4;

/** Model input names, shared with the model definition. */
export const INPUTS = {
  tokens: 'q_tokens',
  segments: 'q_segments',
  numbers: 'q_numbers',
  labels: 'd_labels',
  features: 'd_features',
  slots: 'slots',
  mask: 'mask',
  bias: 'answer_bias',
  answer: 'answer',
  target: 'answer_target',
} as const;

export interface EncodedSample {
  name: string;
  tokens: BigInt64Array;
  segments: BigInt64Array;
  numbers: Float32Array;
  labels: BigInt64Array;
  features: Float32Array;
  /** Question tokens then detection tokens. */
  slots: BigInt64Array;
  mask: Uint8Array;
  bias: Float32Array;
  /** Answer class, when the sample has a ground-truth answer. */
  answer?: number;
  target?: Float32Array;
  /** Bookkeeping for reports: how much was cut to fit. */
  stats: { questionWords: number; optionWords: number; truncatedWords: number; detections: number; keptDetections: number; unknownWords: number };
}

export interface EncodeOptions {
  /** Spread of a measured answer's target over neighbouring bins (see answerTarget). */
  sigmaBins?: number;
  /** 'require' to train, 'optional' to score what has one, 'ignore' to predict (default 'optional'). */
  answers?: 'require' | 'optional' | 'ignore';
}

interface Mention {
  start: number;
  end: number;
  label: string;
}

/** Longest-first label matches in a word sequence; a trailing "s"/"es" on the last word still matches. */
function findMentions(words: readonly string[], labels: readonly string[]): Mention[] {
  const split = labels.map((l) => ({ label: l, words: l.split(' ') })).sort((a, b) => b.words.length - a.words.length || a.label.localeCompare(b.label));
  const out: Mention[] = [];
  for (let i = 0; i < words.length; ) {
    const hit = split.find((l) =>
      l.words.every((w, k) => {
        const x = words[i + k];
        if (x === w) return true;
        return k === l.words.length - 1 && (x === `${w}s` || x === `${w}es`);
      }),
    );
    if (hit) {
      out.push({ start: i, end: i + hit.words.length, label: hit.label });
      i += hit.words.length;
    } else i++;
  }
  return out;
}

const OPTION_PREFIX = /^\s*[A-Fa-f]\s*[.)]\s*/;

/** Option text without its letter prefix. */
export function optionText(option: string): string {
  return option.replace(OPTION_PREFIX, '');
}

/** Slot of each label the question names: options first (their letter's slot), then named order. */
export function assignSlots(qa: SolverQuestion, candidates: readonly string[], questionWords: readonly Word[] = splitWords(qa.question)): Map<string, number> {
  const labels = qa.named && qa.named.length > 0 ? [...new Set(qa.named.map((n) => normaliseLabelText(n.label)))] : [...new Set(candidates)];
  const words = questionWords.map((w) => w.text);
  const order: string[] = [];
  for (const m of findMentions(words, labels)) if (!order.includes(m.label)) order.push(m.label);
  if (qa.named) for (const l of labels) if (!order.includes(l)) order.push(l);
  const slots = new Map<string, number>();
  (qa.options ?? []).forEach((o, i) => {
    const t = normaliseLabelText(optionText(o));
    if (i < LETTERS.length && (labels.includes(t) || candidates.includes(t)) && !slots.has(t)) slots.set(t, OPTION_SLOT0 + i);
  });
  let named = 0;
  for (const l of order) if (!slots.has(l)) slots.set(l, 1 + Math.min(named++, NAMED_SLOTS - 1));
  return slots;
}

/** Trajectory frame the question refers to, if any. */
export function questionFrame(qa: SolverQuestion): number | undefined {
  if (qa.frame !== undefined) return qa.frame;
  const m = /\bframe\s+(\d+)\b/i.exec(qa.question);
  return m ? Number(m[1]) - 1 : undefined;
}

/** The field's path is built only when it is reported: encoding checks hundreds of numbers a sample. */
function check(name: string, field: () => string, v: number): number {
  if (!Number.isFinite(v)) throw new InputError({ field: `${name}.${field()}`, message: `expected a finite number, found ${v}` });
  return v;
}

/** Rejects any non-finite number the features would read, naming where it is. */
export function validateObservation(name: string, o: Observation): void {
  o.frames.forEach((f, i) => {
    const at = `frames[${i}]`;
    check(name, () => `${at}.timestamp`, f.timestamp);
    for (const k of ['fx', 'fy', 'cx', 'cy'] as const) check(name, () => `${at}.intrinsics.${k}`, f.intrinsics[k]);
    if (!(f.width > 0) || !(f.height > 0)) throw new InputError({ field: `${name}.${at}`, message: `expected a positive image size, found ${f.width}×${f.height}` });
    if (!(f.intrinsics.fx > 0) || !(f.intrinsics.fy > 0)) throw new InputError({ field: `${name}.${at}.intrinsics`, message: 'expected positive focal lengths' });
    f.egoPose?.forEach((v, j) => check(name, () => `${at}.egoPose[${j}]`, v));
    f.detections.forEach((d, j) => {
      const dt = (): string => `${at}.detections[${j}]`;
      d.box.forEach((v, k) => check(name, () => `${dt()}.box[${k}]`, v));
      check(name, () => `${dt()}.depth`, d.depth);
      check(name, () => `${dt()}.visibleFraction`, d.visibleFraction);
      check(name, () => `${dt()}.score`, d.score);
    });
  });
}

/** A detection of the observation, frames in order, its label normalised. */
interface Candidate {
  frame: FrameObservation;
  frameRank: number;
  index: number;
  det: Detection;
  label: string;
}

/** Camera-frame point of the box centre at the estimated depth (OpenCV axes: x right, y down, z forward). */
function liftToCamera(f: FrameObservation, d: Detection): [number, number, number] {
  const u = (d.box[0] + d.box[2]) / 2;
  const v = (d.box[1] + d.box[3]) / 2;
  const { fx, fy, cx, cy } = f.intrinsics;
  return [((u - cx) / fx) * d.depth, ((v - cy) / fy) * d.depth, d.depth];
}

function transform(pose: readonly number[], p: readonly [number, number, number]): [number, number, number] {
  return [0, 1, 2].map((r) => pose[4 * r]! * p[0] + pose[4 * r + 1]! * p[1] + pose[4 * r + 2]! * p[2] + pose[4 * r + 3]!) as [number, number, number];
}

function answerMask(name: string, qa: SolverQuestion): Float32Array {
  try {
    return answerBias(qa);
  } catch (e) {
    throw new InputError({ field: `${name}.${qa.answerType === 'choice' ? 'options' : 'family'}`, message: (e as Error).message });
  }
}

/** The sample's arrays that question and detection tokens share a position in (question first). */
interface TokenArrays {
  tokens: BigInt64Array;
  segments: BigInt64Array;
  numbers: Float32Array;
  slots: BigInt64Array;
  mask: Uint8Array;
}

interface QuestionStats {
  questionWords: number;
  optionWords: number;
  truncatedWords: number;
  unknownWords: number;
}

/**
 * What encoding reads from the observation alone, made once per observation object and shared by every question
 * about it: observations are never changed after they are made (the loop keeps one per scene; encodingCache.ts
 * relies on the same), so a question costs only its own part. Made only from a valid observation.
 */
interface ObservationIndex {
  /** Every detection, frames in order. */
  all: Candidate[];
  /** Per detection (in `all`'s order), FEATURE_COUNT values; `question_frame` left 0 (it depends on the question). */
  features: Float32Array;
  /** Positions in `all`, most confident first (ties by position): what keptDetections takes from, per question. */
  byScore: Int32Array;
  /** Every label the question could name, per vocabulary: the vocabulary's and whatever the detector saw. */
  candidates: WeakMap<Vocabulary, string[]>;
  /** Each detection's label id (in `all`'s order), per vocabulary. */
  labelIds: WeakMap<Vocabulary, BigInt64Array>;
}

const QUESTION_FRAME_FEATURE = DETECTION_FEATURES.indexOf('question_frame');

// BigInt(n) makes a new heap number each call; token, segment and slot ids are small and written by the hundred per sample.
const SMALL_BIGINTS = Array.from({ length: 8192 }, (_, i) => BigInt(i));
function smallBigInt(n: number): bigint {
  return SMALL_BIGINTS[n] ?? BigInt(n);
}
const observationIndexes = new WeakMap<Observation, ObservationIndex>();

function observationIndex(name: string, observation: Observation): ObservationIndex {
  const known = observationIndexes.get(observation);
  if (known) return known;
  // Thrown for every sample of an invalid observation, each naming its own sample: only a valid one is kept.
  validateObservation(name, observation);
  const frames = [...observation.frames].sort((a, b) => a.frame - b.frame);
  const all: Candidate[] = [];
  frames.forEach((frame, frameRank) => frame.detections.forEach((det, index) => all.push({ frame, frameRank, index, det, label: normaliseLabelText(det.label) })));
  const at = observationFrame(frames, all);
  const features = new Float32Array(all.length * FEATURE_COUNT);
  all.forEach((c, j) => {
    const values = detectionFeatures(c, at);
    DETECTION_FEATURES.forEach((k, i) => (features[j * FEATURE_COUNT + i] = check(name, () => `features.${k}`, values[k])));
  });
  const byScore = Int32Array.from(all, (_, i) => i).sort((a, b) => all[b]!.det.score - all[a]!.det.score || a - b);
  const index: ObservationIndex = { all, features, byScore, candidates: new WeakMap(), labelIds: new WeakMap() };
  observationIndexes.set(observation, index);
  return index;
}

function detectionLabelIds(index: ObservationIndex, vocab: Vocabulary): BigInt64Array {
  let ids = index.labelIds.get(vocab);
  if (!ids) index.labelIds.set(vocab, (ids = BigInt64Array.from(index.all, (c) => BigInt(vocab.labelId(c.label)))));
  return ids;
}

function candidateLabels(index: ObservationIndex, vocab: Vocabulary): string[] {
  let labels = index.candidates.get(vocab);
  if (!labels) index.candidates.set(vocab, (labels = [...new Set([...vocab.labels, ...index.all.map((c) => c.label)])]));
  return labels;
}

/**
 * How many question and option words fit beside [CLS] and [SEP]. Options carry the answer's meaning and the
 * question's tail is boilerplate, so the question is what gets cut.
 */
function tokenBudgets(questionWords: number, optionWords: number, maxQuestionTokens: number): { question: number; options: number } {
  const room = maxQuestionTokens - 2;
  const options = Math.min(optionWords, Math.max(0, room - Math.min(questionWords, Math.floor(room / 2))));
  return { question: Math.min(questionWords, room - options), options };
}

/** [CLS] question [SEP] options, each word with its segment and the slot of the label it belongs to. */
function writeQuestionTokens(out: TokenArrays, qa: SolverQuestion, qWords: readonly Word[], vocab: Vocabulary, slotOf: ReadonlyMap<string, number>, maxQuestionTokens: number): QuestionStats {
  const slotLabels = [...slotOf.keys()];
  const qMentions = findMentions(qWords.map((w) => w.text), slotLabels);
  // Options keep their words only: punctuation inside an option ("front-left", "chair, table") carries
  // nothing the words and slots do not, and options compete with the question for the token budget.
  const options = (qa.options ?? []).slice(0, LETTERS.length).map((o) => splitWords(optionText(o)).filter((w) => w.text === '[NUM]' || /\p{L}/u.test(w.text)));
  const optionTotal = options.reduce((n, o) => n + o.length, 0);
  const budget = tokenBudgets(qWords.length, optionTotal, maxQuestionTokens);
  let unknownWords = 0;
  let pos = 0;
  const put = (id: number, value: number, segment: number, slot: number): void => {
    out.tokens[pos] = smallBigInt(id);
    out.segments[pos] = smallBigInt(segment);
    out.slots[pos] = smallBigInt(slot);
    out.mask[pos] = 1;
    if (id === NUM_ID && Number.isFinite(value)) {
      out.numbers[pos * NUMBER_FEATURES] = (Math.sign(value) * Math.log1p(Math.abs(value))) / 4;
      out.numbers[pos * NUMBER_FEATURES + 1] = Math.max(-1, Math.min(1, value / 100));
    }
    pos++;
  };
  const wordSlots = (words: readonly string[]): number[] => {
    const s = new Array<number>(words.length).fill(0);
    for (const m of findMentions(words, slotLabels)) for (let k = m.start; k < m.end; k++) s[k] = slotOf.get(m.label) ?? 0;
    return s;
  };
  put(CLS_ID, Number.NaN, 0, 0);
  const qEnc = vocab.encodeWords(qWords);
  const qSlots = new Array<number>(qWords.length).fill(0);
  for (const m of qMentions) for (let k = m.start; k < m.end; k++) qSlots[k] = slotOf.get(m.label) ?? 0;
  for (let k = 0; k < budget.question; k++) {
    if (qEnc.ids[k] === UNK_ID) unknownWords++;
    put(qEnc.ids[k]!, qEnc.values[k]!, 0, qSlots[k]!);
  }
  put(SEP_ID, Number.NaN, 0, 0);
  let optLeft = budget.options;
  options.forEach((words, i) => {
    const enc = vocab.encodeWords(words);
    const label = normaliseLabelText(words.map((w) => (w.text === '[NUM]' ? String(w.value) : w.text)).join(' '));
    // An option that is a label as a whole binds to its letter's slot; otherwise its words bind as mentions.
    const whole = slotOf.get(label);
    const ws = whole !== undefined && whole >= OPTION_SLOT0 ? words.map(() => whole) : wordSlots(enc.words);
    for (let k = 0; k < words.length && optLeft > 0; k++, optLeft--) {
      if (enc.ids[k] === UNK_ID) unknownWords++;
      put(enc.ids[k]!, enc.values[k]!, i + 1, ws[k]!);
    }
  });
  return {
    questionWords: qWords.length,
    optionWords: optionTotal,
    truncatedWords: qWords.length - budget.question + optionTotal - budget.options,
    unknownWords,
  };
}

/**
 * Positions (in `all`) of the detections that fit in the sample's detection tokens, in `all`'s order. A label the
 * question names is what the answer depends on: its detections are kept before a confident detection of something
 * else.
 */
function keptDetections(index: ObservationIndex, slotOf: ReadonlyMap<string, number>, maxDetections: number): number[] {
  const { all, byScore } = index;
  if (all.length <= maxDetections) return all.map((_, i) => i);
  // Named detections by confidence, then the others by confidence (the observation's byScore order, ties by
  // position), cut at the budget and put back in `all`'s order.
  const kept = new Uint8Array(all.length);
  let left = maxDetections;
  for (const named of [true, false]) {
    for (let k = 0; k < byScore.length && left > 0; k++) {
      const p = byScore[k]!;
      if ((slotOf.get(all[p]!.label) ?? 0) > 0 === named) {
        kept[p] = 1;
        left--;
      }
    }
  }
  const out: number[] = [];
  for (let p = 0; p < kept.length; p++) if (kept[p]) out.push(p);
  return out;
}

/** What a detection's features are measured against: the whole observation, not the detection's own frame. */
interface ObservationFrame {
  frameCount: number;
  /** Mean camera position over the posed frames: world features are relative to it. */
  origin: [number, number, number];
  maxTime: number;
  perFrameCount: Map<FrameObservation, Map<string, number>>;
}

function observationFrame(frames: readonly FrameObservation[], all: readonly Candidate[]): ObservationFrame {
  const posed = frames.filter((f) => f.egoPose);
  const origin: [number, number, number] = [0, 0, 0];
  for (const f of posed) for (let k = 0; k < 3; k++) origin[k]! += f.egoPose![4 * k + 3]! / posed.length;
  const maxTime = Math.max(0, ...frames.map((f) => f.timestamp));
  const perFrameCount = new Map<FrameObservation, Map<string, number>>();
  for (const c of all) {
    const m = perFrameCount.get(c.frame) ?? new Map<string, number>();
    m.set(c.label, (m.get(c.label) ?? 0) + 1);
    perFrameCount.set(c.frame, m);
  }
  return { frameCount: frames.length, origin, maxTime, perFrameCount };
}

/** The question's frame and the frame distance from it to the nearest observed frame. */
interface QuestionFrame {
  frame: number;
  nearest: number;
}

function questionFrameOf(qa: SolverQuestion, observation: Observation): QuestionFrame | undefined {
  const frame = questionFrame(qa);
  if (frame === undefined || observation.frames.length === 0) return undefined;
  return { frame, nearest: Math.min(...observation.frames.map((f) => Math.abs(f.frame - frame))) };
}

/** A detection's features from the observation alone; `question_frame` is 0 here and set per question (writeDetectionTokens). */
function detectionFeatures(c: Candidate, at: ObservationFrame): Record<(typeof DETECTION_FEATURES)[number], number> {
  const { frame: f, det: d } = c;
  const { origin, maxTime } = at;
  const [x0, y0, x1, y1] = d.box;
  const cam = liftToCamera(f, d);
  const values: Record<(typeof DETECTION_FEATURES)[number], number> = {
    box_x0: x0 / f.width,
    box_y0: y0 / f.height,
    box_x1: x1 / f.width,
    box_y1: y1 / f.height,
    box_area: (Math.max(0, x1 - x0) * Math.max(0, y1 - y0)) / (f.width * f.height),
    depth: d.depth / POSITION_SCALE,
    log_depth: Math.log(Math.max(d.depth, 0.05)),
    visible_fraction: d.visibleFraction,
    score: d.score,
    time: at.frameCount > 1 ? c.frameRank / (at.frameCount - 1) : 0,
    timestamp: maxTime > 0 ? f.timestamp / maxTime : 0,
    question_frame: 0,
    same_label_in_frame: (at.perFrameCount.get(f)?.get(c.label) ?? 1) / 4,
    camera_frame_x: cam[0] / POSITION_SCALE,
    camera_frame_y: cam[1] / POSITION_SCALE,
    camera_frame_z: cam[2] / POSITION_SCALE,
    metric_width: (Math.abs(x1 - x0) * d.depth) / f.intrinsics.fx / 2,
    metric_height: (Math.abs(y1 - y0) * d.depth) / f.intrinsics.fy / 2,
    has_pose: f.egoPose ? 1 : 0,
    world_x: 0,
    world_y: 0,
    world_z: 0,
    camera_x: 0,
    camera_y: 0,
    camera_z: 0,
    forward_x: 0,
    forward_y: 0,
    forward_z: 0,
  };
  if (f.egoPose) {
    const p = f.egoPose;
    const w = transform(p, cam);
    values.world_x = (w[0] - origin[0]) / POSITION_SCALE;
    values.world_y = (w[1] - origin[1]) / POSITION_SCALE;
    values.world_z = (w[2] - origin[2]) / POSITION_SCALE;
    values.camera_x = (p[3] - origin[0]) / POSITION_SCALE;
    values.camera_y = (p[7] - origin[1]) / POSITION_SCALE;
    values.camera_z = (p[11] - origin[2]) / POSITION_SCALE;
    // The optical axis (camera z) in world: the pose's third column.
    values.forward_x = p[2];
    values.forward_y = p[6];
    values.forward_z = p[10];
  }
  return values;
}

interface DetectionTokens {
  labels: BigInt64Array;
  features: Float32Array;
  detections: number;
  keptDetections: number;
}

/** Detection tokens after the question's: label, features and slot per kept detection. */
function writeDetectionTokens(out: TokenArrays, qa: SolverQuestion, observation: Observation, index: ObservationIndex, vocab: Vocabulary, slotOf: ReadonlyMap<string, number>, config: FeatureConfig): DetectionTokens {
  const tq = config.maxQuestionTokens;
  const nd = config.maxDetections;
  const { all, features: known } = index;
  const kept = keptDetections(index, slotOf, nd);
  const labelIds = detectionLabelIds(index, vocab);
  const q = questionFrameOf(qa, observation);
  const labels = new BigInt64Array(nd);
  const features = new Float32Array(nd * FEATURE_COUNT);
  kept.forEach((p, j) => {
    const c = all[p]!;
    features.set(known.subarray(p * FEATURE_COUNT, (p + 1) * FEATURE_COUNT), j * FEATURE_COUNT);
    if (q && Math.abs(c.frame.frame - q.frame) === q.nearest) features[j * FEATURE_COUNT + QUESTION_FRAME_FEATURE] = 1;
    labels[j] = labelIds[p]!;
    out.slots[tq + j] = smallBigInt(slotOf.get(c.label) ?? 0);
    out.mask[tq + j] = 1;
  });
  return { labels, features, detections: all.length, keptDetections: kept.length };
}

/** The ground-truth answer's class and target, as `answers` asks. */
function attachAnswer(encoded: EncodedSample, qa: SolverQuestion, encodeOptions: EncodeOptions): void {
  const answers = encodeOptions.answers ?? 'optional';
  if (qa.answer !== undefined && answers !== 'ignore') {
    try {
      encoded.answer = encodeAnswer(qa, qa.answer);
    } catch (e) {
      throw new InputError({ field: `${encoded.name}.answer`, message: (e as Error).message });
    }
    encoded.target = answerTarget(qa, encoded.answer, encodeOptions.sigmaBins ?? 0);
  } else if (answers === 'require') {
    throw new InputError({ field: `${encoded.name}.answer`, message: 'expected a ground-truth answer to train on, found none' });
  }
}

export function encodeSample(sample: SolverSample, vocab: Vocabulary, config: FeatureConfig, index = 0, encodeOptions: EncodeOptions = {}): EncodedSample {
  const { qa, observation } = sample;
  const name = qa.id ? `sample "${qa.id}"` : `sample ${index}`;
  const seen = observationIndex(name, observation);
  const tq = config.maxQuestionTokens;
  const nd = config.maxDetections;
  if (tq < 3) throw new RangeError(`maxQuestionTokens must be at least 3, got ${tq}`);
  const questionWords = splitWords(qa.question);
  const slotOf = assignSlots(qa, candidateLabels(seen, vocab), questionWords);
  const out: TokenArrays = {
    tokens: new BigInt64Array(tq),
    segments: new BigInt64Array(tq),
    numbers: new Float32Array(tq * NUMBER_FEATURES),
    slots: new BigInt64Array(tq + nd),
    mask: new Uint8Array(tq + nd),
  };
  const question = writeQuestionTokens(out, qa, questionWords, vocab, slotOf, tq);
  const detections = writeDetectionTokens(out, qa, observation, seen, vocab, slotOf, config);
  const encoded: EncodedSample = {
    name,
    tokens: out.tokens,
    segments: out.segments,
    numbers: out.numbers,
    labels: detections.labels,
    features: detections.features,
    slots: out.slots,
    mask: out.mask,
    bias: answerMask(name, qa),
    stats: {
      questionWords: question.questionWords,
      optionWords: question.optionWords,
      truncatedWords: question.truncatedWords,
      detections: detections.detections,
      keptDetections: detections.keptDetections,
      unknownWords: question.unknownWords,
    },
  };
  attachAnswer(encoded, qa, encodeOptions);
  return encoded;
}

export type BatchFeeds = Record<string, BigInt64Array | Float32Array | Uint8Array>;

/**
 * Stacks encoded samples (by index, repeats allowed) into one batch. Samples without an answer get a
 * placeholder target on their first valid class: the loss then means nothing for them, and callers that
 * predict ignore it.
 */
export function stackBatch(samples: readonly EncodedSample[], indices: readonly number[], config: FeatureConfig): BatchFeeds {
  const b = indices.length;
  const tq = config.maxQuestionTokens;
  const t = tq + config.maxDetections;
  const a = ANSWER_CLASSES;
  const out = {
    [INPUTS.tokens]: new BigInt64Array(b * tq),
    [INPUTS.segments]: new BigInt64Array(b * tq),
    [INPUTS.numbers]: new Float32Array(b * tq * NUMBER_FEATURES),
    [INPUTS.labels]: new BigInt64Array(b * config.maxDetections),
    [INPUTS.features]: new Float32Array(b * config.maxDetections * FEATURE_COUNT),
    [INPUTS.slots]: new BigInt64Array(b * t),
    [INPUTS.mask]: new Uint8Array(b * t),
    [INPUTS.bias]: new Float32Array(b * a),
    [INPUTS.answer]: new BigInt64Array(b),
    [INPUTS.target]: new Float32Array(b * a),
  };
  indices.forEach((s, i) => {
    const e = samples[s];
    if (!e) throw new RangeError(`no encoded sample ${s}`);
    (out[INPUTS.tokens] as BigInt64Array).set(e.tokens, i * tq);
    (out[INPUTS.segments] as BigInt64Array).set(e.segments, i * tq);
    (out[INPUTS.numbers] as Float32Array).set(e.numbers, i * tq * NUMBER_FEATURES);
    (out[INPUTS.labels] as BigInt64Array).set(e.labels, i * config.maxDetections);
    (out[INPUTS.features] as Float32Array).set(e.features, i * config.maxDetections * FEATURE_COUNT);
    (out[INPUTS.slots] as BigInt64Array).set(e.slots, i * t);
    (out[INPUTS.mask] as Uint8Array).set(e.mask, i * t);
    (out[INPUTS.bias] as Float32Array).set(e.bias, i * a);
    const cls = e.answer ?? e.bias.findIndex((v) => v === 0);
    (out[INPUTS.answer] as BigInt64Array)[i] = BigInt(cls);
    if (e.target) (out[INPUTS.target] as Float32Array).set(e.target, i * a);
    else (out[INPUTS.target] as Float32Array)[i * a + cls] = 1;
  });
  return out;
}

/** K batches' feeds stacked along a new leading axis, as a Loop-of-K train step reads them. */
export function concatFeeds(batches: readonly BatchFeeds[]): BatchFeeds {
  return Object.fromEntries(
    Object.keys(batches[0]!).map((name) => {
      const parts = batches.map((b) => b[name]!);
      const out = new (parts[0]!.constructor as new (n: number) => (typeof parts)[number])(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        (out as Float32Array).set(p as Float32Array, at);
        at += p.length;
      }
      return [name, out];
    }),
  );
}
