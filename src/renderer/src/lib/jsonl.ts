/** JSON Lines formatting (CSV is src/shared/csv.ts, shared with the engine). */

/** One JSON object per line; a line never contains a raw newline because JSON.stringify escapes them. */
export function toJsonl(records: readonly unknown[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}
