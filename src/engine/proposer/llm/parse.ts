/**
 * Reading the model's answer as a draft. Everything the model writes is untrusted: a field of the wrong type, a
 * missing one, prose around the JSON or a program far too long ends here as a reason, and the draft is
 * rejected by the `response` filter without running anything.
 */
import type { AnswerType, Family } from '../../../shared/proposer.js';
import { letterOptions } from '../families/common.js';
import { FAMILY_SPECS } from '../families/index.js';
import type { NamedObject } from '../types.js';

/** A program longer than this is not a question's program (the sandbox's own cap is 100,000). */
export const MAX_PROGRAM_CHARS = 8000;
const MAX_QUESTION_CHARS = 1000;
const MAX_OPTION_CHARS = 200;
const MAX_NAMED = 8;

export interface ParsedDraft {
  question: string;
  /** Lettered ("A. left"), for choice questions. */
  options?: string[];
  answerType: AnswerType;
  program: string;
  named: NamedObject[];
  frame?: number;
}

const excerpt = (s: string): string => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
};

/** The JSON text inside a reply: a fenced block's content, else from the first `{` to the last `}`. */
export function jsonText(reply: string): string {
  const fenced = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/.exec(reply);
  if (fenced) return fenced[1]!.trim();
  const start = reply.indexOf('{');
  const end = reply.lastIndexOf('}');
  return start >= 0 && end > start ? reply.slice(start, end + 1) : reply.trim();
}

/** The draft the reply describes, or the reason it describes none. */
export function parseDraft(reply: string, family: Family): ParsedDraft | { malformed: string } {
  const bad = (why: string): { malformed: string } => ({ malformed: `malformed answer: ${why}` });
  if (reply.trim() === '') return bad('the model wrote nothing');
  let v: unknown;
  try {
    v = JSON.parse(jsonText(reply));
  } catch {
    return bad(`not JSON: "${excerpt(reply)}"`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return bad(`expected a JSON object, found ${Array.isArray(v) ? 'an array' : JSON.stringify(v)}`);
  const o = v as Record<string, unknown>;
  const spec = FAMILY_SPECS[family];
  const { question, answerType, program, options, objects, frame } = o;
  if (typeof question !== 'string' || question.trim() === '') return bad('"question" missing or not a non-empty string');
  if (question.length > MAX_QUESTION_CHARS) return bad(`"question" longer than ${MAX_QUESTION_CHARS} characters`);
  if (answerType !== 'choice' && answerType !== 'number') return bad(`"answerType" must be "choice" or "number", found ${JSON.stringify(answerType) ?? 'nothing'}`);
  if (answerType !== spec.answerType) return bad(`"answerType" ${answerType}, but ${family} questions are answered by a ${spec.answerType}`);
  if (typeof program !== 'string' || program.trim() === '') return bad('"program" missing or not a non-empty string');
  if (program.length > MAX_PROGRAM_CHARS) return bad(`"program" longer than ${MAX_PROGRAM_CHARS} characters (${program.length})`);
  if (!Array.isArray(objects)) return bad('"objects" missing or not a list of {label, role}');
  if (objects.length > MAX_NAMED) return bad(`"objects" names more than ${MAX_NAMED} objects`);
  const named: NamedObject[] = [];
  for (const [i, n] of objects.entries()) {
    const item = n as Record<string, unknown> | null;
    if (item === null || typeof item !== 'object' || typeof item.label !== 'string' || item.label.trim() === '') return bad(`"objects[${i}]" has no label`);
    if (item.role !== 'unique' && item.role !== 'every' && item.role !== 'any') return bad(`"objects[${i}].role" must be unique, every or any`);
    named.push({ label: item.label, role: item.role });
  }
  const out: ParsedDraft = { question: question.trim(), answerType, program, named };
  if (answerType === 'choice') {
    if (!Array.isArray(options) || options.length < 2 || options.length > 6) return bad('"options" must list 2 to 6 option texts for a choice question');
    if (options.some((x) => typeof x !== 'string' || x.trim() === '' || x.length > MAX_OPTION_CHARS)) return bad(`every option must be a non-empty string of at most ${MAX_OPTION_CHARS} characters`);
    // Models often letter the options themselves; the letters are ours to assign.
    const texts = (options as string[]).map((x) => x.trim().replace(/^[A-F][.)]\s+/, ''));
    if (new Set(texts).size !== texts.length) return bad('two options are the same');
    out.options = letterOptions(texts);
  } else if (options !== undefined && options !== null && !(Array.isArray(options) && options.length === 0)) {
    return bad('a numeric question has no options');
  }
  if (frame !== undefined && frame !== null) {
    if (typeof frame !== 'number' || !Number.isInteger(frame) || frame < 0) return bad('"frame" must be a 0-based frame index or null');
    out.frame = frame;
  }
  return out;
}
