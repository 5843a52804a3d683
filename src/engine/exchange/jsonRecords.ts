/**
 * Record files as benchmarks ship them: one JSON array, or JSON Lines (one object per line). Which one is
 * decided by the first character, not the file name, since both circulate under `.json`. Each record keeps
 * where it came from (its index and, for JSON Lines, its line) for error messages.
 *
 * Files are read in chunks and records come out in batches as soon as they are complete, so a question file
 * of tens of megabytes is never held whole: neither as text nor as one parsed structure. A JSON array is split
 * into its elements by a scanner that tracks strings and nesting only; each element is then parsed on its own,
 * so the accepted language is still exactly JSON (with Python's NaN / Infinity, as parseJsonText reads them).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '../../shared/errors.js';
import { findJsonSyntaxError, parseJsonText } from '../sources/json.js';

export interface JsonRecord {
  /** 0-based position among the file's records. */
  index: number;
  /** 1-based line, for JSON Lines. */
  line?: number;
  value: unknown;
}

const A_VALUE = 'a JSON value (an object, array, string, number, true, false or null)';
const CHAR = { tab: 9, lf: 10, cr: 13, space: 32, quote: 34, comma: 44, backslash: 92, open: 91, close: 93, openObject: 123, closeObject: 125 } as const;

const isWhitespace = (c: number): boolean => c === CHAR.space || c === CHAR.lf || c === CHAR.cr || c === CHAR.tab;

/** Line and column (1-based) of `offset` inside `text`, which starts at `line`, `column` of the file. */
function positionIn(text: string, offset: number, line: number, column: number): string {
  let l = line;
  let lineStart = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    l++;
    lineStart = i;
  }
  return `line ${l}, column ${lineStart < 0 ? column + offset : offset - lineStart}`;
}

/**
 * Turns text, pushed in pieces of any size, into records. Work is linear in the text: pieces of a record that
 * spans many pushes are kept in a list and joined once, never re-scanned.
 */
export class JsonRecordScanner {
  private format: 'unknown' | 'lines' | 'array' = 'unknown';
  private started = false;
  private records = 0;
  /** Pieces of the line or array element not complete yet. */
  private parts: string[] = [];
  // JSON Lines: the number of the line now being read.
  private lineNo = 1;
  // JSON array state: position for error messages, and where the scanner is in the array's grammar.
  private line = 1;
  private column = 1;
  private state: 'before' | 'first' | 'next' | 'element' | 'end' = 'before';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private elementLine = 1;
  private elementColumn = 1;

  constructor(readonly file: string) {}

  /** Records completed by this piece of text. */
  push(text: string): JsonRecord[] {
    let body = text;
    if (!this.started && body.length > 0) {
      this.started = true;
      if (body.charCodeAt(0) === 0xfeff) body = body.slice(1);
    }
    if (this.format === 'unknown') {
      const first = /\S/.exec(body);
      if (!first) {
        // Leading blank text: nothing decides the format yet. Lines still count for JSON Lines' numbering,
        // and the array scanner re-reads it for its columns.
        this.parts.push(body);
        return [];
      }
      this.format = first[0] === '[' ? 'array' : 'lines';
      const before = this.parts.join('');
      this.parts = [];
      body = before + body;
    }
    const out: JsonRecord[] = [];
    if (this.format === 'lines') this.pushLines(body, out);
    else this.pushArray(body, out);
    return out;
  }

  /** Records completed by the end of the text; throws when the text ended inside one or held none. */
  end(): JsonRecord[] {
    const out: JsonRecord[] = [];
    if (this.format === 'lines') {
      const rest = this.parts.join('');
      this.parts = [];
      this.lineRecord(rest, out);
    } else if (this.format === 'array') {
      this.endArray();
    }
    if (this.format === 'unknown') throw new InputError({ file: this.file, message: 'the file is empty; expected a JSON array or JSON Lines of question records' });
    return out;
  }

  private pushLines(body: string, out: JsonRecord[]): void {
    let start = 0;
    for (let nl = body.indexOf('\n'); nl >= 0; nl = body.indexOf('\n', start)) {
      const piece = body.slice(start, nl);
      const line = this.parts.length > 0 ? this.parts.join('') + piece : piece;
      this.parts = [];
      this.lineRecord(line, out);
      this.lineNo++;
      start = nl + 1;
    }
    if (start < body.length) this.parts.push(body.slice(start));
  }

