/**
 * Word-level vocabulary for the solver's questions. The proposer writes from a handful of templates over a
 * closed label set, so whole words are the right unit: a subword model would only split "nightstand" into
 * pieces the model then has to glue back together. Numbers collapse to one [NUM] token and travel on as a
 * value feature, so "frame 12" and "frame 31" share an embedding and differ in magnitude only.
 *
 * The vocabulary is a pure function of the texts and labels it is built from (sorted, deduplicated), and it
 * is serialised inside the checkpoint: a solver restored elsewhere reads questions exactly as it was trained.
 */
import { CATEGORIES } from '../scene/categories.js';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[NUM]'] as const;
export const PAD_ID = 0;
export const UNK_ID = 1;
export const CLS_ID = 2;
export const SEP_ID = 3;
export const NUM_ID = 4;

/** Label id for a detection whose label the vocabulary has never seen (ids of known labels start at 1). */
export const UNKNOWN_LABEL_ID = 0;

export interface Word {
  /** Lower-cased word, punctuation mark, or '[NUM]'. */
  text: string;
  /** The number's value, for '[NUM]'. */
  value?: number;
}

// Unicode letters so an accented label stays one word; digits with an optional decimal part are numbers;
// everything else that is not space is a token of its own (punctuation, hyphens, brackets).
// The number alternative is captured, so a match knows it is a number without a second regex.
const WORD_PATTERN = /(\p{N}+(?:\.\p{N}+)?)|\p{L}+|[^\s\p{L}\p{N}]/gu;

/** Splits text into lower-case words, numbers and single punctuation marks. */
export function splitWords(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.toLowerCase().matchAll(WORD_PATTERN)) {
    const s = m[0];
    if (m[1] !== undefined) {
      const value = Number(s);
      out.push(Number.isFinite(value) ? { text: '[NUM]', value } : { text: s });
    } else out.push({ text: s });
  }
  return out;
}

export interface VocabularyData {
  /** Ordinary words (special tokens excluded), sorted. Token id = SPECIAL_TOKENS.length + index. */
  words: string[];
  /** Detection labels, sorted. Label id = 1 + index; 0 is the unknown label. */
  labels: string[];
}

export interface EncodedText {
  ids: number[];
  /** Number values by position (NaN where the token is not a number). */
  values: number[];
  words: string[];
}

export class Vocabulary {
  private readonly wordIds: Map<string, number>;
  private readonly labelIds: Map<string, number>;

  private constructor(readonly data: Readonly<VocabularyData>) {
    this.wordIds = new Map(SPECIAL_TOKENS.map((t, i) => [t as string, i]));
    data.words.forEach((w, i) => this.wordIds.set(w, SPECIAL_TOKENS.length + i));
    this.labelIds = new Map(data.labels.map((l, i) => [l, 1 + i]));
  }

  /** Every word of `texts` and of `labels` (labels are also spoken in questions), plus the labels themselves. */
  static build(texts: readonly string[], labels: readonly string[]): Vocabulary {
    const words = new Set<string>();
    for (const t of [...texts, ...labels]) for (const w of splitWords(t)) if (w.text !== '[NUM]') words.add(w.text);
    for (const s of SPECIAL_TOKENS) words.delete(s);
    const cleanLabels = new Set(labels.map(normaliseLabelText).filter((l) => l.length > 0));
    return new Vocabulary({ words: [...words].sort(), labels: [...cleanLabels].sort() });
  }

  static fromJSON(data: unknown): Vocabulary {
    const d = data as Partial<VocabularyData> | null;
    const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
    if (!d || !strings(d.words) || !strings(d.labels)) throw new TypeError('vocabulary must be { words: string[], labels: string[] }');
    if (new Set(d.words).size !== d.words.length || new Set(d.labels).size !== d.labels.length) throw new TypeError('vocabulary has duplicate entries');
    return new Vocabulary({ words: [...d.words], labels: [...d.labels] });
  }

  toJSON(): VocabularyData {
    return { words: [...this.data.words], labels: [...this.data.labels] };
  }

  /** Rows of the word embedding: special tokens + words. */
  get size(): number {
    return SPECIAL_TOKENS.length + this.data.words.length;
  }

  /** Rows of the label embedding: the unknown label + known labels. */
  get labelRows(): number {
    return 1 + this.data.labels.length;
  }

