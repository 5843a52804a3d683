/**
 * CSV as RFC 4180 writes it: a field holding a comma, a double quote, CR or LF is enclosed in double quotes with
 * its quotes doubled; every other field is written as is. One writer for the app's exports and the engine's
 * experiment artefacts.
 */

/**
 * One field. Strings as they are, numbers and booleans by `String`, objects as JSON; null and undefined are
 * empty. Fields with leading or trailing whitespace are quoted too (RFC 4180 allows quoting any field), so
 * spreadsheet programs that trim unquoted fields keep it.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record, without its line ending. */
export function csvLine(fields: readonly unknown[]): string {
  return fields.map(csvField).join(',');
}

export interface CsvOptions {
  /** Line ending after every record, the last included: CRLF as RFC 4180 asks (the default), or LF. */
  eol?: '\r\n' | '\n';
}

/** A whole CSV document: the header record, then one record per row, each ended by `eol`. */
export function toCsv(header: readonly string[], rows: Iterable<readonly unknown[]>, options: CsvOptions = {}): string {
  const eol = options.eol ?? '\r\n';
  let out = `${csvLine(header)}${eol}`;
  for (const row of rows) out += `${csvLine(row)}${eol}`;
  return out;
}
