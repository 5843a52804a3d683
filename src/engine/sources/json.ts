/**
 * JSON reading for scene files. Python's json module writes NaN / Infinity literals, which JSON.parse rejects
 * with a bare position. We read them as marked values so validation can name the exact field that holds them.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../shared/errors.js';
import { checkFileSize, MAX_COORDINATE_M, MAX_JSON_FILE_BYTES, coordinateBoundText } from './limits.js';

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

const A_VALUE = 'a JSON value (an object, array, string, number, true, false or null)';

/**
 * Where a text stops being JSON (as this module reads it: NaN / Infinity allowed), and what was expected
 * there; undefined when it is JSON. Only called once JSON.parse has failed, to describe the failure by
 * position: V8's own message quotes the text around it, and errors must not quote a file's bytes.
 */
export function findJsonSyntaxError(text: string): { offset: number; expected: string } | undefined {
  const n = text.length;
  let i = 0;
  /** Open containers: true for an object, false for an array. */
  const stack: boolean[] = [];
  const ws = (): void => {
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  };
  const fail = (expected: string, offset = i): { offset: number; expected: string } => ({ offset, expected });
  /** Reads the string starting at i (a '"'); a problem, or undefined. */
  const string = (): { offset: number; expected: string } | undefined => {
    for (i++; i < n; ) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return undefined;
      }
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail('four hex digits after \\u');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          return fail('an escape sequence (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u and four hex digits)');
        }
        continue;
      }
      if (c < 32) return fail('a closing quote before this control character or line break (they must be escaped inside strings)');
      i++;
    }
    return fail('a closing quote (the text ends inside a string)', n);
  };
  /** Reads `"name" :` at i; a problem, or undefined. */
  const key = (): { offset: number; expected: string } | undefined => {
    if (text[i] !== '"') return fail("a property name in double quotes");
    const e = string();
    if (e) return e;
    ws();
    if (text[i] !== ':') return fail("':' after the property name");
    i++;
    ws();
    return undefined;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  ws();
  for (;;) {
    // A value starts at i.
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      ws();
      if (text[i] === (c === '{' ? '}' : ']')) {
        i++;
      } else {
        stack.push(c === '{');
        if (c === '{') {
          if (text[i] !== '"') return fail("a property name in double quotes or '}'");
          const e = key();
          if (e) return e;
        }
        continue;
      }
    } else if (c === '"') {
      const e = string();
      if (e) return e;
    } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      if (text.startsWith('-Infinity', i)) {
        i += 9;
      } else {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return fail('digits after the minus sign');
        i = NUMBER.lastIndex;
      }
    } else {
      const word = ['true', 'false', 'null', 'NaN', 'Infinity'].find((w) => text.startsWith(w, i));
      if (word === undefined) return fail(i >= n ? `${A_VALUE} (the text ends first)` : A_VALUE);
      i += word.length;
    }
    // The value is complete: close containers until the next value starts.
    for (;;) {
      ws();
      if (stack.length === 0) return i < n ? fail('nothing after the JSON value') : undefined;
      const inObject = stack[stack.length - 1]!;
      const next = text[i];
      if (next === ',') {
        i++;
        ws();
        if (inObject) {
          const e = key();
          if (e) return e;
        }
        break;
      }
      if (next === (inObject ? '}' : ']')) {
        i++;
        stack.pop();
        continue;
      }
      return fail(inObject ? "',' or '}' after a property value" : "',' or ']' after an array element");
    }
  }
}

/** Parses JSON text (a leading UTF-8 byte order mark is skipped, as the question reader does). */
export function parseJsonText(text: string, file: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const prepared = /NaN|Infinity/.test(body) ? markNonFiniteLiterals(body) : body;
  try {
    return JSON.parse(prepared);
  } catch {
    // The message is built from positions alone: V8's quotes the text around the problem.
    const problem = findJsonSyntaxError(body);
    if (!problem) throw new InputError({ file, message: 'not valid JSON' });
    const atStart = problem.offset === /^[ \t\n\r]*/.exec(body)![0].length && problem.expected.startsWith(A_VALUE);
    const message = `not valid JSON at ${lineAndColumn(body, problem.offset)}: expected ${problem.expected}${atStart ? '; this is not a JSON file' : ''}`;
    throw new InputError({ file, message });
  }
}

export function readJsonFile(file: string): unknown {
  checkFileSize(file, MAX_JSON_FILE_BYTES, 'a JSON file', 'it is parsed whole; split it into several files');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError({ file, message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
  }
  return parseJsonText(text, file);
}

/**
 * Describes a JSON value for a scene source's error message by its kind alone ("a string of 12 characters",
 * "NaN", "an object"): errors name files and fields but never quote their contents (a mistyped path may point
 * at a private file that happens to be JSON).
 */
export function describeFound(v: unknown): string {
  if (typeof v === 'string' && !v.startsWith(NON_FINITE_MARK)) return `a string of ${v.length} characters`;
  return describeJsonValue(v);
}

/** Describes a JSON value for an error message ("a string", "NaN", "null", …), quoting short strings. */
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
    this.problems.push({ file: this.file, field, message: `expected ${expected}, found ${describeFound(v)}` });
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

  /** `n` coordinates in metres, each within the importers' bound (limits.ts). */
  coordinates(v: unknown, n: number, field: string): number[] | undefined {
    const out = this.numbers(v, n, field);
    const bad = out?.findIndex((x) => !(Math.abs(x) <= MAX_COORDINATE_M)) ?? -1;
    return bad < 0 ? out : this.fail(`${field}[${bad}]`, `a coordinate ${coordinateBoundText()}`, out![bad]);
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