  id(word: string): number {
    return this.wordIds.get(word) ?? UNK_ID;
  }

  labelId(label: string): number {
    return this.labelIds.get(normaliseLabelText(label)) ?? UNKNOWN_LABEL_ID;
  }

  get labels(): readonly string[] {
    return this.data.labels;
  }

  encodeWords(words: readonly Word[]): EncodedText {
    return {
      ids: words.map((w) => this.id(w.text)),
      values: words.map((w) => w.value ?? Number.NaN),
      words: words.map((w) => w.text),
    };
  }

  encode(text: string): EncodedText {
    return this.encodeWords(splitWords(text));
  }

  /** Inverse of encode for inspection: ids back to words ('[NUM]' stays a placeholder). */
  decode(ids: readonly number[]): string[] {
    return ids.map((id) => (id < SPECIAL_TOKENS.length ? SPECIAL_TOKENS[id]! : (this.data.words[id - SPECIAL_TOKENS.length] ?? '[UNK]')));
  }
}

// Encoding a sample normalises every detection label of every frame, and the same few hundred labels come
// back for every question about a scene: splitting them again each time was most of the cost of encoding.
const normalisedLabels = new Map<string, string>();
const NORMALISED_LABELS_KEPT = 8192;

/** Labels compare as their words: case and spacing never make two labels differ. */
export function normaliseLabelText(label: string): string {
  let out = normalisedLabels.get(label);
  if (out === undefined) {
    out = splitWords(label)
      .map((w) => (w.text === '[NUM]' ? String(w.value) : w.text))
      .join(' ');
    // A bound, for callers that pass free text: starting over costs one split per label.
    if (normalisedLabels.size >= NORMALISED_LABELS_KEPT) normalisedLabels.clear();
    normalisedLabels.set(label, out);
  }
  return out;
}

/**
 * The proposer's phrasings (src/engine/proposer/families), with placeholder labels. Kept beside the
 * tokenizer rather than derived from the families at run time: drafting needs a scene. A test tokenises
 * real proposals and fails on any unknown word, so a rephrased family cannot drift out of the vocabulary.
 */
export const QUESTION_TEMPLATES: readonly string[] = [
  'How many X(s) are in this room?',
  'Measuring from the closest point of each object, what is the direct distance between the X and the Y (in meters)?',
  'What is the length of the longest dimension (length, width, or height) of the X, measured in centimeters?',
  'What is the size of this room (in square meters)? If multiple rooms are shown, estimate the size of the combined space.',
  'Measuring from the closest point of each object, which of these objects (X, Y, Z) is the closest to the W?',
  'If I am standing by the X and facing the Y, is the Z to the left or the right of the Y?',
  'If I am standing by the X and facing the Y, is the Z to my left, right, or back? An object is to my back if I would have to turn at least 135 degrees in order to face it.',
  'If I am standing by the X and facing the Y, is the Z to my front-left, front-right, back-left, or back-right? The directions refer to the quadrants of a Cartesian plane (if I am standing at the origin and facing along the positive y-axis).',
  'What will be the first-time appearance order of the following categories in the video: X, Y, Z, W?',
  'Which of these objects (X, Y, Z) reaches the highest point above the floor?',
  'Which of these objects (X, Y, Z) is the largest by volume?',
  'In frame 1 of 32 of the video, how far is the camera from the closest point of the X (in meters)?',
  "You are a robot beginning at the X facing the Y. You want to navigate to the Z. You will perform the following actions (Note: for each [please fill in], choose either 'turn back,' 'turn left,' or 'turn right.'): 1. Go forward until the W 2. [please fill in] 3. Go forward until the Z. You have reached the final destination.",
  'A. Turn Left, Turn Right, Turn Back',
  'A. left',
  'B. right',
  'C. back',
  'D. front-left, front-right, back-left, back-right',
  'E. F.',
];

/** Labels of the synthetic generator, which are also the normalised labels of the real-data importers. */
export function defaultLabels(): string[] {
  return [...new Set(Object.values(CATEGORIES).map((c) => c.label))].sort();
}

/** The vocabulary a fresh solver starts from: question templates and the default label set. */
export function defaultVocabulary(extraLabels: readonly string[] = []): Vocabulary {
  return Vocabulary.build(QUESTION_TEMPLATES, [...defaultLabels(), ...extraLabels]);
}
