/**
 * Byte-level scanner for ASCII PLY data. Numbers are read straight from the bytes (Clinger's fast path: up to
 * 15 significant digits and |10-exponent| ≤ 22 give a correctly rounded double with one multiply or divide),
 * so a 5M-point file does not become 30M short-lived strings. Anything unusual falls back to Number() on the token.
 * Data is line-oriented (one element item per line) so that a wrong count is reported at the line it shows up.
 */
import { InputError } from '../../../shared/errors.js';

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}

export class AsciiScanner {
  pos: number;
  /** 1-based line number in the whole file (header lines included), for messages. */
  line: number;

  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    firstLine: number,
    private readonly file: string,
  ) {
    this.pos = start;
    this.line = firstLine;
  }

  /** Skips blank lines before an item; false at end of file. */
  startItem(): boolean {
    const b = this.bytes;
    let p = this.pos;
    while (p < b.length) {
      const c = b[p]!;
      if (c === LF) this.line++;
      else if (!isBlank(c)) break;
      p++;
    }
    this.pos = p;
    return p < b.length;
  }

  /** True when only blanks remain on the current line. */
  atLineEnd(): boolean {
    const b = this.bytes;
    let p = this.pos;
    while (p < b.length && isBlank(b[p]!)) p++;
    this.pos = p;
    return p >= b.length || b[p] === LF;
  }

  /** Consumes the rest of the current line, which must be blank; `describe` explains the item for the error. */
  endItem(describe: () => string): void {
    if (!this.atLineEnd()) {
      throw new InputError({ file: this.file, field: `line ${this.line}`, message: `${describe()}: found more values on the line than the header declares` });
    }
    if (this.pos < this.bytes.length) {
      this.pos++;
      this.line++;
    }
  }

  /** The next number on the current line; `describe` explains what was expected for the error. */
  number(describe: () => string): number {
    const b = this.bytes;
    let p = this.pos;
    while (p < b.length && isBlank(b[p]!)) p++;
    if (p >= b.length || b[p] === LF) {
      this.pos = p;
      throw new InputError({ file: this.file, field: `line ${this.line}`, message: `${describe()}: found fewer values on the line than the header declares` });
    }
    const start = p;
    let c = b[p]!;
    let neg = false;
    if (c === 45 /* - */ || c === 43 /* + */) {
      neg = c === 45;
      p++;
    }
    let mant = 0;
    let sig = 0;
    let digits = 0;
    let exp10 = 0;
    while (p < b.length && (c = b[p]!) >= 48 && c <= 57) {
      if (mant !== 0 || c !== 48) sig++;
      mant = mant * 10 + (c - 48);
      digits++;
      p++;
    }
    if (p < b.length && b[p] === 46 /* . */) {
      p++;
      while (p < b.length && (c = b[p]!) >= 48 && c <= 57) {
        if (mant !== 0 || c !== 48) sig++;
        mant = mant * 10 + (c - 48);
        digits++;
        exp10--;
        p++;
      }
    }
    if (digits > 0 && p < b.length && ((c = b[p]!) === 101 || c === 69) /* e E */) {
      p++;
      let eneg = false;
      if (p < b.length && (b[p] === 45 || b[p] === 43)) {
        eneg = b[p] === 45;
        p++;
      }
      let e = 0;
      let edigits = 0;
      while (p < b.length && (c = b[p]!) >= 48 && c <= 57) {
        e = e * 10 + (c - 48);
        edigits++;
        p++;
      }
      if (edigits === 0) digits = 0; // "1e" is not a number: take the slow path for the message
      exp10 += eneg ? -e : e;
    }
    const endsToken = p >= b.length || isBlank(b[p]!) || b[p] === LF;
    if (digits > 0 && endsToken && sig <= 15 && exp10 >= -22 && exp10 <= 22) {
      this.pos = p;
      const v = exp10 < 0 ? mant / POW10[-exp10]! : mant * POW10[exp10]!;
      return neg ? -v : v;
    }
    return this.slowNumber(start, describe);
  }

  private slowNumber(start: number, describe: () => string): number {
    const b = this.bytes;
    let p = start;
    while (p < b.length && !isBlank(b[p]!) && b[p] !== LF) p++;
    this.pos = p;
    const token = Buffer.from(b.buffer, b.byteOffset + start, p - start).toString('latin1');
    const lower = token.toLowerCase();
    // Non-finite spellings are read as values so the caller can report *which* coordinate is bad.
    if (/^[+-]?(nan|-?nan\(.*\)|1\.#qnan|1\.#ind)$/.test(lower)) return NaN;
    if (/^\+?(inf|infinity|1\.#inf)$/.test(lower)) return Infinity;
    if (/^-(inf|infinity|1\.#inf)$/.test(lower)) return -Infinity;
    const v = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(token) ? Number(token) : NaN;
    if (Number.isNaN(v)) {
      // Position only, never the token: errors do not quote a file's bytes.
      let lineStart = start;
      while (lineStart > 0 && b[lineStart - 1] !== LF) lineStart--;
      throw new InputError({
        file: this.file,
        field: `line ${this.line}`,
        message: `${describe()}: expected a number at column ${start - lineStart + 1}, found ${p - start} characters that are not one`,
      });
    }
    return v;
  }

  /** After the last element: anything but blanks is data the header did not declare. */
  atEnd(): boolean {
    return !this.startItem();
  }
}
