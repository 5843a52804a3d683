/** CSV (RFC 4180) and JSON Lines formatting. */

/** Quotes a field when it holds a comma, quote, CR or LF (or leading/trailing spaces); quotes are doubled. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(fields: readonly unknown[]): string {
  return fields.map(csvField).join(',');
}

/** A whole CSV document: header line, then one line per row, CRLF-terminated as RFC 4180 asks. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [csvLine(header), ...rows.map(csvLine)].map((l) => `${l}\r\n`).join('');
}

/** One JSON object per line; a line never contains a raw newline because JSON.stringify escapes them. */
export function toJsonl(records: readonly unknown[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}
