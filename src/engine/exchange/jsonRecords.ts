/**
 * Record files as benchmarks ship them: one JSON array, or JSON Lines (one object per line). Which one is
 * decided by the first character, not the file name, since both circulate under `.json`. Each record keeps
 * where it came from (its index and, for JSON Lines, its line) for error messages.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../shared/errors.js';
import { parseJsonText } from '../sources/json.js';

export interface JsonRecord {
  /** 0-based position among the file's records. */
  index: number;
  /** 1-based line, for JSON Lines. */
  line?: number;
  value: unknown;
}

export function parseJsonRecords(text: string, file: string): JsonRecord[] {
  const body = text.replace(/^\uFEFF/, '');
  const first = /\S/.exec(body)?.[0];
  if (first === undefined) throw new InputError({ file, message: 'the file is empty; expected a JSON array or JSON Lines of question records' });
  if (first === '[') {
    const data = parseJsonText(body, file);
    if (!Array.isArray(data)) throw new InputError({ file, message: 'expected a JSON array of records' });
    return data.map((value, index) => ({ index, value }));
  }
  const out: JsonRecord[] = [];
  body.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = parseJsonText(line, file);
    } catch (e) {
      throw new InputError({ file, field: `line ${i + 1}`, message: e instanceof InputError ? (e.problems[0]?.message ?? e.message) : String(e) });
    }
    out.push({ index: out.length, line: i + 1, value });
  });
  return out;
}

export function readJsonRecords(file: string): JsonRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError({ file, message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
  }
  return parseJsonRecords(text, file);
}

/** JSON Lines text of the values, one per line, with a final newline (empty for no values). */
export function toJsonLines(values: readonly unknown[]): string {
  return values.map((v) => `${JSON.stringify(v)}\n`).join('');
}
