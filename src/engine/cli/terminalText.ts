/**
 * Text from files and databases, made safe to print on a terminal. Scene ids, labels and the messages that quote
 * them come from files anyone may have written: a NUL, an ANSI escape (`ESC[2J` clears the screen, OSC sequences
 * set the window title or write links), a carriage return or a bidirectional override would act on the terminal
 * instead of being shown, and a 100 000-character id would bury everything else. Every CLI command prints
 * through these, so such text is shown (as `\x1B`, `\u202E`, …) and long ids are shortened, never executed.
 * Printable text, including any language's letters, passes unchanged.
 */

/**
 * Longest id (or label) printed whole; a longer one keeps its start and its end around an ellipsis. Above any id
 * a file name gives (255 bytes, plus a `ply:` prefix), so only ids no file system could have named are shortened.
 */
export const MAX_PRINTED_ID = 300;
/** Longest line of a message or report printed whole. */
export const MAX_PRINTED_LINE = 2000;

/**
 * Control characters (C0, DEL, C1: these start terminal escape sequences), bidirectional controls (they reorder
 * what is shown around them) and Unicode line separators. Tab and newline are matched too; printableText keeps them.
 */
const CONTROL = /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

function escape(c: string): string {
  const n = c.codePointAt(0)!;
  return n < 0x100 ? `\\x${n.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${n.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `s` cut to at most `max` characters (code points, so no surrogate pair is split): its start, `…`, its end. */
function shorten(s: string, max: number): string {
  if (s.length <= max) return s;
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  const tail = Math.floor((max - 1) / 3);
  return `${chars.slice(0, max - 1 - tail).join('')}…${chars.slice(chars.length - tail).join('')}`;
}

/** One line of text (an id, a label, a table cell): every control character shown escaped, long text shortened. */
export function printableId(s: string, max = MAX_PRINTED_ID): string {
  if (s === '') return '""';
  return shorten(s, max).replace(CONTROL, escape);
}

/** Lines of text (a message, a report): newlines and tabs kept, other control characters shown escaped, long lines shortened. */
export function printableText(s: string, maxLine = MAX_PRINTED_LINE): string {
  return s
    .split('\n')
    .map((line) => shorten(line, maxLine).replace(CONTROL, (c) => (c === '\t' ? c : escape(c))))
    .join('\n');
}