  private lineRecord(raw: string, out: JsonRecord[]): void {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = parseJsonText(line, this.file);
    } catch (e) {
      throw new InputError({ file: this.file, field: `line ${this.lineNo}`, message: e instanceof InputError ? (e.problems[0]?.message ?? e.message) : String(e) });
    }
    out.push({ index: this.records++, line: this.lineNo, value });
  }

  private syntax(expected: string, where = `line ${this.line}, column ${this.column}`): InputError {
    return new InputError({ file: this.file, message: `not valid JSON at ${where}: expected ${expected}` });
  }

  private pushArray(body: string, out: JsonRecord[]): void {
    // Start of the current element inside `body`, while one is being read.
    let from = 0;
    for (let i = 0; i < body.length; i++) {
      const c = body.charCodeAt(i);
      switch (this.state) {
        case 'before':
          if (c === CHAR.open) this.state = 'first';
          else if (!isWhitespace(c)) throw this.syntax(`${A_VALUE}; this is not a JSON file`);
          break;
        case 'first':
        case 'next':
          if (isWhitespace(c)) break;
          if (c === CHAR.close && this.state === 'first') {
            this.state = 'end';
            break;
          }
          if (c === CHAR.close || c === CHAR.comma) throw this.syntax(A_VALUE);
          this.state = 'element';
          this.depth = 0;
          this.inString = false;
          this.escaped = false;
          this.elementLine = this.line;
          this.elementColumn = this.column;
          from = i;
          i--;
          // The character is read again as the element's first.
          continue;
        case 'element':
          if (this.inString) {
            if (this.escaped) this.escaped = false;
            else if (c === CHAR.backslash) this.escaped = true;
            else if (c === CHAR.quote) this.inString = false;
          } else if (c === CHAR.quote) {
            this.inString = true;
          } else if (c === CHAR.open || c === CHAR.openObject) {
            this.depth++;
          } else if ((c === CHAR.close || c === CHAR.closeObject) && this.depth > 0) {
            this.depth--;
          } else if ((c === CHAR.comma || c === CHAR.close) && this.depth === 0) {
            this.element(body.slice(from, i), out);
            this.state = c === CHAR.comma ? 'next' : 'end';
          } else if (c === CHAR.closeObject) {
            // Unbalanced: the element's own parse says where and what was expected.
            throw this.elementError(this.take(body.slice(from, i + 1)));
          }
          break;
        case 'end':
          if (!isWhitespace(c)) throw this.syntax('nothing after the JSON value');
          break;
      }
      if (c === CHAR.lf) {
        this.line++;
        this.column = 1;
      } else {
        this.column++;
      }
    }
    if (this.state === 'element') this.parts.push(body.slice(from));
  }

  /** The pending pieces of an element plus its last piece, without the JSON whitespace before a ',' or ']'. */
  private take(piece: string, trim = true): string {
    const text = this.parts.length > 0 ? this.parts.join('') + piece : piece;
    this.parts = [];
    return trim ? text.replace(/[ \t\n\r]+$/, '') : text;
  }

  private element(piece: string, out: JsonRecord[]): void {
    const text = this.take(piece);
    let value: unknown;
    try {
      value = parseJsonText(text, this.file);
    } catch {
      throw this.elementError(text);
    }
    out.push({ index: this.records++, value });
  }

  /** The element's syntax error, placed in the file: the element's own line and column would point elsewhere. */
  private elementError(text: string): InputError {
    const problem = findJsonSyntaxError(text);
    if (!problem) return new InputError({ file: this.file, message: 'not valid JSON' });
    const expected = problem.expected === 'nothing after the JSON value' ? "',' or ']' after an array element" : problem.expected;
    return this.syntax(expected, positionIn(text, problem.offset, this.elementLine, this.elementColumn));
  }

  private endArray(): void {
    if (this.state === 'end') return;
    if (this.state === 'element') {
      // Untrimmed: a text that ends too early is reported where it ends, as a whole-file parse would.
      const text = this.take('', false);
      if (findJsonSyntaxError(text)) throw this.elementError(text);
      // A complete last element with no ']' after it.
      throw this.syntax("',' or ']' after an array element");
    }
    throw this.syntax(`${A_VALUE} (the text ends first)`);
  }
}

export function parseJsonRecords(text: string, file: string): JsonRecord[] {
  const scanner = new JsonRecordScanner(file);
  return [...scanner.push(text), ...scanner.end()];
}

export interface RecordBatch {
  records: JsonRecord[];
  /** Bytes of the file read so far, and its size when opened: enough for a progress figure. */
  bytesRead: number;
  totalBytes: number;
}

export interface ReadRecordOptions {
  /** Bytes read per chunk (default 1 MiB). */
  chunkBytes?: number;
}

function cannotRead(file: string, e: unknown): InputError {
  return new InputError({ file, message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
}

/**
 * Reads a record file chunk by chunk, yielding the records each chunk completes (a batch may be empty while a
 * long record is still being read). Memory is one chunk plus the records of one batch, whatever the file size.
 */
export function* readJsonRecordBatches(file: string, options: ReadRecordOptions = {}): Generator<RecordBatch, void, undefined> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw cannotRead(file, e);
  }
  try {
    let totalBytes: number;
    try {
      totalBytes = fstatSync(fd).size;
    } catch (e) {
      throw cannotRead(file, e);
    }
    const buffer = Buffer.allocUnsafe(Math.max(1, options.chunkBytes ?? 1 << 20));
    const decoder = new StringDecoder('utf8');
    const scanner = new JsonRecordScanner(file);
    let bytesRead = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (e) {
        throw cannotRead(file, e);
      }
      if (n === 0) break;
      bytesRead += n;
      yield { records: scanner.push(decoder.write(buffer.subarray(0, n))), bytesRead, totalBytes: Math.max(totalBytes, bytesRead) };
    }
    const last = [...scanner.push(decoder.end()), ...scanner.end()];
    yield { records: last, bytesRead, totalBytes: Math.max(totalBytes, bytesRead) };
  } finally {
    closeSync(fd);
  }
}

export function readJsonRecords(file: string): JsonRecord[] {
  const out: JsonRecord[] = [];
  for (const batch of readJsonRecordBatches(file)) for (const r of batch.records) out.push(r);
  return out;
}

/** JSON Lines text of the values, one per line, with a final newline (empty for no values). */
export function toJsonLines(values: readonly unknown[]): string {
  return values.map((v) => `${JSON.stringify(v)}\n`).join('');
}
