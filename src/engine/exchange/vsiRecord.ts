/**
 * VSI-Bench's question record, as its published test file (and lmms-eval's vsibench task) has it: `id`,
 * `dataset`, `scene_name`, `question_type`, `question`, `options` (lettered "A. …" strings, null for numeric
 * questions) and `ground_truth` (a string: the option letter, or the number as text). Exports write this
 * shape and the external-question reader reads it, so the two line up with the benchmark's tooling.
 */
import { FAMILIES, VSI_FAMILIES } from '../../shared/proposer.js';

export interface VsiRecord {
  /** VSI-Bench uses integers; any string or number is kept as given. */
  id: number | string;
  dataset: string;
  scene_name: string;
  question_type: string;
  question: string;
  options: string[] | null;
  ground_truth: string;
}

/**
 * VSI-Bench question types this solver has no family for, with the reason (reported, never silently dropped).
 * Empty since route planning became a family (#16); a type a later benchmark version adds goes here with its reason.
 */
export const UNSUPPORTED_QUESTION_TYPES: Readonly<Record<string, string>> = {};

/** Every question_type the reader recognises: VSI-Bench's own, this system's extra families, and the unsupported ones. */
export const KNOWN_QUESTION_TYPES: readonly string[] = [...VSI_FAMILIES, ...Object.keys(UNSUPPORTED_QUESTION_TYPES), ...FAMILIES.filter((f) => !(VSI_FAMILIES as readonly string[]).includes(f))];

/** The prompt lmms-eval's vsibench task gives a video model, so exported conversations train on what is evaluated. */
export const VSI_PRE_PROMPT = 'These are frames of a video.';
export const VSI_CHOICE_POST_PROMPT = "Answer with the option's letter from the given choices directly.";
export const VSI_NUMBER_POST_PROMPT = 'Please answer the question using a single word or phrase.';

export function vsiPrompt(question: string, options: readonly string[] | null): string {
  if (options && options.length > 0) return [VSI_PRE_PROMPT, question, `Options:\n${options.join('\n')}`, VSI_CHOICE_POST_PROMPT].join('\n');
  return [VSI_PRE_PROMPT, question, VSI_NUMBER_POST_PROMPT].join('\n');
}

/** Ground truth as VSI-Bench writes it: always a string ("A", "3", "1.8"). */
export function groundTruthText(answer: string | number): string {
  return typeof answer === 'number' ? String(answer) : answer;
}
