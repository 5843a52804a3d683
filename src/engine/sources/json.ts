/**
 * JSON reading for scene files. Python's json module writes NaN / Infinity literals, which JSON.parse rejects
 * with a bare position. We read them as marked values so validation can name the exact field that holds them.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../shared/errors.js';

export const NON_FINITE_MARK = '\u0000non-finite:';

/** Replaces bare NaN / Infinity / -Infinity tokens outside strings with marked strings. */
function markNonFiniteLiterals(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    for (const token of ['-Infinity', 'Infinity', 'NaN']) {
      if (text.startsWith(token, i)) {
        out += text.slice(last, i) + JSON.stringify(NON_FINITE_MARK + token);
        i += token.length - 1;
        last = i + 1;
        break;
      }
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

export function parseJsonText(text: string, file: string): unknown {
  const prepared = /NaN|Infinity/.test(text) ? markNonFiniteLiterals(text) : text;
  try {
    return JSON.parse(prepared);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    const where = pos ? ` at ${lineAndColumn(prepared, Number(pos[1]))}` : '';
    throw new InputError({ file, message: `not valid JSON${where}: ${msg}` });
  }
}

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError({ file, message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
  }
  return parseJsonText(text, file);
}

/** Describes a JSON value for an error message ("a string", "NaN", "null", …). */
export function describeJsonValue(v: unknown): string {
  if (typeof v === 'string' && v.startsWith(NON_FINITE_MARK)) return v.slice(NON_FINITE_MARK.length);
  if (v === null) return 'null';
  if (v === undefined) return 'nothing (field missing)';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return typeof v === 'number' ? String(v) : `a${typeof v === 'object' ? 'n object' : ` ${typeof v}`}`;
}

/** Field readers that collect problems instead of throwing at the first one. */
export class FieldReader {
  readonly problems: { file: string; field: string; message: string }[] = [];
  constructor(readonly file: string) {}

  private fail(field: string, expected: string, v: unknown): undefined {
    this.problems.push({ file: this.file, field, message: `expected ${expected}, found ${describeJsonValue(v)}` });
    return undefined;
  }

  object(v: unknown, field: string): Record<string, unknown> | undefined {
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : this.fail(field, 'an object', v);
  }

  number(v: unknown, field: string, opts: { positive?: boolean } = {}): number | undefined {
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(field, opts.positive ? 'a positive finite number' : 'a finite number', v);
    if (opts.positive && !(v > 0)) return this.fail(field, 'a positive finite number', v);
    return v;
  }

  numbers(v: unknown, n: number, field: string): number[] | undefined {
    if (!Array.isArray(v) || v.length !== n) return this.fail(field, `an array of ${n} numbers`, v);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = this.number(v[i], `${field}[${i}]`);
      if (x === undefined) return undefined;
      out.push(x);
    }
    return out;
  }

  array(v: unknown, field: string): unknown[] | undefined {
    return Array.isArray(v) ? v : this.fail(field, 'an array', v);
  }

  string(v: unknown, field: string): string | undefined {
    return typeof v === 'string' && !v.startsWith(NON_FINITE_MARK) ? v : this.fail(field, 'a string', v);
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new InputError(this.problems);
  }
}
