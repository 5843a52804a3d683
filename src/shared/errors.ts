/**
 * Errors about the user's input. They carry where (file, field) and what was expected so that the CLI and the
 * UI can print one clear sentence instead of a stack trace.
 */
export interface InputProblem {
  /** File the problem is in, when the input came from a file. */
  file?: string;
  /** Path of the offending field, e.g. `scene0251_00.object_bbox.chair[1].centroid[2]`, or a line/byte position. */
  field?: string;
  /** What is wrong, phrased as "expected X, found Y" where possible. */
  message: string;
}

export class InputError extends Error {
  readonly problems: InputProblem[];

  constructor(problems: InputProblem | InputProblem[]) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(formatProblems(list));
    this.name = 'InputError';
    this.problems = list;
  }
}

export function formatProblem(p: InputProblem): string {
  const where = [p.file, p.field].filter((s): s is string => s !== undefined && s !== '').join(': ');
  return where ? `${where}: ${p.message}` : p.message;
}

export function formatProblems(list: InputProblem[]): string {
  if (list.length === 0) return 'invalid input';
  const head = list.slice(0, 20).map(formatProblem);
  const more = list.length > 20 ? [`… and ${list.length - 20} more problems`] : [];
  return [...head, ...more].join('\n');
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}

/** One line for a log or a dialog: an InputError's own text, any other error's message. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
